"""Limits on what users upload: per-user request rates and per-interview storage quotas."""
