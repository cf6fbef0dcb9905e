"""The one source of truth for what crosses the broker: queues, task names and payloads.

Import-light on purpose (pydantic only) so that backend-core, which must never import an
ML library, and ai-worker can both depend on it.
"""
