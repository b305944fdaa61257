# Wire fixtures shared by every language (the interop harness is in mk/interop.mk).
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
