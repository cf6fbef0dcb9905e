"""Authentication (passwords, tokens, throttling) and the one place authorisation is decided."""
