"""When the modelling code shipped with a model's weights may run in the worker (issue 19,
item 13): the decision the loader and training share, tested directly, without downloads."""

from pathlib import Path

import pytest
from pydantic import ValidationError

from ai_worker.llm.registry import settings_for
from ai_worker.llm.settings import LLMSettings, remote_code_decision
from interview_contracts.modelops import AllowedModel

HUB_ID = "LGAI-EXAONE/EXAONE-3.5-7.8B-Instruct"
COMMIT = "0ff6b5ec7c13b049b253a16a889aa269e6b79a94"


def _settings(**values: object) -> LLMSettings:
    # No .env: an operator's file in the checkout must not change what these tests decide.
    base: dict[str, object] = {"llm_model_revision": None, "llm_trust_remote_code": False}
    return LLMSettings(_env_file=None, **(base | values))  # type: ignore[arg-type]


def test_a_hub_id_without_a_revision_runs_no_remote_code() -> None:
    decision = remote_code_decision(_settings(llm_model=HUB_ID), HUB_ID)
    assert decision.trust_remote_code is False
    assert decision.pinned == {}


def test_a_hub_id_at_a_full_commit_runs_that_commits_code() -> None:
    decision = remote_code_decision(_settings(llm_model=HUB_ID, llm_model_revision=COMMIT), HUB_ID)
    assert decision.trust_remote_code is True
    # What the loader and training splat into every from_pretrained call.
    assert decision.pinned == {"revision": COMMIT}


@pytest.mark.parametrize("revision", ["main", "v1.0", "0ff6b5e", COMMIT.upper()])
def test_a_branch_tag_or_short_id_is_refused_at_settings_time(revision: str) -> None:
    with pytest.raises(ValidationError, match="LLM_MODEL_REVISION"):
        _settings(llm_model=HUB_ID, llm_model_revision=revision)


def test_a_branch_that_bypassed_the_settings_is_refused_at_load_time() -> None:
    # model_copy (how registry.settings_for points settings at a model) skips validators.
    settings = _settings(llm_model=HUB_ID).model_copy(update={"llm_model_revision": "main"})
    with pytest.raises(ValueError, match="LLM_MODEL_REVISION"):
        remote_code_decision(settings, HUB_ID)


def test_an_allow_list_entry_names_a_commit_not_a_branch() -> None:
    with pytest.raises(ValidationError, match="40-character commit"):
        AllowedModel(id="exaone", backend="transformers", source=HUB_ID, revision="main")
    entry = AllowedModel(id="exaone", backend="transformers", source=HUB_ID, revision=COMMIT)
    decision = remote_code_decision(settings_for(entry, _settings()), HUB_ID)
    assert decision.trust_remote_code is True and decision.pinned == {"revision": COMMIT}


def test_a_local_directory_runs_its_own_code(tmp_path: Path) -> None:
    decision = remote_code_decision(_settings(llm_model=str(tmp_path)), str(tmp_path))
    assert decision.trust_remote_code is True
    assert decision.pinned == {}


def test_the_explicit_opt_in_trusts_what_the_hub_serves() -> None:
    decision = remote_code_decision(_settings(llm_model=HUB_ID, llm_trust_remote_code=True), HUB_ID)
    assert decision.trust_remote_code is True
    assert decision.pinned == {}


def test_the_packaged_model_never_runs_remote_code(tmp_path: Path) -> None:
    settings = _settings(llm_model="embedded", llm_trust_remote_code=True)
    assert remote_code_decision(settings, str(tmp_path)).trust_remote_code is False
