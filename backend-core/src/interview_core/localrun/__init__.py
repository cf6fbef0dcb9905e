"""Embedded defaults: PostgreSQL with pgvector and Redis, started when none is configured.

Used by the README's run command and by the test suite, so both run on the same real parts.
"""
