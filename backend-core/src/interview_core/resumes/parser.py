"""The PDF and DOCX parsers, run in a child process (`python -m interview_core.resumes.parser
CONTENT_TYPE MEMORY_BYTES CPU_SECONDS`, the file on stdin, the text on stdout).

The child caps its own address space and CPU time before it reads the file, so a crafted file
(streams that inflate to gigabytes, pages that take minutes to read) ends this process, never
the API. Imports nothing from the rest of the package: it starts in a fraction of a second.
"""

import io
import resource
import sys
from enum import IntEnum

MAX_TEXT_CHARS = 60_000
# More pages than any résumé has; a PDF of thousands of pages is refused before any is read.
MAX_PDF_PAGES = 50


class ParserExit(IntEnum):
    """How the child ends; the API maps each to its problem (resumes/extract.py)."""

    OK = 0
    UNREADABLE = 3
    TOO_MANY_PAGES = 4
    OUT_OF_MEMORY = 5


def parse_document(data: bytes, content_type: str) -> str:
    if content_type == "application/pdf":
        from pypdf import PdfReader

        reader = PdfReader(io.BytesIO(data))
        if len(reader.pages) > MAX_PDF_PAGES:
            raise TooManyPagesError(len(reader.pages))
        parts: list[str] = []
        length = 0
        for page in reader.pages:
            part = page.extract_text() or ""
            parts.append(part)
            length += len(part)
            # Only the first MAX_TEXT_CHARS are kept: later pages are not read at all.
            if length >= MAX_TEXT_CHARS:
                break
        return "\n".join(parts)[:MAX_TEXT_CHARS]
    from docx import Document

    document = Document(io.BytesIO(data))
    return "\n".join(paragraph.text for paragraph in document.paragraphs)[:MAX_TEXT_CHARS]


class TooManyPagesError(Exception):
    def __init__(self, pages: int) -> None:
        super().__init__(f"{pages} pages")
        self.pages = pages


def main() -> int:
    content_type, memory_bytes, cpu_seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds))
    data = sys.stdin.buffer.read()
    try:
        text = parse_document(data, content_type)
    except MemoryError:
        return ParserExit.OUT_OF_MEMORY
    except TooManyPagesError as error:
        sys.stdout.write(str(error.pages))
        return ParserExit.TOO_MANY_PAGES
    except Exception:  # any parser failure is the file's fault; the API says so
        return ParserExit.UNREADABLE
    sys.stdout.buffer.write(text.encode("utf-8", errors="replace"))
    return ParserExit.OK


if __name__ == "__main__":
    sys.exit(main())
