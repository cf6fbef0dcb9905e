"""The media store (interview_contracts.media): the same behaviour from the file store (the
embedded run) and the S3 store (compose: MinIO; here moto's real S3 server), and an answer's
audio uploaded to an API and transcribed by a CPU worker that shares no disk with it."""

import multiprocessing
import os
import time
import uuid
from collections.abc import Iterator, Mapping
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest
from fastapi.testclient import TestClient
from pydantic import SecretStr

from interview_contracts.media import (
    FileMediaStore,
    MediaMissing,
    MediaSettings,
    MediaStore,
    MediaUsage,
    S3MediaStore,
    media_store_from,
)
from interview_contracts.queues import WorkerRole
from tests.interviews.conftest import Party, invite_and_start
from tests.media.conftest import S3Server
from tests.speech.recordings import encode, speak, wav_samples
from tests.support.api_server import ApiServer
from tests.support.stack import TestStack, WorkerProcess

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ESCAPING_KEYS = [
    "",
    "../outside.wav",
    "interviews/../../outside.wav",
    "/etc/passwd",
    "interviews//x.wav",
    "./interviews/x.wav",
    "interviews/.",
    "interviews\\..\\x.wav",
]
LATER = timedelta(minutes=5)


@pytest.fixture(params=["file", "s3"])
def store(request: pytest.FixtureRequest, tmp_path: Path) -> MediaStore:
    if request.param == "file":
        return FileMediaStore(tmp_path / "media")
    server: S3Server = request.getfixturevalue("s3_server")
    return server.store(server.new_bucket())


def test_put_get_overwrite_and_delete(store: MediaStore) -> None:
    key = f"interviews/{uuid.uuid4()}/{uuid.uuid4()}-abcd1234.webm"
    store.put(key, b"\x1a\x45\xdf\xa3 first")
    assert store.get(key) == b"\x1a\x45\xdf\xa3 first"
    store.put(key, b"second")
    assert store.get(key) == b"second"
    store.delete(key)
    with pytest.raises(MediaMissing):
        store.get(key)
    store.delete(key)  # absent is fine: retention and erasure runs repeat


def test_a_missing_object_is_media_missing_and_a_file_not_found(store: MediaStore) -> None:
    with pytest.raises(MediaMissing) as raised:
        store.get("frames/never/written.jpg")
    assert isinstance(raised.value, FileNotFoundError)


def test_keys_older_than_lists_a_prefix_by_age(store: MediaStore) -> None:
    interview = uuid.uuid4()
    mine = [f"frames/{interview}/turn/{n:06d}.jpg" for n in range(3)]
    for key in [*mine, f"frames/{uuid.uuid4()}/turn/000000.jpg", "interviews/x/y.wav"]:
        store.put(key, b"\xff\xd8\xff frame")
    now = datetime.now(UTC)
    assert store.keys_older_than(f"frames/{interview}/", now + LATER) == sorted(mine)
    # Nothing was written a minute before the run: a younger object is never listed.
    assert store.keys_older_than(f"frames/{interview}/", now - LATER) == []
    # A prefix is a plain string prefix, in both stores.
    assert store.keys_older_than(f"frames/{str(interview)[:8]}", now + LATER) == sorted(mine)
    assert len(store.keys_older_than("frames/", now + LATER)) == 4
    assert len(store.keys_older_than("", now + LATER)) == 5
    assert store.keys_older_than("nothing/here/", now + LATER) == []
    with pytest.raises(ValueError, match="timezone"):
        store.keys_older_than("frames/", datetime.now())


def test_usage_counts_objects_and_bytes_under_a_prefix(store: MediaStore) -> None:
    interview = uuid.uuid4()
    store.put(f"interviews/{interview}/a.wav", b"x" * 10)
    store.put(f"interviews/{interview}/b.wav", b"y" * 5)
    store.put(f"interviews/{uuid.uuid4()}/c.wav", b"z" * 100)
    assert store.usage(f"interviews/{interview}/") == MediaUsage(files=2, bytes=15)
    assert store.usage(f"frames/{interview}/") == MediaUsage(files=0, bytes=0)


