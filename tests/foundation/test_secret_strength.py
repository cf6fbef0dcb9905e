"""SECRET_KEY and METRICS_TOKEN must be random: typed-in values of any length stop the service
with a message saying why, and whatever the documented generators (and the run command) make
is accepted."""

import base64
import os
import secrets
import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from pydantic import ValidationError

from interview_core.config import Settings, secret_weakness
from interview_core.localrun.platform import load_or_create_secret

TYPED_IN = {
    "s" * 20 + "x" * 28: "different characters",
    "please-change-this-secret-key-in-production": "placeholder",
    "CHANGE_ME_CHANGE_ME_CHANGE_ME_CHANGE_ME": "placeholder",
    "abcdefghijklmnopqrstuvwxyz0123456789": "neighbouring characters",
    "Tr0ub4dor&3Tr0ub4dor&3Tr0ub4dor&3": "repeats a shorter sequence",
    "x" * 16 + "3f9a1c07be5d2648": "in a row",
    "azzazaazazzzazaazzaazaazzazazaazQ3m#W!": "a few characters too often",
}
GENERATED: list[Callable[[], str]] = [
    lambda: secrets.token_urlsafe(48),
    lambda: secrets.token_urlsafe(24),
    lambda: secrets.token_hex(16),
    lambda: secrets.token_hex(32),
    lambda: uuid.uuid4().hex,
    lambda: base64.b64encode(os.urandom(32)).decode(),
]


@pytest.mark.parametrize(("value", "reason"), TYPED_IN.items())
def test_typed_in_keys_stop_the_service_saying_why(value: str, reason: str) -> None:
    with pytest.raises(ValidationError) as refused:
        Settings(secret_key=value)
    message = str(refused.value)
    assert "SECRET_KEY" in message
    assert reason in message
    assert "token_urlsafe" in message


def test_a_typed_in_metrics_token_stops_the_service() -> None:
    with pytest.raises(ValidationError, match="METRICS_TOKEN"):
        Settings(secret_key=secrets.token_urlsafe(48), metrics_token="prometheus-" + "t" * 30)
    # Empty still means unset.
    assert Settings(secret_key=secrets.token_urlsafe(48), metrics_token="").metrics_token is None


def test_generated_keys_are_accepted() -> None:
    for generate in GENERATED:
        for _ in range(2000):
            key = generate()
            assert secret_weakness(key) is None, key


def test_the_run_command_generates_an_accepted_key(tmp_path: Path) -> None:
    key = load_or_create_secret(tmp_path)
    assert Settings(secret_key=key).secret_key == key
