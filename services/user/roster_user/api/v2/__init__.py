"""The roster.user.v2 adapter: its servicer, conversions and read masks."""
