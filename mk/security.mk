# Supply chain: pip-audit of the locked dependency set (requirements/lock.txt).
#
# Not appended to LINT_TARGETS on purpose. pip-audit needs a vulnerability
# service: PyPI's JSON API (per-release "vulnerabilities") or the OSV API. This
# project's machines and CI reach only the package index and its files (the JSON
# API answers 404 for every release), and no registry ships an offline
# vulnerability database, so in CI it could only fail or, without --strict,
# pass while auditing nothing. Run `make audit` where that API is reachable;
# --strict makes an unaudited dependency an error rather than a silent skip.
PIP_AUDIT_VERSION := 2.10.1
PIP_AUDIT_VENV    := $(TOOLS)/pip-audit
PIP_AUDIT         := $(PIP_AUDIT_VENV)/bin/pip-audit

$(PIP_AUDIT): $(VENV)/.installed
	python3 -m venv $(PIP_AUDIT_VENV)
	$(UV) pip install --quiet --python $(PIP_AUDIT_VENV)/bin/python pip-audit==$(PIP_AUDIT_VERSION)

.PHONY: audit
audit: $(PIP_AUDIT) ## pip-audit requirements/lock.txt (needs PyPI's JSON API; not part of lint)
	$(PIP_AUDIT) --strict --disable-pip --require-hashes --progress-spinner off -r requirements/lock.txt
