"""The sandbox: a reference O2S tenant stored in SQLite and served over HTTP (see docs/api.md)."""
