"""Trivial tasks that prove routing and report worker status."""
