# Exploring a running server by reflection alone: grpcurl (in the Makefile, which
# `make run` needs), grpcui and ghz (mk/bench.mk). tests/integration/test_reflection_tools.py
# runs all three against a real server, so they are part of `make setup`.
GRPCUI         := $(TOOLS)/bin/grpcui
GRPCUI_MODULE  := tools/grpcui

SETUP_TARGETS += $(GRPCUI) $(GHZ)

# Built from a pinned module (tools/grpcui/go.mod) rather than `go install pkg@version`,
# which also asks the module proxy for grpcui's version list and is refused there.
$(GRPCUI): $(GRPCUI_MODULE)/go.mod $(GRPCUI_MODULE)/go.sum
	cd $(GRPCUI_MODULE) && go build -o $@ github.com/fullstorydev/grpcui/cmd/grpcui

.PHONY: grpcurl grpcui
grpcurl: $(GRPCURL) ## run grpcurl: make grpcurl ARGS='-plaintext localhost:50051 list'
	$(GRPCURL) $(ARGS)

grpcui: $(GRPCUI) ## open grpcui's web page on the local server (make run) in a browser
	$(GRPCUI) -plaintext $(or $(ARGS),localhost:50051)
