# Benchmark: ghz (Go module proxy), the Go WatchUsers driver, a protoset, and the run.
# Not in SETUP_TARGETS: `make test` builds these only through bench-smoke's test.
GHZ_VERSION   := v0.93.0
GHZ           := $(TOOLS)/bin/ghz
BENCH_WATCHER := bench/watch/watch
BENCH_PROTOSET := build/bench/roster.binpb
# The servers run again on this grpcio, the last release before grpc.aio's unary
# regression (grpc/grpc#43092), to choose the pin by measurement.
BENCH_GRPCIO  := 1.75.0
BENCH_GRPCIO_VENV := build/bench/grpcio-$(BENCH_GRPCIO)
BENCH_TOOLS   := $(GHZ) $(BENCH_WATCHER) $(BENCH_PROTOSET) $(BENCH_GRPCIO_VENV)/.installed
BENCH_ARGS     = --ghz $(GHZ) --protoset $(BENCH_PROTOSET) --watcher $(BENCH_WATCHER) \
  --ghz-version $(GHZ_VERSION) --grpcio-venv $(BENCH_GRPCIO_VENV)

.PHONY: bench bench-smoke bench-tools
bench-tools: $(VENV)/.installed tools/node_modules/.installed $(BENCH_TOOLS)

$(GHZ):
	GOBIN=$(TOOLS)/bin GOFLAGS=-mod=mod go install github.com/bojand/ghz/cmd/ghz@$(GHZ_VERSION)

$(BENCH_WATCHER): bench/watch/main.go bench/watch/go.mod bench/watch/go.sum
	cd bench/watch && go build -o watch .

# A FileDescriptorSet with every import, so ghz needs no reflection.
$(BENCH_PROTOSET): $(wildcard proto/roster/user/*/*.proto) | protos
	mkdir -p $(dir $@)
	$(BUF) build -o $@

# A virtualenv with every locked package but the grpcio family, which is at $(BENCH_GRPCIO).
$(BENCH_GRPCIO_VENV)/.installed: bench/grpcio_venv.sh requirements/lock.txt $(wildcard proto/roster/user/*/*.proto) | $(VENV)/.installed protos
	bench/grpcio_venv.sh $(BENCH_GRPCIO) $(BENCH_GRPCIO_VENV)
	touch $@

bench: bench-tools ## run the benchmark (minutes) and rewrite bench/results.md
	$(PY) -m bench.run --out build/bench/full --report bench/results.md $(BENCH_ARGS)

bench-smoke: bench-tools ## a few-second benchmark run proving the harness works
	$(PY) -m bench.run --smoke --out build/bench/smoke $(BENCH_ARGS)

LINT_TARGETS += lint-bench
.PHONY: lint-bench
lint-bench: ## go vet and gofmt on the WatchUsers driver
	cd bench/watch && go vet ./...
	$(call gofmt-check,bench/watch)
