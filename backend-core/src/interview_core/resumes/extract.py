"""Text from PDF, DOCX or plain text; the type is read from the bytes, not the file name."""

import io
import zipfile

from interview_core.errors import UnprocessableInput, UnsupportedMediaType

MAX_TEXT_CHARS = 60_000


def sniff_resume(data: bytes) -> str:
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            names = zipfile.ZipFile(io.BytesIO(data)).namelist()
        except zipfile.BadZipFile:
            names = []
        if "word/document.xml" in names:
            return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        text = ""
    if text and "\x00" not in text:
        return "text/plain"
    raise UnsupportedMediaType(
        "Upload the résumé as PDF, DOCX or UTF-8 text.", code="unsupported-resume-type"
    )


def extract_text(data: bytes, content_type: str) -> str:
    try:
        if content_type == "application/pdf":
            from pypdf import PdfReader

            reader = PdfReader(io.BytesIO(data))
            text = "\n".join(page.extract_text() or "" for page in reader.pages)
        elif content_type == "text/plain":
            text = data.decode("utf-8")
        else:
            from docx import Document

            document = Document(io.BytesIO(data))
            text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    except UnsupportedMediaType:
        raise
    except Exception as exc:  # any parser failure is the file's fault, not the server's
        raise UnprocessableInput(
            "The résumé file could not be read; is it damaged?", code="unreadable-resume"
        ) from exc
    text = text.strip()
    if not text:
        raise UnprocessableInput(
            "No text was found in the résumé (a scanned image?). Upload a text-based file.",
            code="empty-resume",
        )
    return text[:MAX_TEXT_CHARS]
