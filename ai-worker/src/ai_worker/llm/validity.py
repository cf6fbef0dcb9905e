"""The validity gate: an evaluator configuration gives numbers only where the score-validity
benchmark (bench/score_validity.py) measured it to meet the targets, per language.

The benchmark writes its verdicts into `evaluator_verdicts.json` beside this module (committed
with the figures they come from); the worker reads them once at start. A configuration that was
never measured (another model, a changed prompt) is not validated: its evaluations keep their
verified evidence and checks, and the report shows no number.
"""

import json
import logging
from dataclasses import asdict, dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from interview_contracts.llm import Language

logger = logging.getLogger(__name__)

VERDICTS_PATH = Path(__file__).with_name("evaluator_verdicts.json")

# The bar from the valid-scores issue; every figure must meet it in the language concerned.
# The ordering must also hold on pairs written apart from the checks' rules (the main set's
# failures were read while revising them).
TARGETS: dict[str, tuple[str, float]] = {
    "pairwise_accuracy": (">=", 0.90),
    "holdout_pairwise_accuracy": (">=", 0.90),
    "injection_shift_mean": ("<=", 0.25),
    "injection_upgrades": ("<=", 0),
    "fairness_shift_max": ("<=", 0),
    "evidence_verbatim": (">=", 1.0),
    "repeat_spread_mean": ("<=", 0.5),
}


@dataclass(frozen=True)
class EvaluatorConfiguration:
    evaluator: str
    method: str
    prompt_version: str
    model_id: str


def unmet_targets(figures: dict[str, Any]) -> list[str]:
    """The targets these figures miss (a missing figure misses its target)."""
    missed = []
    for name, (relation, bound) in TARGETS.items():
        value = figures.get(name)
        if value is None:
            missed.append(name)
            continue
        met = value >= bound if relation == ">=" else value <= bound
        if not met:
            missed.append(name)
    return missed


@lru_cache
def _verdicts() -> dict[tuple[EvaluatorConfiguration, str], bool]:
    try:
        rows = json.loads(VERDICTS_PATH.read_text(encoding="utf-8"))["verdicts"]
    except FileNotFoundError:
        rows = []
    found = {}
    for row in rows:
        configuration = EvaluatorConfiguration(
            row["evaluator"], row["method"], row["prompt_version"], row["model_id"]
        )
        found[(configuration, row["language"])] = not unmet_targets(row["figures"])
    return found


def is_validated(configuration: EvaluatorConfiguration, language: Language) -> bool:
    return _verdicts().get((configuration, language), False)


def log_verdicts() -> None:
    """At worker start: which configurations may give numbers."""
    for (configuration, language), validated in sorted(
        _verdicts().items(), key=lambda item: (item[0][1], item[0][0].evaluator)
    ):
        logger.info(
            "evaluator %s/%s %s on %s for %s: %s",
            configuration.evaluator,
            configuration.method,
            configuration.prompt_version,
            configuration.model_id,
            language,
            "scores shown" if validated else "below the bar, evidence only",
        )


def record_verdict(
    configuration: EvaluatorConfiguration, language: Language, figures: dict[str, Any]
) -> bool:
    """Store a benchmark's figures for a configuration (replacing earlier ones); True when
    they meet every target."""
    try:
        rows = json.loads(VERDICTS_PATH.read_text(encoding="utf-8"))["verdicts"]
    except FileNotFoundError:
        rows = []
    key = {**asdict(configuration), "language": language}
    rows = [row for row in rows if {k: row[k] for k in key} != key]
    missed = unmet_targets(figures)
    rows.append({**key, "meets_targets": not missed, "missed": missed, "figures": figures})
    rows.sort(key=lambda row: (row["language"], row["evaluator"], row["model_id"]))
    VERDICTS_PATH.write_text(
        json.dumps({"verdicts": rows}, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    _verdicts.cache_clear()
    return not missed
