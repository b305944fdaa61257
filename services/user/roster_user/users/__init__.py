"""The use cases: the user directory and the change feed, in domain terms."""
