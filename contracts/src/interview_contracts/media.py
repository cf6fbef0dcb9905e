"""Media (answer audio, camera frames) behind one small interface, so the API and the workers
share no disk: an S3-compatible object store in compose and production (MinIO there), the local
filesystem in the embedded run and the tests.

Keys are the relative POSIX paths the database rows store (`turns.audio_path`,
`video_frames.path`), e.g. `interviews/<interview>/<turn>-<nonce>.webm` and
`frames/<interview>/<turn>/000001.jpg`. Both stores refuse the same keys (absolute, `..`, `.`,
empty parts, backslashes), so a row naming a path outside the store is never followed in
either mode.
"""

import os
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from pathlib import Path
from typing import Any, Literal, Protocol

from pydantic import SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class MediaMissing(FileNotFoundError):
    """No object is stored under the key (never written, deleted, or lost)."""


@dataclass(frozen=True)
class MediaUsage:
    """What is stored under a prefix: for the upload quotas, which count every stored object
    (those a refused or retried request left behind too)."""

    files: int
    bytes: int


class MediaStore(Protocol):
    """Every method raises ValueError for a key (or prefix) that escapes the store."""

    def put(self, key: str, data: bytes) -> None: ...

    def get(self, key: str) -> bytes:
        """Raises MediaMissing when nothing is stored under `key`."""
        ...

    def delete(self, key: str) -> None:
        """Absent is fine: retention and erasure runs are repeatable."""
        ...

    def keys_older_than(self, prefix: str, cutoff: datetime) -> list[str]:
        """Keys under `prefix` (a plain string prefix) last written before `cutoff`."""
        ...

    def usage(self, prefix: str) -> MediaUsage:
        """Objects and bytes stored under `prefix`."""
        ...


def check_key(key: str) -> str:
    """`key` if it names an object inside the store, else ValueError."""
    if not key or "\\" in key or "\x00" in key or key.startswith("/"):
        raise ValueError(f"not a media key: {key!r}")
    parts = key.split("/")
    if any(part in ("", ".", "..") for part in parts):
        raise ValueError(f"not a media key: {key!r}")
    return key


def check_prefix(prefix: str) -> str:
    """A prefix is a key's beginning: empty (everything), or checked like a key, with an
    optional trailing slash."""
    if prefix:
        check_key(prefix.removesuffix("/"))
    return prefix


def _aware(cutoff: datetime) -> datetime:
    # A naive time would be read as local time by one store and UTC by the other.
    if cutoff.tzinfo is None:
        raise ValueError("cutoff must be timezone-aware")
    return cutoff


