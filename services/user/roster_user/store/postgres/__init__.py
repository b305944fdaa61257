"""The PostgreSQL store: a connection pool, for replicas."""
