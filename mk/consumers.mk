# Consumers: each client packaged as its users get it (the wheel in a fresh virtualenv,
# a GOPROXY directory, the npm pack tarball, the local Maven repository), used by a
# throwaway project outside the repository against a live server that is restarted and
# cut off mid-watch (tests/consumers). `make test` runs them too, as part of pytest.
.PHONY: consumers
consumers: $(VENV)/.installed ## package every client and run its out-of-tree consumer
	$(PY) -m pytest tests/consumers -p no:cacheprovider
