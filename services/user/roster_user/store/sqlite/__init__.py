"""The SQLite store: one file, WAL, a writer that batches commits."""
