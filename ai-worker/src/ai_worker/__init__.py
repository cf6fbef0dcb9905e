"""ai-worker: the Celery workers that run every model, loaded lazily inside the worker process."""
