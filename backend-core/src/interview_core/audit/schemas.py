import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict


class AuditEventRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    actor_id: uuid.UUID | None
    actor_email: str | None
    actor_role: str | None
    action: str
    subject_type: str
    subject_id: str | None
    organisation_id: uuid.UUID | None
    details: dict[str, object]
    created_at: datetime
    # The subject's readable name (an e-mail address, a job title, an organisation's name) when
    # the reader may see it and the subject still exists; the UI words it per subject_type.
    subject_label: str | None = None
