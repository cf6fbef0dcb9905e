import re
import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from interview_core.accounts.models import EmotionAnalysis, UserRole

_EMAIL_SHAPE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _normalise_email(value: str) -> str:
    value = value.strip().lower()
    if not _EMAIL_SHAPE.fullmatch(value):
        raise ValueError("not an email address")
    return value


# "format: email" tells clients (and the API fuzzer) which strings are addresses at all.
Email = Annotated[
    str,
    Field(max_length=320, json_schema_extra={"format": "email"}),
    AfterValidator(_normalise_email),
]
FullName = Annotated[str, Field(min_length=1, max_length=200)]
# Length rules are checked by auth.passwords so the message explains them; this only bounds input.
Password = Annotated[str, Field(min_length=1, max_length=1024)]
Language = Literal["en", "ko"]
# Days a kind of data is kept; null keeps it until deleted by hand.
RetentionDays = Annotated[int, Field(ge=1, le=3650)] | None
RETENTION_FIELDS = (
    "frames_retention_days",
    "audio_retention_days",
    "transcripts_retention_days",
    "embeddings_retention_days",
)


class StrictInput(BaseModel):
    # Unknown fields are refused (422): a `role` in a registration body is never silently ignored.
    model_config = ConfigDict(extra="forbid")


class RegisterRequest(StrictInput):
    email: Email
    password: Password
    full_name: FullName
    preferred_language: Language = "en"
    # The token of an interview invite sent to `email`: the account is created at once.
    invite_token: Annotated[str, Field(min_length=16, max_length=200)] | None = None


class RegistrationAccepted(BaseModel):
    """The same answer whether or not the address already has an account."""

    email: str
    detail: str


class EmailVerification(StrictInput):
    # From the verification link's fragment (`#token=...`).
    token: Annotated[str, Field(min_length=1, max_length=2048)]
    # The password chosen at registration.
    password: Password


class UserRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    email: str
    full_name: str
    role: UserRole
    organisation_id: uuid.UUID | None
    is_active: bool
    preferred_language: str
    created_at: datetime


class ProfileUpdate(StrictInput):
    full_name: FullName | None = None
    preferred_language: Language | None = None


class RoleChange(StrictInput):
    role: UserRole
    # Required for recruiters; must be empty for candidates and admins.
    organisation_id: uuid.UUID | None = None


class OrganisationCreate(StrictInput):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    emotion_analysis: EmotionAnalysis = EmotionAnalysis.OFF


class OrganisationUpdate(StrictInput):
    """Only the fields sent change; for a retention period, null means "keep"."""

    name: Annotated[str, Field(min_length=1, max_length=200)] | None = None
    emotion_analysis: EmotionAnalysis | None = None
    frames_retention_days: RetentionDays = None
    audio_retention_days: RetentionDays = None
    transcripts_retention_days: RetentionDays = None
    embeddings_retention_days: RetentionDays = None

    def retention_changes(self) -> dict[str, int | None]:
        """The retention periods present in the request body (an explicit null included)."""
        return {
            name: getattr(self, name) for name in RETENTION_FIELDS if name in self.model_fields_set
        }


class OrganisationRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    name: str
    emotion_analysis: EmotionAnalysis
    frames_retention_days: int | None
    audio_retention_days: int | None
    transcripts_retention_days: int | None
    embeddings_retention_days: int | None
    owner_id: uuid.UUID | None
    # The LoRA adapter its questions are written with; null: the base model.
    active_adapter_id: uuid.UUID | None = None
    created_at: datetime


class InviteCreate(StrictInput):
    email: Email
    # Only admins may invite an owner.
    as_owner: bool = False


class InviteCreated(BaseModel):
    """Returned once: the token is not stored and cannot be shown again."""

    id: uuid.UUID
    organisation_id: uuid.UUID
    email: str
    as_owner: bool
    expires_at: datetime
    token: str
    accept_url: str


class InviteAccept(StrictInput):
    token: Annotated[str, Field(min_length=1, max_length=256)]
    full_name: FullName
    password: Password
    preferred_language: Language = "en"
