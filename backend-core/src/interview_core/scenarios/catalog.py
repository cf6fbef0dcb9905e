"""Load and validate the packaged scenarios. A scenario is data, never code."""

import json
from enum import StrEnum
from functools import lru_cache
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, model_validator

from interview_core.errors import NotFound

SCENARIO_DIR = Path(__file__).resolve().parent
DEFAULT_SCENARIO = "default"


class StageType(StrEnum):
    TEMPLATE = "template"
    GENERATED = "generated"
    FOLLOWUP = "followup"


class Stage(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str = Field(min_length=1, max_length=64)
    type: StageType
    competency: str | None = None


class Scenario(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")

    key: str
    version: int = Field(ge=1)
    name: str
    stages: tuple[Stage, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_stage_keys(self) -> "Scenario":
        keys = [stage.key for stage in self.stages]
        if len(keys) != len(set(keys)):
            raise ValueError(f"scenario {self.key} repeats a stage key")
        if self.stages[0].type is StageType.FOLLOWUP:
            raise ValueError("the first stage cannot be a follow-up")
        return self


@lru_cache
def scenarios() -> dict[str, Scenario]:
    found: dict[str, Scenario] = {}
    for path in sorted(SCENARIO_DIR.glob("*.json")):
        scenario = Scenario.model_validate(json.loads(path.read_text(encoding="utf-8")))
        found[scenario.key] = scenario
    return found


def get_scenario(key: str) -> Scenario:
    try:
        return scenarios()[key]
    except KeyError:
        raise NotFound(f"Unknown scenario '{key}'.", code="unknown-scenario") from None
