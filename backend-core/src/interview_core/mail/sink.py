"""A local SMTP server that delivers nowhere: each message is stored as one `.eml` file under
`<data dir>/mail/`, for the embedded run and the tests (production sends through a real
SMTP server; see SMTP_* in .env.example).

    python -m interview_core.mail.sink --data-dir .data --port 8025

It listens on loopback unless told otherwise (compose runs it on its internal network only) and
accepts any sender and recipient, so it must never be exposed.
"""

import argparse
import asyncio
import signal
import uuid
from datetime import UTC, datetime
from pathlib import Path

from aiosmtpd.smtp import SMTP, Envelope
from aiosmtpd.smtp import Session as SmtpSession

from interview_core.config import get_infra_settings

DEFAULT_PORT = 8025
# Larger than any message the platform writes, small enough that a stray client cannot fill
# the disk with one message.
MAX_MESSAGE_BYTES = 1024 * 1024


def mail_dir(data_dir: Path) -> Path:
    return data_dir / "mail"


class StoreMessages:
    """aiosmtpd handler: write each accepted message to its own file, named so that a listing
    sorts oldest first; written under a temporary name first, so a reader never sees half."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory

    async def handle_DATA(  # noqa: N802 (aiosmtpd's hook name)
        self, server: SMTP, session: SmtpSession, envelope: Envelope
    ) -> str:
        content = envelope.original_content or b""
        name = f"{datetime.now(UTC):%Y%m%dT%H%M%S%fZ}-{uuid.uuid4().hex[:8]}.eml"
        partial = self.directory / f".{name}.partial"
        partial.write_bytes(content)
        partial.replace(self.directory / name)
        return "250 Message stored"


async def serve(directory: Path, host: str, port: int) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    handler = StoreMessages(directory)
    loop = asyncio.get_running_loop()
    # An explicit hostname: aiosmtpd's default asks the resolver, which may stall offline.
    server = await loop.create_server(
        lambda: SMTP(handler, hostname="localhost", data_size_limit=MAX_MESSAGE_BYTES),
        host=host,
        port=port,
    )
    stop = asyncio.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print(f"mail sink: listening on {host}:{port}, storing messages in {directory}", flush=True)
    async with server:
        await stop.wait()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="A local SMTP sink that stores mail.")
    parser.add_argument("--data-dir", type=Path, default=None, help="default: DATA_DIR")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT)
    args = parser.parse_args(argv)
    data_dir = args.data_dir or get_infra_settings().data_dir
    asyncio.run(serve(mail_dir(data_dir), args.host, args.port))


if __name__ == "__main__":
    main()
