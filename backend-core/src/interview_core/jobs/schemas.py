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


# The defaults' names and descriptions in Korean, by key; weights stay those above.
DEFAULT_COMPETENCY_WORDING_KO: dict[str, tuple[str, str]] = {
    "job_skill": ("직무 역량", "직무에 필요한 지식과 기술"),
    "experience": ("경험", "관련된 과거 업무와 그 결과"),
    "problem_solving": ("문제 해결", "문제를 체계적으로 분석하고 추론하는 능력"),
    "communication": ("의사소통", "명확하고 구조적인 설명"),
    "responsibility": ("책임감", "주인의식과 신뢰성"),
    "growth": ("성장", "피드백과 실수로부터 배우는 자세"),
}


def default_competencies(language: Language) -> list[Competency]:
    """The default competencies named in the job's language."""
    if language != "ko":
        return list(DEFAULT_COMPETENCIES)
    localised: list[Competency] = []
    for competency in DEFAULT_COMPETENCIES:
        name, description = DEFAULT_COMPETENCY_WORDING_KO[competency.key]
        localised.append(competency.model_copy(update={"name": name, "description": description}))
    return localised


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

    @model_validator(mode="after")
    def _defaults_in_the_job_language(self) -> "JobCreate":
        # Only when the recruiter sent none: their own competencies are kept as written.
        if "competencies" not in self.model_fields_set:
            self.competencies = default_competencies(self.language)
        return self


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
    # true archives the job (no new invites; existing interviews go on), false restores it.
    archived: bool | SkipJsonSchema[None] = None

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
    # When the job was archived; null while it is active.
    archived_at: datetime | None = None
    # This job's own LoRA adapter; null: the organisation's choice.
    adapter_id: uuid.UUID | None = None

    @computed_field  # type: ignore[prop-decorator]
    @property
    def effective_rubrics(self) -> dict[str, CompetencyRubric]:
        """The anchors in force per competency key: its own rubric or the default one."""
        return {
            c.key: effective_rubric(c.key, c.name, c.rubric, self.language)
            for c in self.competencies
        }
