"""Payload of the retention task."""

import uuid

from interview_contracts.payloads import Payload


class RetentionTask(Payload):
    """Delete what has outlived its organisation's retention periods. Without an organisation
    (the scheduled run) every organisation is processed."""

    organisation_id: uuid.UUID | None = None