@pytest.mark.parametrize("key", ESCAPING_KEYS)
def test_keys_that_escape_the_store_are_refused(store: MediaStore, key: str) -> None:
    with pytest.raises(ValueError):
        store.put(key, b"not written")
    with pytest.raises(ValueError):
        store.get(key)
    with pytest.raises(ValueError):
        store.delete(key)


def test_the_file_store_writes_nothing_outside_its_root(tmp_path: Path) -> None:
    store = FileMediaStore(tmp_path / "media")
    for key in ESCAPING_KEYS:
        with pytest.raises(ValueError):
            store.put(key, b"not written")
    assert [path.name for path in tmp_path.iterdir()] in ([], ["media"])
    # A symbolic link inside the root does not lead out of it either.
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.wav").write_bytes(b"secret")
    (tmp_path / "media" / "interviews").mkdir(parents=True)
    (tmp_path / "media" / "interviews" / "link").symlink_to(outside)
    with pytest.raises(ValueError):
        store.get("interviews/link/secret.wav")
    with pytest.raises(ValueError):
        store.put("interviews/link/new.wav", b"no")
    assert sorted(path.name for path in outside.iterdir()) == ["secret.wav"]


def test_the_file_store_ages_by_mtime_and_prunes_empty_folders(tmp_path: Path) -> None:
    store = FileMediaStore(tmp_path / "media")
    interview, turn = uuid.uuid4(), uuid.uuid4()
    old, young = f"frames/{interview}/{turn}/000001.jpg", f"frames/{interview}/{turn}/000002.jpg"
    store.put(old, b"old")
    store.put(young, b"young")
    two_days_ago = time.time() - 2 * 24 * 3600
    os.utime(store.path_of(old), (two_days_ago, two_days_ago))
    cutoff = datetime.now(UTC) - timedelta(days=1)
    assert store.keys_older_than("frames/", cutoff) == [old]
    # Written whole or not at all: no temporary file stays beside the object.
    assert sorted(p.name for p in store.path_of(old).parent.iterdir()) == [
        "000001.jpg",
        "000002.jpg",
    ]
    store.delete(old)
    store.delete(young)
    # The per-turn and per-interview folders go with their last object; the top one stays.
    assert not (tmp_path / "media" / "frames" / str(interview)).exists()
    assert (tmp_path / "media" / "frames").is_dir()


def test_settings_pick_the_store(tmp_path: Path, s3_server: S3Server) -> None:
    file_store = media_store_from(MediaSettings(data_dir=tmp_path))
    assert isinstance(file_store, FileMediaStore)
    assert file_store.root == tmp_path / "media"
    bucket = s3_server.new_bucket()
    s3_store = media_store_from(
        MediaSettings(
            media_store="s3",
            s3_endpoint_url=s3_server.endpoint_url,
            s3_bucket=bucket,
            s3_access_key_id=s3_server.access_key_id,
            s3_secret_access_key=SecretStr(s3_server.secret_access_key),
        )
    )
    shown = repr(MediaSettings(s3_secret_access_key=SecretStr("hidden-secret")))
    assert "hidden-secret" not in shown
    assert isinstance(s3_store, S3MediaStore)
    s3_store.put("interviews/a/b.wav", b"via settings")
    assert s3_server.store(bucket).get("interviews/a/b.wav") == b"via settings"


def _read_and_write_in_child(store: S3MediaStore, key: str) -> None:
    assert store.get(key) == b"from the parent"
    store.put(key + ".child", b"from the child")


def test_the_s3_store_works_in_a_forked_child(s3_server: S3Server) -> None:
    """A Celery prefork child inherits the store built in its parent: it makes its own
    connection instead of sharing the parent's sockets."""
    store = s3_server.store(s3_server.new_bucket())
    store.put("frames/a/000001.jpg", b"from the parent")
    child = multiprocessing.get_context("fork").Process(
        target=_read_and_write_in_child, args=(store, "frames/a/000001.jpg")
    )
    child.start()
    child.join(timeout=60)
    assert child.exitcode == 0
    assert store.get("frames/a/000001.jpg.child") == b"from the child"


