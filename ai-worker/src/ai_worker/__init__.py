"""ai-worker: the Celery workers that run every model. Models load lazily inside the worker process."""
