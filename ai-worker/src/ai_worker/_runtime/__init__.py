"""The worker's plumbing, private to ai_worker: the Celery app and task registration, log ids
and Prometheus metrics, which role this process is and what it has loaded, and the settings.
The capability packages (llm, speech, vision, embeddings) hold the work itself."""
