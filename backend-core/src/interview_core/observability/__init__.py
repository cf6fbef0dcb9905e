"""Structured logs shared by the API and the workers."""
