# The one client policy: proto/roster/user/v1/user_grpc_service_config.json holds the
# default timeout and retry policy; `make gen` copies it into all four clients, which
# embed it, and `make lint` fails when a copy has drifted.
GEN_TARGETS  += gen-policy
LINT_TARGETS += check-policy

.PHONY: gen-policy check-policy

gen-policy: $(VENV)/.installed
	$(PY) tools/embed_service_config.py

check-policy: $(VENV)/.installed
	$(PY) tools/embed_service_config.py --check
