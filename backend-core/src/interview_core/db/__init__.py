"""Database access: one engine per process, sessions that commit or roll back in one place."""
