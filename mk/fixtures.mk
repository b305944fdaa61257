# Wire fixtures shared by every language, and the cross-language interop harness.
FIXTURES_DIR := tests/fixtures/wire
LINT_TARGETS += check-fixtures

.PHONY: fixtures check-fixtures
fixtures: $(VENV)/.installed ## regenerate the canonical wire fixtures in tests/fixtures/wire
	$(PY) -m tests.fixtures.wire.generate $(FIXTURES_DIR)

check-fixtures: $(VENV)/.installed ## committed wire fixtures must equal a fresh `make fixtures`
	@fresh="$$(mktemp -d)"; trap 'rm -rf "$$fresh"' EXIT; \
	$(PY) -m tests.fixtures.wire.generate "$$fresh"; \
	if ! diff -r -q -x '*.py' -x __pycache__ -x README.md -x .gitattributes "$$fresh" $(FIXTURES_DIR); then \
	  echo "$(FIXTURES_DIR) is out of date: run 'make fixtures' and commit the result" >&2; exit 1; \
	fi

# ---- interop: one server, every client's scenario --------------------------
# Each language fragment appends its name and defines `interop-<name>`, a target that runs
# the scenario against $ROSTER_ADDRESS and exits 0 only if every step passed.
INTEROP_CLIENTS += python grpcurl bufcurl

.PHONY: interop print-INTEROP_CLIENTS interop-python interop-grpcurl interop-bufcurl
interop: setup ## run every client's interop scenario (INTEROP_CLIENTS) against a fresh server
	$(PY) -m tests.interop.harness $(INTEROP_CLIENTS)

print-INTEROP_CLIENTS:
	@echo $(INTEROP_CLIENTS)

interop-grpcurl: $(VENV)/.installed $(GRPCURL)
	GRPCURL=$(GRPCURL) $(PY) -m tests.interop.grpcurl_scenario

interop-bufcurl: $(VENV)/.installed tools/node_modules/.installed
	BUF=$(CURDIR)/$(BUF) $(PY) -m tests.interop.bufcurl_scenario

interop-python: $(VENV)/.installed
	$(PY) -m tests.interop.python_scenario
