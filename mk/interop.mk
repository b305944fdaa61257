# Interop: one server, every client's scenario (tests/interop/harness.py).
# Each language fragment appends its name and defines `interop-<name>`, a target that runs
# the scenario against $ROSTER_ADDRESS and exits 0 only if every step passed.
# INTEROP_CLIENTS starts in the Makefile (python grpcurl bufcurl) so the order stays fixed.

.PHONY: interop print-INTEROP_CLIENTS interop-python interop-grpcurl interop-bufcurl
interop: setup ## run every client's interop scenario (INTEROP_CLIENTS) against a fresh server
	$(PY) -m tests.interop.harness $(INTEROP_CLIENTS)

print-INTEROP_CLIENTS:
	@echo $(INTEROP_CLIENTS)

interop-grpcurl: $(VENV)/.installed $(GRPCURL) ## the interop scenario through grpcurl against ROSTER_ADDRESS
	$(require-address)
	GRPCURL=$(GRPCURL) $(PY) -m tests.interop.grpcurl_scenario

interop-bufcurl: $(VENV)/.installed tools/node_modules/.installed ## the interop scenario through buf curl against ROSTER_ADDRESS
	$(require-address)
	BUF=$(CURDIR)/$(BUF) $(PY) -m tests.interop.bufcurl_scenario

interop-python: $(VENV)/.installed ## the interop scenario in Python against ROSTER_ADDRESS
	$(require-address)
	$(PY) -m tests.interop.python_scenario

# roster.user.v2: the same harness, one more entry per client (`<name>-v2`), so `make interop`
# and tests/interop/test_interop.py run both contracts against the same server.
INTEROP_CLIENTS += python-v2 grpcurl-v2 bufcurl-v2
.PHONY: interop-python-v2 interop-grpcurl-v2 interop-bufcurl-v2

interop-python-v2: $(VENV)/.installed ## the roster.user.v2 interop scenario in Python against ROSTER_ADDRESS
	$(require-address)
	$(PY) -m tests.interop.python_v2_scenario

interop-grpcurl-v2: $(VENV)/.installed $(GRPCURL) ## the roster.user.v2 interop scenario through grpcurl against ROSTER_ADDRESS
	$(require-address)
	GRPCURL=$(GRPCURL) $(PY) -m tests.interop.grpcurl_v2_scenario

interop-bufcurl-v2: $(VENV)/.installed tools/node_modules/.installed ## the roster.user.v2 interop scenario through buf curl against ROSTER_ADDRESS
	$(require-address)
	BUF=$(CURDIR)/$(BUF) $(PY) -m tests.interop.bufcurl_v2_scenario
