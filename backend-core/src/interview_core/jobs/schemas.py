import uuid
from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Language = Literal["en", "ko"]


class Competency(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str = Field(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=1, max_length=120)
    description: str = Field(default="", max_length=2000)
    weight: float = Field(gt=0, le=100)


DEFAULT_COMPETENCIES = [
    Competency(
        key="job_skill",
        name="Job skills",
        description="Knowledge and skills the role needs",
        weight=3,
    ),
    Competency(
        key="experience", name="Experience", description="Relevant past work and results", weight=2
    ),
    Competency(
        key="problem_solving",
        name="Problem solving",
        description="Structured reasoning about problems",
        weight=2,
    ),
    Competency(
        key="communication",
        name="Communication",
        description="Clear, structured explanation",
        weight=1,
    ),
    Competency(
        key="responsibility",
        name="Responsibility",
        description="Ownership and reliability",
        weight=1,
    ),
    Competency(
        key="growth", name="Growth", description="Learning from feedback and mistakes", weight=1
    ),
]


class JobCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str = Field(min_length=1, max_length=200)
    description: str = Field(min_length=1, max_length=20000)
    language: Language = "en"
    competencies: list[Competency] = Field(
        default_factory=lambda: list(DEFAULT_COMPETENCIES), min_length=1, max_length=20
    )
    scenario_key: str = Field(default="default", max_length=64)
    organisation_id: uuid.UUID | None = None

    @field_validator("competencies")
    @classmethod
    def _unique_keys(cls, value: list[Competency]) -> list[Competency]:
        keys = [c.key for c in value]
        if len(keys) != len(set(keys)):
            raise ValueError("competency keys must be unique")
        return value


class JobUpdate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    title: str | None = Field(default=None, min_length=1, max_length=200)
    description: str | None = Field(default=None, min_length=1, max_length=20000)
    language: Language | None = None
    competencies: list[Competency] | None = Field(default=None, min_length=1, max_length=20)
    scenario_key: str | None = Field(default=None, max_length=64)


class JobRead(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    id: uuid.UUID
    organisation_id: uuid.UUID
    title: str
    description: str
    language: Language
    competencies: list[Competency]
    scenario_key: str
    created_at: datetime
