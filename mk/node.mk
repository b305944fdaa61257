# TypeScript on Node.js: code generated into gen/node by protoc-gen-es
# (buf.gen.node.yaml), a thin client, its tests and the interop scenario in
# clients/node. The client's tools are pinned in clients/node/package-lock.json.
NODE_DIR := clients/node
NODE_BIN := $(NODE_DIR)/node_modules/.bin
NODE_DIST := $(NODE_DIR)/dist/clients/node
NODE_BUILT := $(NODE_DIR)/dist/.built
NODE_SOURCES := $(NODE_DIR)/tsconfig.json $(wildcard $(NODE_DIR)/src/*.ts $(NODE_DIR)/test/*.ts $(NODE_DIR)/examples/*.ts) \
  $(shell find gen/node -name '*.ts' 2>/dev/null)

SETUP_TARGETS += $(NODE_DIR)/node_modules/.installed
GEN_TARGETS   += gen-node
LINT_TARGETS  += lint-node
# The interop harness (mk/interop.mk) runs `make interop-node` with ROSTER_ADDRESS set.
INTEROP_CLIENTS += node

.PHONY: node-protos gen-node lint-node test-node interop-node node-example

$(NODE_DIR)/node_modules/.installed: $(NODE_DIR)/package.json $(NODE_DIR)/package-lock.json
	npm ci --prefix $(NODE_DIR) --silent --ignore-scripts
	touch $@

node-protos: $(VENV)/.installed ## stage google/rpc and grpc.health.v1 for gen-node into build/node-protos
	$(PY) $(NODE_DIR)/stage_protos.py build/node-protos

gen-node: protos node-protos tools/node_modules/.installed $(NODE_DIR)/node_modules/.installed ## regenerate gen/node (TypeScript)
	$(BUF) generate --template buf.gen.node.yaml

lint-node: $(NODE_DIR)/node_modules/.installed ## type-check the TypeScript client (tsc --noEmit)
	$(NODE_BIN)/tsc -p $(NODE_DIR) --noEmit

# Compiled once for both test-node and interop-node, and silently: interop-node's
# stdout is the scenario's lines only.
$(NODE_BUILT): $(NODE_DIR)/node_modules/.installed $(NODE_DIR)/src $(NODE_DIR)/test $(NODE_DIR)/examples $(NODE_SOURCES)
	@rm -rf $(NODE_DIR)/dist
	@$(NODE_BIN)/tsc -p $(NODE_DIR)
	@touch $@

test-node: $(NODE_BUILT) ## TypeScript client tests and wire-fixture checks
	node --test --test-reporter=tap $(NODE_DIST)/test/*.test.js

interop-node: $(NODE_BUILT) ## the interop scenario in TypeScript against ROSTER_ADDRESS
	$(require-address)
	@node $(NODE_DIST)/src/scenario.js

node-example: $(NODE_BUILT) ## compile the TypeScript client and run examples/hello.ts against ROSTER_ADDRESS (default localhost:50051)
	@node $(NODE_DIST)/examples/hello.js

# roster.user.v2: the same scenario shape through createUserClientV2 (src/scenario-v2.ts).
INTEROP_CLIENTS += node-v2
.PHONY: interop-node-v2
interop-node-v2: $(NODE_BUILT) ## the roster.user.v2 interop scenario in TypeScript against ROSTER_ADDRESS
	$(require-address)
	@node $(NODE_DIST)/src/scenario-v2.js
