# Mutation testing (mutmut, tools/mutation.py): on demand over the service's core;
# `make test` runs the quick mode over one small module to prove the tool works.
.PHONY: mutation mutation-quick
mutation: $(VENV)/.installed ## mutate the domain, use cases, error table, conversions, tokens, codec (minutes)
	$(PY) tools/mutation.py full

mutation-quick: $(VENV)/.installed ## mutate one small module (well under a minute)
	$(PY) tools/mutation.py quick

test: mutation-quick
