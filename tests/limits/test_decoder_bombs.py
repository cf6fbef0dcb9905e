"""Files crafted to expand or to cost far more than their size are refused before, or contained
while, they are decoded: résumés (DOCX zip bombs, PDFs of many or slow pages), camera frames
and audio. The bombs are built on the fly and are small."""

import io
import struct
import time
import wave
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pytest
from fastapi.testclient import TestClient
from httpx import Response
from sqlalchemy import func, select, text

from ai_worker.speech.audio import SpeechInputError, decode_audio
from interview_contracts.speech import SpeechErrorCode
from interview_core.accounts.models import User
from interview_core.db.engine import get_engine, session_scope
from interview_core.errors import UnprocessableInput
from interview_core.interviews.models import Resume
from interview_core.resumes.extract import (
    PARSER_CONCURRENCY,
    PARSER_CPU_SECONDS,
    PARSER_MEMORY_BYTES,
    _parser_slots,
    parse_isolated,
)
from tests.interviews.conftest import Party, invite_and_start
from tests.limits.bombs import (
    DENSE_PAGE,
    TEXT_PAGE,
    docx_bytes,
    docx_with_member,
    pdf_of_inflating_pages,
    pdf_with_pages,
)
from tests.support.media import file_store

FACE = (Path(__file__).resolve().parents[1] / "fixtures" / "astronaut_face.jpg").read_bytes()


def _upload_resume(client: TestClient, candidate: Party, data: bytes) -> Response:
    return client.post(
        "/api/v1/resumes",
        headers=candidate.headers,
        files={"file": ("resume.bin", data, "application/octet-stream")},
    )


def _refused(response: Response, status: int, code: str) -> dict[str, object]:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/problem+json")
    body: dict[str, object] = response.json()
    assert body["code"] == code
    assert body["field"] == "file" and "'file'" in str(body["detail"])
    return body


def _resumes_of(candidate: Party) -> int:
    with session_scope() as session:
        count = session.scalar(select(func.count()).where(Resume.candidate_id == candidate.user_id))
    return int(count or 0)


# --- résumés ------------------------------------------------------------------------------


def test_a_docx_zip_bomb_is_refused_from_its_directory(
    client: TestClient, candidate: Party
) -> None:
    bomb = docx_with_member("word/media/image1.png", megabytes=64)
    assert len(bomb) < 200_000
    body = _refused(_upload_resume(client, candidate, bomb), 413, "resume-archive-too-large")
    assert body["limit"] == 50 * 1024 * 1024
    assert _resumes_of(candidate) == 0


def test_a_docx_part_that_expands_a_thousand_times_is_refused(
    client: TestClient, candidate: Party
) -> None:
    # 10 MB in all is under the size limit; the ratio gives it away.
    bomb = docx_with_member("word/document2.xml", megabytes=10)
    body = _refused(_upload_resume(client, candidate, bomb), 413, "resume-archive-too-large")
    assert "word/document2.xml" in str(body["detail"]) and body["limit"] == 100
    assert _resumes_of(candidate) == 0


def test_a_docx_of_too_many_parts_is_refused(client: TestClient, candidate: Party) -> None:
    bomb = docx_with_member("word/empty.xml", megabytes=0, extra_members=1500)
    _refused(_upload_resume(client, candidate, bomb), 413, "resume-archive-too-large")
    assert _resumes_of(candidate) == 0


def test_a_pdf_of_too_many_pages_is_refused_before_a_page_is_read(
    client: TestClient, candidate: Party
) -> None:
    body = _refused(
        _upload_resume(client, candidate, pdf_with_pages(51, TEXT_PAGE)),
        422,
        "resume-too-many-pages",
    )
    assert body["limit"] == 50
    assert _resumes_of(candidate) == 0


def test_ordinary_docx_and_pdf_resumes_are_read(client: TestClient, candidate: Party) -> None:
    docx = _upload_resume(client, candidate, docx_bytes())
    assert docx.status_code == 201, docx.text
    assert docx.json()["text"].startswith("Jane Doe. Built payment APIs")
    pdf = _upload_resume(client, candidate, pdf_with_pages(2, TEXT_PAGE))
    assert pdf.status_code == 201, pdf.text
    assert pdf.json()["text"].count("Jane Doe, Python engineer at Acme") == 2


def test_a_pdf_that_takes_minutes_to_read_costs_a_capped_child_not_the_api() -> None:
    """78 KB that pypdf needs about 50 s of CPU per page to read: the parsing child is stopped
    at its CPU limit (2 s here, PARSER_CPU_SECONDS in service) and the upload is refused."""
    assert PARSER_CPU_SECONDS <= 10
    slow = pdf_with_pages(3, DENSE_PAGE)
    assert len(slow) < 100_000
    started = time.monotonic()
    with pytest.raises(UnprocessableInput) as refused:
        parse_isolated(slow, "application/pdf", cpu_seconds=2, timeout_s=20)
    assert refused.value.code == "resume-too-complex"
    assert time.monotonic() - started < 15


def test_a_pdf_that_inflates_past_the_parsers_memory_cap_is_refused(
    client: TestClient, candidate: Party
) -> None:
    """Under 1 MB that pypdf inflates to 8 x 71 MB: the parsing child runs out of its
    PARSER_MEMORY_BYTES and the upload is refused as too complex; the API carries on."""
    bomb = pdf_of_inflating_pages(pages=8, megabytes=71)
    assert len(bomb) < 1024 * 1024 and PARSER_MEMORY_BYTES < 8 * 71 * 1024 * 1024
    _refused(_upload_resume(client, candidate, bomb), 422, "resume-too-complex")
    assert _resumes_of(candidate) == 0
    after = _upload_resume(client, candidate, pdf_with_pages(1, TEXT_PAGE))
    assert after.status_code == 201, after.text


