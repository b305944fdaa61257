"""The release this code is: one semantic version for the contract and the server.

pyproject.toml, CHANGELOG.md and the frozen releases under compat/ carry the same
number; tests/unit/test_version.py keeps them in step. `make release` freezes it.
"""

VERSION = "1.0.0"
# The contract package this release serves; compat/<CONTRACT>/<VERSION>/ holds it frozen.
CONTRACT = "roster.user.v1"