# --- end to end: no disk shared between the API and the worker ----------------------------

SPOKEN = "I designed the billing service and I improved its database queries."
MEDIA_ROLES = (WorkerRole.CPU, WorkerRole.CORE)


@pytest.fixture
def s3_workers(
    stack: TestStack,
    workers: Mapping[str, WorkerProcess],
    s3_server: S3Server,
    tmp_path: Path,
) -> Iterator[str]:
    """The session's CPU (and core) workers replaced by ones on a fresh bucket, each with its
    own data directory; the session's are back afterwards. Yields the bucket."""
    bucket = s3_server.new_bucket()
    roles = [role for role in MEDIA_ROLES if role in stack.workers]
    for role in roles:
        stack.stop_worker(role)
    try:
        for role in roles:
            data_dir = tmp_path / f"{role.value}-worker-data"
            data_dir.mkdir()
            stack.start_worker(role, {**s3_server.env(bucket), "DATA_DIR": str(data_dir)})
        yield bucket
    finally:
        for role in roles:
            stack.stop_worker(role)
        for role in roles:
            stack.start_worker(role)


def test_audio_transcribed_by_worker_without_the_apis_disk(
    stack: TestStack,
    s3_server: S3Server,
    s3_workers: str,
    interview_setup: tuple[TestClient, Party, Party, str],
    tmp_path: Path,
) -> None:
    bucket = s3_workers
    client, recruiter, candidate, job_id = interview_setup
    api_data = tmp_path / "api-data"
    api_data.mkdir()
    env = stack.worker_env({**s3_server.env(bucket), "DATA_DIR": str(api_data)})
    samples, rate = wav_samples(speak(SPOKEN, tmp_path / "answer.wav"))
    webm = encode(samples, rate, "webm", "libopus")
    state = invite_and_start(client, recruiter, candidate, job_id, audio=True)
    interview_id, turn_id = state["interview"]["id"], state["current_turn"]["id"]
    with ApiServer(env, ARTIFACTS / f"api-media-{uuid.uuid4().hex[:8]}.log") as api:
        response = httpx.post(
            f"{api.url}/api/v1/interviews/{interview_id}/turns/{turn_id}/audio",
            headers=candidate.headers,
            files={"audio": ("answer.webm", webm, "application/octet-stream")},
            data={"idempotency_key": f"audio-{uuid.uuid4().hex}"},
            timeout=60,
        )
        assert response.status_code == 200, response.text + api.log()[-3000:]
        deadline = time.monotonic() + 180
        while True:
            turns = httpx.get(
                f"{api.url}/api/v1/interviews/{interview_id}/turns",
                headers=candidate.headers,
                timeout=30,
            ).json()
            turn = next(t for t in turns if t["id"] == turn_id)
            if turn["stt_status"] in ("done", "failed") or time.monotonic() > deadline:
                break
            time.sleep(0.5)
        logs = {role.value: stack.workers[role].log()[-3000:] for role in MEDIA_ROLES}
        assert turn["stt_status"] == "done", (turn, logs)
        words = (turn["answer_text"] or "").lower()
        for expected in ["billing", "service", "database"]:
            assert expected in words, words
        # The recruiter plays it back through the API, from the bucket.
        played = httpx.get(
            f"{api.url}/api/v1/interviews/{interview_id}/turns/{turn_id}/audio",
            headers=recruiter.headers,
            timeout=30,
        )
        assert played.status_code == 200, played.text
        assert played.content == webm
    # The recording lives in the bucket alone: on no process's disk.
    keys = s3_server.store(bucket).keys_older_than("interviews/", datetime.now(UTC) + LATER)
    assert [key.split("/")[1] for key in keys] == [interview_id]
    for data_dir in [api_data, stack.data_dir, *tmp_path.glob("*-worker-data")]:
        assert not list((data_dir / "media" / "interviews").glob(f"{interview_id}/*"))
