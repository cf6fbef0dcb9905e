import uuid
from datetime import datetime
from typing import Annotated, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    computed_field,
    field_validator,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema

from interview_core.jobs.rubrics import CompetencyRubric, effective_rubric

Language = Literal["en", "ko"]


class Competency(BaseModel):
    model_config = ConfigDict(extra="forbid")

    key: str = Field(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_]*$")
    name: str = Field(min_length=1, max_length=120)
    description: str = Field(default="", max_length=2000)
    weight: float = Field(gt=0, le=100)
    # What a level 1, 3 and 5 answer looks like; absent: the defaults in the job's language
    # (jobs/rubrics.py).
    rubric: CompetencyRubric | None = None


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
    """Only the fields sent change. None of them can be cleared, so an explicit null is refused
    with a 422 (it used to reach the database's NOT NULL and answer 500)."""

    model_config = ConfigDict(extra="forbid")

    title: Annotated[str, Field(min_length=1, max_length=200)] | SkipJsonSchema[None] = None
    description: Annotated[str, Field(min_length=1, max_length=20000)] | SkipJsonSchema[None] = None
    language: Language | SkipJsonSchema[None] = None
    competencies: (
        Annotated[list[Competency], Field(min_length=1, max_length=20)] | SkipJsonSchema[None]
    ) = None
    scenario_key: Annotated[str, Field(max_length=64)] | SkipJsonSchema[None] = None

    @model_validator(mode="after")
    def _no_nulls(self) -> "JobUpdate":
        cleared = sorted(name for name in self.model_fields_set if getattr(self, name) is None)
        if cleared:
            raise ValueError(f"{', '.join(cleared)}: leave a field out to keep it; null is refused")
        return self


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

    @computed_field  # type: ignore[prop-decorator]
    @property
    def effective_rubrics(self) -> dict[str, CompetencyRubric]:
        """The anchors in force per competency key: its own rubric or the default one."""
        return {
            c.key: effective_rubric(c.key, c.name, c.rubric, self.language)
            for c in self.competencies
        }
