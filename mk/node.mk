# TypeScript on Node.js: code generated into gen/node by protoc-gen-es
# (buf.gen.node.yaml), a thin client, its tests and the interop scenario in
# clients/node. The client's tools are pinned in clients/node/package-lock.json.
NODE_DIR := clients/node
NODE_BIN := $(NODE_DIR)/node_modules/.bin
NODE_DIST := $(NODE_DIR)/dist/clients/node

SETUP_TARGETS += $(NODE_DIR)/node_modules/.installed
GEN_TARGETS   += gen-node
LINT_TARGETS  += lint-node
# The interop harness (mk/fixtures.mk) runs `make interop-node` with ROSTER_ADDRESS set.
INTEROP_CLIENTS += node

.PHONY: node-protos gen-node lint-node build-node test-node interop-node

$(NODE_DIR)/node_modules/.installed: $(NODE_DIR)/package.json $(NODE_DIR)/package-lock.json
	npm ci --prefix $(NODE_DIR) --silent --ignore-scripts
	touch $@

node-protos: $(VENV)/.installed ## stage google/rpc and grpc.health.v1 for gen-node into build/node-protos
	$(PY) $(NODE_DIR)/stage_protos.py build/node-protos

gen-node: protos node-protos tools/node_modules/.installed $(NODE_DIR)/node_modules/.installed ## regenerate gen/node (TypeScript)
	$(BUF) generate --template buf.gen.node.yaml

lint-node: $(NODE_DIR)/node_modules/.installed
	$(NODE_BIN)/tsc -p $(NODE_DIR) --noEmit

build-node: $(NODE_DIR)/node_modules/.installed
	rm -rf $(NODE_DIR)/dist
	$(NODE_BIN)/tsc -p $(NODE_DIR)

test-node: build-node ## TypeScript client tests and wire-fixture checks
	node --test $(NODE_DIST)/test/*.test.js

interop-node: build-node ## the interop scenario in TypeScript against ROSTER_ADDRESS
	node $(NODE_DIST)/src/scenario.js
