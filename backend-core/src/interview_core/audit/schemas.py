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
