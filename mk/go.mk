# Go: generated code (gen/go, module roster.dev/gen/go), the thin client
# (clients/go, module roster.dev/clients/go) and its interop scenario.
PROTOC_GEN_GO_VERSION      := v1.36.12
PROTOC_GEN_GO_GRPC_VERSION := v1.6.2
# The stamp's name carries both versions so bumping one reinstalls them.
GO_PLUGINS := $(TOOLS)/.go-plugins-$(PROTOC_GEN_GO_VERSION)-$(PROTOC_GEN_GO_GRPC_VERSION)
GO_SCENARIO := $(TOOLS)/bin/roster-go-scenario

GEN_TARGETS   += gen-go
SETUP_TARGETS += $(GO_PLUGINS)
LINT_TARGETS  += lint-go
INTEROP_CLIENTS += go

.PHONY: gen-go lint-go test-go interop-go

$(GO_PLUGINS):
	GOBIN=$(TOOLS)/bin go install google.golang.org/protobuf/cmd/protoc-gen-go@$(PROTOC_GEN_GO_VERSION)
	GOBIN=$(TOOLS)/bin go install google.golang.org/grpc/cmd/protoc-gen-go-grpc@$(PROTOC_GEN_GO_GRPC_VERSION)
	touch $@

# Only the generated tree is replaced: gen/go/go.mod and go.sum are ours.
gen-go: protos $(GO_PLUGINS) ## regenerate gen/go (Go)
	rm -rf gen/go/roster
	$(BUF) generate --template buf.gen.go.yaml

lint-go: ## go vet and gofmt on gen/go and clients/go
	cd gen/go && go vet ./...
	cd clients/go && go vet ./...
	$(call gofmt-check,clients/go)

test-go: ## run the Go client's tests (fixtures included)
	cd clients/go && go test ./...

# Built once into .tools so the scenario's run is not a compile. Recipes are
# silent so that stdout holds only the scenario's ok/FAIL lines.
$(GO_SCENARIO): $(shell find clients/go gen/go -name '*.go' -o -name 'go.mod' -o -name 'go.sum' 2>/dev/null)
	@cd clients/go && go build -buildvcs=false -o $@ ./cmd/scenario >&2

interop-go: $(GO_SCENARIO) ## run the interop scenario against the server at ROSTER_ADDRESS (host:port)
	$(require-address)
	@$(GO_SCENARIO)

# roster.user.v2: the same scenario shape through ClientV2 (clients/go/cmd/scenario-v2).
GO_SCENARIO_V2 := $(TOOLS)/bin/roster-go-scenario-v2
INTEROP_CLIENTS += go-v2
.PHONY: interop-go-v2

$(GO_SCENARIO_V2): $(shell find clients/go gen/go -name '*.go' -o -name 'go.mod' -o -name 'go.sum' 2>/dev/null)
	@cd clients/go && go build -buildvcs=false -o $@ ./cmd/scenario-v2 >&2

interop-go-v2: $(GO_SCENARIO_V2) ## run the roster.user.v2 interop scenario in Go against ROSTER_ADDRESS (host:port)
	$(require-address)
	@$(GO_SCENARIO_V2)
