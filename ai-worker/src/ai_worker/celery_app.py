"""The workers' Celery app. Importing it loads no model: loaders run inside task execution."""

from celery import Celery

from ai_worker.settings import get_worker_settings
from interview_core.broker.celery_config import make_celery

# Capability modules whose tasks this app registers.
TASK_MODULES = ["ai_worker.diagnostics.tasks", "ai_worker.interviews.tasks", "ai_worker.embeddings.tasks", "ai_worker.reports.tasks"]

app: Celery = make_celery("ai-worker", get_worker_settings())
app.conf.update(include=TASK_MODULES)
