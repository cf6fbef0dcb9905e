"""A real S3-compatible server for the media store: moto's server as a subprocess on a free
loopback port (as MinIO runs beside the services in compose), and the interview fixtures of
tests/interviews for the end-to-end test."""

import secrets
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import boto3
import httpx
import pytest

from interview_contracts.media import S3MediaStore
from interview_core.localrun.redis_server import free_port
from tests.interviews.conftest import (  # noqa: F401
    candidate,
    interview_setup,
    job_id,
    organisation,
    question_bank,
    recruiter,
)
from tests.support.stack import _die_with_parent

ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
START_TIMEOUT_S = 60.0
REGION = "us-east-1"


@dataclass(frozen=True)
class S3Server:
    endpoint_url: str
    # moto accepts any credentials; random ones keep the tests honest about passing them.
    access_key_id: str
    secret_access_key: str

    def store(self, bucket: str) -> S3MediaStore:
        return S3MediaStore(
            self.endpoint_url, bucket, self.access_key_id, self.secret_access_key, REGION
        )

    def new_bucket(self) -> str:
        """A fresh, empty bucket, as compose's minio-init creates one."""
        bucket = f"media-{uuid.uuid4().hex[:12]}"
        client = boto3.client(
            "s3",
            endpoint_url=self.endpoint_url,
            aws_access_key_id=self.access_key_id,
            aws_secret_access_key=self.secret_access_key,
            region_name=REGION,
        )
        client.create_bucket(Bucket=bucket)
        return bucket

    def env(self, bucket: str) -> dict[str, str]:
        """What a process needs to use the bucket (MediaSettings)."""
        return {
            "MEDIA_STORE": "s3",
            "S3_ENDPOINT_URL": self.endpoint_url,
            "S3_BUCKET": bucket,
            "S3_ACCESS_KEY_ID": self.access_key_id,
            "S3_SECRET_ACCESS_KEY": self.secret_access_key,
            "S3_REGION": REGION,
        }


@pytest.fixture(scope="session")
def s3_server() -> Iterator[S3Server]:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log_path = ARTIFACTS / f"moto-s3-{int(time.time() * 1000)}.log"
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
            preexec_fn=_die_with_parent,
        )
    try:
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + START_TIMEOUT_S
        while True:
            assert process.poll() is None, log_path.read_text(errors="replace")
            try:
                httpx.get(url, timeout=1)
                break
            except httpx.HTTPError:
                assert time.monotonic() < deadline, "moto's S3 server did not start"
                time.sleep(0.2)
        yield S3Server(url, f"test-{secrets.token_hex(4)}", secrets.token_urlsafe(24))
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
