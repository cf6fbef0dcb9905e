"""The Celery client side: configuration shared with the workers and after-commit dispatch."""