def test_a_resume_is_parsed_holding_no_lock_and_no_database_connection(
    client: TestClient, candidate: Party
) -> None:
    """Parsing may wait PARSER_TIMEOUT_S for a slot and as long again to read the file: all
    that time the upload holds neither the candidate's row nor a pooled connection. Here
    both slots are taken (as by two slow uploads) while the upload waits for one."""
    taken = [_parser_slots.acquire(timeout=30) for _ in range(PARSER_CONCURRENCY)]
    assert all(taken)
    upload = ThreadPoolExecutor(max_workers=1)
    try:
        pending = upload.submit(_upload_resume, client, candidate, docx_bytes())
        waiters = _parser_slots._cond._waiters  # type: ignore[attr-defined]
        deadline = time.monotonic() + 20
        while not waiters and time.monotonic() < deadline:
            time.sleep(0.01)
        assert waiters, "the upload never waited for a parser slot"
        assert get_engine().pool.checkedout() == 0  # type: ignore[attr-defined]
        with session_scope() as session:
            session.execute(text("SET LOCAL lock_timeout = '1s'"))
            locked = session.scalar(
                select(User.id).where(User.id == candidate.user_id).with_for_update()
            )
        assert locked == candidate.user_id
    finally:
        for _ in range(PARSER_CONCURRENCY):
            _parser_slots.release()
        upload.shutdown(wait=True)
    uploaded = pending.result()
    assert uploaded.status_code == 201, uploaded.text


# --- camera frames ------------------------------------------------------------------------


def _with_dimensions(jpeg: bytes, width: int, height: int) -> bytes:
    """The same JPEG with its start-of-frame header claiming other dimensions."""
    offset = 2
    while jpeg[offset + 1] not in (0xC0, 0xC2):
        offset += 2 + struct.unpack(">H", jpeg[offset + 2 : offset + 4])[0]
    return jpeg[: offset + 5] + struct.pack(">HH", height, width) + jpeg[offset + 9 :]


def _with_scan_markers(jpeg: bytes, count: int) -> bytes:
    """The JPEG with `count` extra start-of-scan markers, in a comment segment after SOI."""
    payload = b"\xff\xda" * count
    return jpeg[:2] + b"\xff\xfe" + struct.pack(">H", len(payload) + 2) + payload + jpeg[2:]


@pytest.mark.parametrize(
    ("frame", "code"),
    [
        (_with_dimensions(FACE, 40_000, 40_000), "frame-dimensions"),
        (_with_scan_markers(FACE, 150), "frame-too-complex"),
    ],
)
def test_frames_that_would_cost_the_worker_too_much_are_refused_unwritten(
    interview_setup,  # type: ignore[no-untyped-def]
    frame: bytes,
    code: str,
) -> None:
    client, recruiter, candidate, job_id = interview_setup
    state = invite_and_start(client, recruiter, candidate, job_id, video=True)
    interview_id, turn_id = state["interview"]["id"], state["current_turn"]["id"]
    response = client.post(
        f"/api/v1/interviews/{interview_id}/turns/{turn_id}/frames",
        headers=candidate.headers,
        files=[
            ("frames", ("a.jpg", FACE, "image/jpeg")),
            ("frames", ("b.jpg", frame, "image/jpeg")),
        ],
        data={"sequences": "0,1", "timestamps": "0,1"},
    )
    assert response.status_code == 422, response.text
    assert response.json()["code"] == code
    frames_dir = file_store().root / "frames" / interview_id
    assert not frames_dir.exists() or not any(p.is_file() for p in frames_dir.rglob("*"))


# --- audio (decoded by the CPU worker) ----------------------------------------------------


def _noise_wav(channels: int, rate: int, seconds: float) -> bytes:
    samples = np.random.default_rng(7).standard_normal(int(rate * seconds) * channels) * 3000
    buffer = io.BytesIO()
    with wave.open(buffer, "wb") as writer:
        writer.setnchannels(channels)
        writer.setsampwidth(2)
        writer.setframerate(rate)
        writer.writeframes(samples.astype(np.int16).tobytes())
    return buffer.getvalue()


@pytest.mark.parametrize(("channels", "rate"), [(64, 16_000), (1, 768_000)])
def test_audio_whose_decoding_cost_is_out_of_proportion_is_refused_before_decoding(
    channels: int, rate: int
) -> None:
    """Decoding work grows with channels times rate; a compressed stream of silence in 255
    channels at a high rate is tiny and would hold a worker for its whole time limit."""
    with pytest.raises(SpeechInputError) as refused:
        decode_audio(_noise_wav(channels, rate, 0.2), 25_000_000, 600)
    assert refused.value.code is SpeechErrorCode.UNSUPPORTED_FORMAT


def test_audio_declaring_a_duration_over_the_limit_is_refused_before_decoding() -> None:
    long_wav = _noise_wav(1, 8_000, 700)
    started = time.monotonic()
    with pytest.raises(SpeechInputError) as refused:
        decode_audio(long_wav, 25_000_000, 600)
    assert refused.value.code is SpeechErrorCode.TOO_LONG
    # Read from the header: no 700 s of audio were decoded to find out.
    assert time.monotonic() - started < 0.1


def test_ordinary_audio_still_decodes() -> None:
    decoded = decode_audio(_noise_wav(2, 48_000, 1.0), 25_000_000, 600)
    assert decoded.duration_s == pytest.approx(1.0, abs=0.01)
