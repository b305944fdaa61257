# Releases and compatibility: `make release` freezes the version in
# services/user/roster_user/version.py under compat/<contract>/<version>/ (once);
# check-compat (in lint) keeps frozen releases unchanged; `make compat` runs released
# clients against today's server, today's clients against each release's server, and
# replays each release's recorded conversation (compat/README.md).
LINT_TARGETS += check-compat

.PHONY: release check-compat compat
release: setup check-gen check-fixtures ## freeze the current version under compat/ (README: cutting a release)
	$(PY) -m tests.compat.freeze --buf $(BUF)

check-compat: $(VENV)/.installed ## files of frozen releases under compat/ never change
	$(PY) -m tests.compat.integrity

compat: setup ## released clients vs today's server and back; ends with "N passed, N failed"
	$(PY) -m tests.compat.run
