# Roster: one entry point for building, checking and running everything.
# `make run` and `make test` install what they need on a fresh machine.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV    := .venv
PY      := $(VENV)/bin/python
UV      := $(VENV)/bin/uv
TOOLS   := $(CURDIR)/.tools
BUF     := tools/node_modules/.bin/buf
GRPCURL := $(TOOLS)/bin/grpcurl
UV_VERSION      := 0.13.9
GRPCURL_VERSION := v1.9.3
export PATH := $(TOOLS)/bin:$(PATH)

# Language fragments (mk/*.mk) append to these lists.
GEN_TARGETS   := gen-python
LINT_TARGETS  := check-lock lint-python lint-proto check-gen
SETUP_TARGETS := $(VENV)/.installed tools/node_modules/.installed $(GRPCURL)
INTEROP_CLIENTS := python grpcurl bufcurl

# ---- canned recipes the fragments share -------------------------------------
# $(call deb-binary,PACKAGE[=VERSION],PATH-IN-PACKAGE,WORK-DIR): put one binary of a
# Debian package at $@ without installing the package (which could start services or
# need root). A fresh machine may have no package lists yet: refresh once and retry.
define deb-binary
rm -rf $(3)
mkdir -p $(3)/root $(dir $@)
cd $(3) && { apt-get download $(1) || { apt-get update && apt-get download $(1); }; }
dpkg-deb --fsys-tarfile $(3)/*.deb | tar -x -C $(3)/root ./$(2)
install -m 0755 $(3)/root/$(2) $@
rm -rf $(3)
$@ --version
endef

# $(call gofmt-check,DIRS): fail, naming them, if gofmt would change Go files under DIRS.
define gofmt-check
@unformatted="$$(gofmt -l $(1))"; \
  if [ -n "$$unformatted" ]; then echo "gofmt needed: $$unformatted" >&2; exit 1; fi
endef

# First line of every interop-<name> recipe: the harness (mk/interop.mk) must say where.
require-address = @test -n "$${ROSTER_ADDRESS:-}" || { echo "ROSTER_ADDRESS is not set" >&2; exit 2; }

-include $(wildcard mk/*.mk)

.PHONY: help run demo test lint gen protos lock check-lock readme check-gen lint-python lint-proto gen-python clean
help: ## list the targets
	@grep -hE '^[a-z0-9-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-16s %s\n", $$1, $$2}'

# The local development profile: no load balancer to drain for, so Ctrl-C stops at once
# and exits 0. The service's own defaults stay production-safe, and a ROSTER_* variable
# set in the environment still wins over these.
DEV_PROFILE := ROSTER_DRAIN_SECONDS=$${ROSTER_DRAIN_SECONDS:-0} \
  ROSTER_SHUTDOWN_GRACE_SECONDS=$${ROSTER_SHUTDOWN_GRACE_SECONDS:-1}

run: $(VENV)/.installed tools/node_modules/.installed $(GRPCURL) ## install (with grpcurl and buf), migrate and serve on localhost:50051 with ./var/roster.db
	@echo "roster: grpcurl is $(GRPCURL) (or: make grpcurl ARGS='-plaintext localhost:50051 list'); Ctrl-C stops" >&2
	$(DEV_PROFILE) $(PY) tools/foreground.py $(VENV)/bin/roster-user serve

DEMO_USERS := build/demo/users.csv

demo: $(VENV)/.installed ## seed the server at ROSTER_ADDRESS (default: make run's) with 300 demo users
	$(PY) tools/demo_users.py $(DEMO_USERS) 300
	$(VENV)/bin/roster-user users import $(DEMO_USERS)

test: setup lint ## install everything, lint, then run every test
	$(PY) -m pytest

setup: $(SETUP_TARGETS) ## install every tool and dependency make test uses (into .venv, .tools, node_modules)
.PHONY: setup

lint: setup $(LINT_TARGETS) ## ruff, mypy --strict, buf format/lint/breaking, generated-code drift

gen: setup $(GEN_TARGETS) ## regenerate gen/ from proto/

# ---- installs -------------------------------------------------------------
$(VENV)/.installed: pyproject.toml requirements/lock.txt
	test -x $(PY) || python3 -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check uv==$(UV_VERSION)
	$(UV) pip sync --quiet --python $(PY) requirements/lock.txt
	$(UV) pip install --quiet --python $(PY) --no-deps -e .
	touch $@

lock: ## re-pin requirements/*.txt from pyproject.toml
	$(UV) pip compile --quiet --generate-hashes --extra dev pyproject.toml -o requirements/lock.txt
	$(UV) pip compile --quiet --generate-hashes pyproject.toml -o requirements/runtime.txt

check-lock: $(VENV)/.installed ## the lock files must match pyproject.toml
	tools/check_lock.sh $(UV)

tools/node_modules/.installed: tools/package.json tools/package-lock.json
	npm ci --prefix tools --silent --ignore-scripts
	touch $@

$(GRPCURL):
	GOBIN=$(TOOLS)/bin GOFLAGS=-mod=mod go install github.com/fullstorydev/grpcurl/cmd/grpcurl@$(GRPCURL_VERSION)

# ---- contract and generated code -------------------------------------------
protos: $(VENV)/.installed ## stage third-party .proto files from installed packages into build/protos
	$(PY) tools/stage_protos.py build/protos

gen-python: protos ## regenerate gen/python
	rm -rf gen/python
	$(BUF) generate --template buf.gen.yaml
	$(PY) tools/finish_python_gen.py gen/python

check-gen: protos ## generated code must equal a fresh `make gen`
	tools/check_gen.sh $(GEN_TARGETS)

lint-proto: protos ## buf format, buf lint and buf breaking on proto/
	$(BUF) format --diff --exit-code
	$(BUF) lint
	tools/buf_breaking.sh $(BUF)

lint-python: $(VENV)/.installed ## ruff check, ruff format --check, mypy --strict
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

readme: $(VENV)/.installed ## regenerate the README's settings table
	$(PY) tools/settings_table.py README.md

clean: ## remove installs and build output
	rm -rf $(VENV) .tools build tools/node_modules
