"""Payload of the report task."""

import uuid

from interview_contracts.payloads import Payload


class ReportTask(Payload):
    """Assemble (or reassemble) one interview's report from its stored rows."""

    interview_id: uuid.UUID
