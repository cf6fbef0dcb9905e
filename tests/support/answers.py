"""A candidate's typed answer through the API, as many tests send it.

response = post_answer(client, headers, interview_id, turn_id, "I led it.", key)  # unchecked
accepted = answer_typed(client, headers, interview_id, turn_id, "I led it.")      # 200 asserted
"""

import uuid
from collections.abc import Mapping
from typing import Any

import httpx


def post_answer(
    client: httpx.Client,
    headers: Mapping[str, str],
    interview_id: str,
    turn_id: str,
    text: str,
    idempotency_key: str | None = None,
) -> httpx.Response:
    """The request as sent, its answer unchecked (for tests of refusals and retries); a fresh
    idempotency key unless given."""
    return client.post(
        f"/api/v1/interviews/{interview_id}/turns/{turn_id}/answer",
        headers=dict(headers),
        json={"text": text, "idempotency_key": idempotency_key or uuid.uuid4().hex},
    )


def answer_typed(
    client: httpx.Client,
    headers: Mapping[str, str],
    interview_id: str,
    turn_id: str,
    text: str,
    idempotency_key: str | None = None,
) -> dict[str, Any]:
    """Answer and require it accepted: the body, the answered turn and the state after it."""
    response = post_answer(client, headers, interview_id, turn_id, text, idempotency_key)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body
