"""The cross-language interop harness and the scenarios of its Python-run clients."""