class FileMediaStore:
    """Objects as files under `root` (the embedded run: DATA_DIR/media, as before)."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def path_of(self, key: str) -> Path:
        """Where `key`'s file lies; ValueError for a key that escapes the root (also through a
        symbolic link inside it)."""
        target = self.root / check_key(key)
        root = self.root.resolve()
        if not target.resolve().is_relative_to(root) or target.resolve() == root:
            raise ValueError(f"media key outside the store: {key!r}")
        return target

    def put(self, key: str, data: bytes) -> None:
        target = self.path_of(key)
        # Written beside the target and renamed into place: a reader (a worker, the playback
        # route) sees the whole file or none, never a part.
        for attempt in range(3):
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                handle, temporary = tempfile.mkstemp(
                    dir=target.parent, prefix=f".{target.name}.", suffix=".part"
                )
            except FileNotFoundError:
                # A concurrent delete removed the folder as it emptied; make it again.
                if attempt == 2:
                    raise
                continue
            try:
                with os.fdopen(handle, "wb") as file:
                    file.write(data)
                os.replace(temporary, target)
            except BaseException:
                Path(temporary).unlink(missing_ok=True)
                raise
            return

    def get(self, key: str) -> bytes:
        try:
            return self.path_of(key).read_bytes()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            raise MediaMissing(key) from None

    def delete(self, key: str) -> None:
        target = self.path_of(key)
        try:
            target.unlink()
        except (FileNotFoundError, IsADirectoryError, NotADirectoryError):
            return
        # Leave no empty per-turn or per-interview folders behind; the top folders
        # (`interviews`, `frames`) stay.
        folder = target.parent
        while folder != self.root and folder.parent != self.root:
            try:
                folder.rmdir()
            except OSError:  # not empty (or already gone): nothing more to prune
                break
            folder = folder.parent

    def _files(self, prefix: str) -> Iterator[tuple[str, os.stat_result]]:
        check_prefix(prefix)
        # Only the folder the prefix's complete parts name is walked.
        base = self.root / prefix.rpartition("/")[0] if "/" in prefix else self.root
        if not base.is_dir():
            return
        for path in base.rglob("*"):
            key = path.relative_to(self.root).as_posix()
            if not key.startswith(prefix):
                continue
            try:
                status = path.stat()
            except FileNotFoundError:  # deleted while we walked
                continue
            if path.is_file():
                yield key, status

    def keys_older_than(self, prefix: str, cutoff: datetime) -> list[str]:
        limit = _aware(cutoff).timestamp()
        return sorted(key for key, status in self._files(prefix) if status.st_mtime < limit)

    def usage(self, prefix: str) -> MediaUsage:
        files = size = 0
        for _, status in self._files(prefix):
            files += 1
            size += status.st_size
        return MediaUsage(files, size)


# boto3 creates clients unsafely from several threads (the API's thread pool, the GPU worker's
# threads), so one is created at a time. A lock a parent's thread held at fork would never be
# released in the child: each child starts with a fresh one.
_client_lock = threading.Lock()


def _new_client_lock() -> None:
    global _client_lock
    _client_lock = threading.Lock()


os.register_at_fork(after_in_child=_new_client_lock)


class S3MediaStore:
    """Objects in one bucket of an S3-compatible store (MinIO in compose, or AWS S3 with
    `endpoint_url` None). Credentials left None fall back to boto3's own chain (environment,
    instance role)."""

    def __init__(
        self,
        endpoint_url: str | None,
        bucket: str,
        access_key_id: str | None,
        secret_access_key: str | None,
        region: str,
    ) -> None:
        self.endpoint_url = endpoint_url
        self.bucket = bucket
        self._access_key_id = access_key_id
        self._secret_access_key = secret_access_key
        self.region = region
        self._client: Any = None
        self._client_pid: int | None = None

    def _s3(self) -> Any:
        # One client per process: a Celery prefork child must not share the parent's
        # connection pool (its sockets), so a forked process makes its own.
        if self._client is not None and self._client_pid == os.getpid():
            return self._client
        with _client_lock:
            if self._client is not None and self._client_pid == os.getpid():
                return self._client
            import boto3.session
            from botocore.config import Config

            # Its own session: boto3's default one is shared by the whole process.
            self._client = boto3.session.Session().client(
                "s3",
                endpoint_url=self.endpoint_url,
                aws_access_key_id=self._access_key_id,
                aws_secret_access_key=self._secret_access_key,
                region_name=self.region,
                config=Config(
                    # MinIO serves buckets by path unless a domain is configured for it.
                    s3={"addressing_style": "path"},
                    signature_version="s3v4",
                    retries={"max_attempts": 4, "mode": "standard"},
                    connect_timeout=5,
                    read_timeout=60,
                ),
            )
            self._client_pid = os.getpid()
        return self._client

    def put(self, key: str, data: bytes) -> None:
        self._s3().put_object(Bucket=self.bucket, Key=check_key(key), Body=data)

    def get(self, key: str) -> bytes:
        from botocore.exceptions import ClientError

        try:
            response = self._s3().get_object(Bucket=self.bucket, Key=check_key(key))
        except ClientError as error:
            if error.response.get("Error", {}).get("Code") in ("NoSuchKey", "404", "NotFound"):
                raise MediaMissing(key) from None
            raise
        data: bytes = response["Body"].read()
        return data

    def delete(self, key: str) -> None:
        # S3 answers 204 whether or not the key existed.
        self._s3().delete_object(Bucket=self.bucket, Key=check_key(key))

    def _objects(self, prefix: str) -> Iterator[dict[str, Any]]:
        pages = self._s3().get_paginator("list_objects_v2")
        for page in pages.paginate(Bucket=self.bucket, Prefix=check_prefix(prefix)):
            yield from page.get("Contents", [])

    def keys_older_than(self, prefix: str, cutoff: datetime) -> list[str]:
        limit = _aware(cutoff)
        return sorted(
            str(item["Key"]) for item in self._objects(prefix) if item["LastModified"] < limit
        )

    def usage(self, prefix: str) -> MediaUsage:
        files = size = 0
        for item in self._objects(prefix):
            files += 1
            size += int(item["Size"])
        return MediaUsage(files, size)


class MediaSettings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    # file: the embedded run and the tests (one machine); s3: compose and production, where
    # the API and the workers share no disk.
    media_store: Literal["file", "s3"] = "file"
    # The file store's root is data_dir / "media", where media always lived.
    data_dir: Path = Path(".data")
    # None: AWS S3 itself; compose sets MinIO's address (http://minio:9000).
    s3_endpoint_url: str | None = None
    s3_bucket: str = "interview-media"
    # None: boto3's own credential chain (environment, instance role).
    s3_access_key_id: str | None = None
    # A SecretStr: never shown by a repr or a log line of the settings.
    s3_secret_access_key: SecretStr | None = None
    s3_region: str = "us-east-1"


def media_store_from(settings: MediaSettings) -> MediaStore:
    if settings.media_store == "s3":
        return S3MediaStore(
            endpoint_url=settings.s3_endpoint_url or None,
            bucket=settings.s3_bucket,
            access_key_id=settings.s3_access_key_id or None,
            secret_access_key=(
                settings.s3_secret_access_key.get_secret_value() or None
                if settings.s3_secret_access_key is not None
                else None
            ),
            region=settings.s3_region,
        )
    return FileMediaStore(settings.data_dir / "media")


@lru_cache
def get_media_store() -> MediaStore:
    """The process's store, from MediaSettings (MEDIA_STORE, DATA_DIR, S3_*)."""
    return media_store_from(MediaSettings())


__all__ = [
    "FileMediaStore",
    "MediaMissing",
    "MediaSettings",
    "MediaStore",
    "MediaUsage",
    "S3MediaStore",
    "check_key",
    "get_media_store",
    "media_store_from",
]
