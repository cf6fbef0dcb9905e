"""Text from PDF, DOCX or plain text; the type is read from the bytes, not the file name.

Nothing in the file is decoded in the API process. A DOCX is a zip whose parts python-docx
inflates whole, so its directory (sizes as declared, which zipfile also enforces when it
inflates) is checked first: a zip bomb gets a 413 naming the field at once. PDF and DOCX are
then parsed in a child process with its memory and CPU time capped (resumes/parser.py), so
whatever slipped past the checks costs that child, never the API.
"""

import io
import subprocess
import sys
import threading
import zipfile

from interview_core.errors import (
    PayloadTooLarge,
    ServiceUnavailable,
    UnprocessableInput,
    UnsupportedMediaType,
)
from interview_core.resumes.parser import MAX_PDF_PAGES, MAX_TEXT_CHARS, ParserExit

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
# A long résumé with photos inflates to a few MB; real DOCX parts compress at most ~20:1.
MAX_DOCX_UNCOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_DOCX_MEMBERS = 1000
MAX_DOCX_COMPRESSION_RATIO = 100
# Below this a part's ratio does not matter: it cannot inflate to anything harmful.
RATIO_CHECKED_ABOVE_BYTES = 1024 * 1024
# What the parsing child may use; a normal résumé needs under a fifth of each (a 80 KB PDF
# of dense drawing commands took 50 s of CPU per page in the API before this).
PARSER_MEMORY_BYTES = 512 * 1024 * 1024
PARSER_CPU_SECONDS = 10
# Wall clock: CPU time plus room for a busy machine.
PARSER_TIMEOUT_S = 30.0
# Children at once, so concurrent uploads cannot multiply the memory cap without bound.
PARSER_CONCURRENCY = 2
_parser_slots = threading.BoundedSemaphore(PARSER_CONCURRENCY)


def sniff_resume(data: bytes) -> str:
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            names = []
        if "word/document.xml" in names:
            return DOCX
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = ""
    if text and "\x00" not in text:
        return "text/plain"
    raise UnsupportedMediaType(
        "Upload the résumé as PDF, DOCX or UTF-8 text.", code="unsupported-resume-type"
    )


def _refuse_archive(detail: str, limit: float) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"The 'file' field: {detail}", code="resume-archive-too-large", field="file", limit=limit
    )


def check_docx_archive(data: bytes) -> None:
    """Refuse a DOCX whose zip directory declares more than a résumé could hold (413)."""
    members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    if len(members) > MAX_DOCX_MEMBERS:
        raise _refuse_archive(
            f"the DOCX holds {len(members)} parts; at most {MAX_DOCX_MEMBERS} are accepted.",
            MAX_DOCX_MEMBERS,
        )
    total = sum(member.file_size for member in members)
    if total > MAX_DOCX_UNCOMPRESSED_BYTES:
        raise _refuse_archive(
            f"the DOCX expands to {total} bytes; at most {MAX_DOCX_UNCOMPRESSED_BYTES} are "
            "accepted.",
            MAX_DOCX_UNCOMPRESSED_BYTES,
        )
    for member in members:
        ratio = member.file_size / max(member.compress_size, 1)
        if member.file_size > RATIO_CHECKED_ABOVE_BYTES and ratio > MAX_DOCX_COMPRESSION_RATIO:
            raise _refuse_archive(
                f"the DOCX part {member.filename[:100]!r} expands {ratio:.0f} times; at most "
                f"{MAX_DOCX_COMPRESSION_RATIO} times is accepted.",
                MAX_DOCX_COMPRESSION_RATIO,
            )


def parse_isolated(
    data: bytes,
    content_type: str,
    *,
    memory_bytes: int = PARSER_MEMORY_BYTES,
    cpu_seconds: int = PARSER_CPU_SECONDS,
    timeout_s: float = PARSER_TIMEOUT_S,
) -> str:
    """Parse a PDF or DOCX in a child process with capped memory and CPU time."""
    command = [
        sys.executable,
        "-I",
        "-m",
        "interview_core.resumes.parser",
        content_type,
        str(memory_bytes),
        str(cpu_seconds),
    ]
    too_complex = UnprocessableInput(
        "The 'file' field: the résumé needs too much memory or time to read. Upload a simpler "
        "PDF or DOCX, or the text.",
        code="resume-too-complex",
        field="file",
    )
    if not _parser_slots.acquire(timeout=timeout_s):
        raise ServiceUnavailable(
            "Too many résumés are being read right now; try again shortly.",
            code="resume-parser-busy",
            headers={"Retry-After": "5"},
        )
    try:
        # A minimal environment: the child needs no secret and no setting of the API.
        done = subprocess.run(
            command, input=data, capture_output=True, timeout=timeout_s, env={}, check=False
        )
    except subprocess.TimeoutExpired:
        raise too_complex from None
    finally:
        _parser_slots.release()
    if done.returncode == ParserExit.OK:
        return done.stdout.decode("utf-8")
    if done.returncode == ParserExit.TOO_MANY_PAGES:
        raise UnprocessableInput(
            f"The 'file' field: the PDF has {done.stdout.decode()} pages; at most "
            f"{MAX_PDF_PAGES} are accepted.",
            code="resume-too-many-pages",
            field="file",
            limit=MAX_PDF_PAGES,
        )
    if done.returncode == ParserExit.UNREADABLE:
        raise UnprocessableInput(
            "The résumé file could not be read; is it damaged?",
            code="unreadable-resume",
            field="file",
        )
    # Out of memory, or killed at its CPU limit (a negative code is the signal).
    raise too_complex


def extract_text(data: bytes, content_type: str) -> str:
    if content_type == "text/plain":
        text = data.decode("utf-8")
    else:
        if content_type == DOCX:
            check_docx_archive(data)
        text = parse_isolated(data, content_type)
    text = text.strip()
    if not text:
        raise UnprocessableInput(
            "No text was found in the résumé (a scanned image?). Upload a text-based file.",
            code="empty-resume",
            field="file",
        )
    return text[:MAX_TEXT_CHARS]
