"""Fine-tuning end to end on the real stack: recruiters' feedback becomes a dataset version,
the GPU worker trains a LoRA adapter on the packaged small model (CPU, a few steps), the
benchmark runs it against the base, a person activates it, and the job's next questions are
written with it."""

import time
import uuid

from fastapi.testclient import TestClient

from tests.modelops.conftest import People, answer_current, short_job, start_interview, turns_of

SMALL_MODEL = "smollm2-135m"
TINY_TRAINING = {
    "rank": 4,
    "alpha": 8,
    "epochs": 1,
    "max_steps": 3,
    "batch_size": 2,
    "max_length": 256,
    "learning_rate": 0.005,
    "seed": 7,
}


def _complete_interview(client: TestClient, people: People, job_id: str) -> str:
    state = start_interview(client, people, job_id)
    interview_id = state["interview"]["id"]
    while state["phase"] == "answering":
        state = answer_current(client, people, state)
    assert state["interview"]["status"] == "completed", state
    return str(interview_id)


def _wait_for_adapter(
    client: TestClient, headers: dict[str, str], adapter_id: str, timeout_s: float
) -> dict:  # type: ignore[type-arg]
    deadline = time.monotonic() + timeout_s
    while True:
        adapter = client.get(f"/api/v1/training/adapters/{adapter_id}", headers=headers).json()
        if adapter["status"] in ("ready", "failed", "cancelled"):
            return adapter  # type: ignore[no-any-return]
        assert time.monotonic() < deadline, adapter
        time.sleep(1)


def test_an_adapter_trained_from_feedback_is_benchmarked_activated_and_used(
    client: TestClient, people: People, workers, question_bank
) -> None:  # type: ignore[no-untyped-def]
    job_id = short_job(client, people.owner)
    interview_id = _complete_interview(client, people, job_id)
    generated = [t for t in turns_of(interview_id) if t.stage_type != "template"]
    for number, turn in enumerate(generated):
        verdict = (
            {"verdict": "good"}
            if number < 2
            else {
                "verdict": "not_for_us",
                "better_wording": "Which query did you speed up, and how?",
            }
        )
        marked = client.put(
            f"/api/v1/interviews/{interview_id}/turns/{turn.id}/question-feedback",
            headers=people.recruiter,
            json=verdict,
        )
        assert marked.status_code == 200, marked.text
    dataset = client.post(
        f"/api/v1/organisations/{people.organisation_id}/training-datasets",
        headers=people.owner,
        json={"consent_basis": "legitimate interest: candidates were told answers improve us"},
    )
    assert dataset.status_code == 201, dataset.text
    dataset_id = dataset.json()["id"]

    # Only the organisation's owner (or an admin) trains; the base must be trainable.
    body = {
        "dataset_id": dataset_id,
        "base_model_id": SMALL_MODEL,
        "hyper_parameters": TINY_TRAINING,
    }
    refused = client.post("/api/v1/training/adapters", headers=people.recruiter, json=body)
    assert refused.status_code == 403, refused.text
    engine_base = {**body, "base_model_id": "qwen2.5-coder-1.5b-q4km"}
    refused = client.post("/api/v1/training/adapters", headers=people.owner, json=engine_base)
    assert refused.status_code == 422 and refused.json()["field"] == "base_model_id"

    started = client.post("/api/v1/training/adapters", headers=people.owner, json=body)
    assert started.status_code == 202, started.text
    assert started.json()["status"] == "queued" and started.json()["version"] == 1
    adapter_id = started.json()["id"]
    # Not benchmarked yet: a person cannot activate it.
    early = client.put(
        f"/api/v1/training/organisations/{people.organisation_id}/active-adapter",
        headers=people.owner,
        json={"adapter_id": adapter_id},
    )
    assert early.status_code == 409, early.text

    adapter = _wait_for_adapter(client, people.owner, adapter_id, timeout_s=300)
    assert adapter["status"] == "ready", adapter
    assert adapter["examples"] == 3 and adapter["dataset_version"] == 1
    # Three examples in batches of two, one epoch: two steps (max_steps caps at three).
    assert adapter["progress_step"] == adapter["progress_total"] == 2
    assert adapter["duration_s"] < 60, adapter["duration_s"]
    assert adapter["device"] == "cpu" and adapter["final_loss"] is not None
    assert len(adapter["base_model_sha256"]) == 64
    assert adapter["hyper_parameters"]["seed"] == 7
    assert adapter["files"] and all(len(sha) == 64 for sha in adapter["files"].values())
    benchmark = adapter["benchmark"]
    assert benchmark["error"] is None
    for side in ("base", "adapter"):
        # ADAPTER_BENCHMARK_CASES=1: one question case per language; no score pairs here.
        assert benchmark[side]["question_cases"] == 2, benchmark
        assert benchmark[side]["valid_question_share"] is not None, benchmark

    activated = client.put(
        f"/api/v1/training/organisations/{people.organisation_id}/active-adapter",
        headers=people.owner,
        json={"adapter_id": adapter_id},
    )
    assert activated.status_code == 200, activated.text
    assert activated.json()["active_adapter_id"] == adapter_id

    # The job's next interview is written with the adapter on its base.
    second = _complete_interview(client, people, job_id)
    labels = [t.question_model_id for t in turns_of(second) if t.stage_type != "template"]
    assert f"+lora:{adapter_id}" in " ".join(filter(None, labels)), labels
    overview = client.get("/api/v1/admin/models", headers=people.admin).json()
    small = next(
        m for m in overview["question_workers"][0]["models"] if m["model_id"] == SMALL_MODEL
    )
    assert adapter_id in small["adapters"]

    # Rolling back is one call: the base again.
    rolled_back = client.put(
        f"/api/v1/training/organisations/{people.organisation_id}/active-adapter",
        headers=people.owner,
        json={"adapter_id": None},
    )
    assert rolled_back.status_code == 200 and rolled_back.json()["active_adapter_id"] is None
    # A job may pick the adapter on its own; another organisation's id is not found.
    chosen = client.put(
        f"/api/v1/training/jobs/{job_id}/adapter",
        headers=people.owner,
        json={"adapter_id": adapter_id},
    )
    assert chosen.status_code == 200 and chosen.json()["adapter_id"] == adapter_id
    foreign = client.put(
        f"/api/v1/training/jobs/{job_id}/adapter",
        headers=people.owner,
        json={"adapter_id": str(uuid.uuid4())},
    )
    assert foreign.status_code == 404

    # A second training can be cancelled; nothing of it is kept.
    second_run = client.post("/api/v1/training/adapters", headers=people.owner, json=body)
    assert second_run.status_code == 202 and second_run.json()["version"] == 2
    cancelled = client.post(
        f"/api/v1/training/adapters/{second_run.json()['id']}/cancel", headers=people.owner
    )
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    time.sleep(3)
    again = client.get(
        f"/api/v1/training/adapters/{second_run.json()['id']}", headers=people.owner
    ).json()
    assert again["status"] == "cancelled" and again["files"] == {}
