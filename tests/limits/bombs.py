"""Small files that expand (or cost) far more than their size, built on the fly: nothing big is
ever committed or held in memory whole."""

import io
import zipfile
import zlib

from docx import Document

CHUNK = b" " * (1024 * 1024)


def docx_bytes(
    text: str = "Jane Doe. Built payment APIs in Python at Acme for six years.",
) -> bytes:
    document = Document()
    document.add_paragraph(text)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def docx_with_member(name: str, megabytes: int, *, extra_members: int = 0) -> bytes:
    """A real DOCX plus one member of `megabytes` MB of spaces (streamed into the archive,
    so it compresses about 1000:1) and `extra_members` empty ones."""
    buffer = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(docx_bytes())) as source,
        zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for member in source.infolist():
            target.writestr(member, source.read(member))
        with target.open(name, "w") as inflated:
            for _ in range(megabytes):
                inflated.write(CHUNK)
        for index in range(extra_members):
            target.writestr(f"word/parts/part{index}.xml", b"")
    return buffer.getvalue()


def pdf_of_objects(objects: list[bytes]) -> bytes:
    """A PDF of these objects (numbered from 1, the catalogue first), with its cross-reference
    table and trailer."""
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n"
    ).encode()
    return bytes(out)


FONT = b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>"


def pdf_with_pages(pages: int, content: bytes) -> bytes:
    """A minimal PDF whose every page draws `content` (one Flate stream shared by the pages,
    as a crafted file may do) with a standard font."""
    packed = zlib.compress(content, 9)
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids ["
        + b" ".join(f"{5 + page} 0 R".encode() for page in range(pages))
        + f"] /Count {pages} >>".encode(),
        FONT,
        f"<< /Length {len(packed)} /Filter /FlateDecode >>\nstream\n".encode()
        + packed
        + b"\nendstream",
    ]
    for _ in range(pages):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
            b"/Resources << /Font << /F1 3 0 R >> >> /Contents 4 0 R >>"
        )
    return pdf_of_objects(objects)


def pdf_of_inflating_pages(pages: int, megabytes: int) -> bytes:
    """A PDF of `pages` pages, each drawing its own Flate stream of a `megabytes` MB comment
    (about 1000:1, each under pypdf's own 75 MB cap per stream). pypdf keeps every stream it
    decoded, so reading the pages in turn inflates past the parser's memory cap."""
    deflate = zlib.compressobj(9)
    packed = deflate.compress(b"%") + b"".join(deflate.compress(CHUNK) for _ in range(megabytes))
    packed += deflate.flush()
    stream = f"<< /Length {len(packed)} /Filter /FlateDecode >>\nstream\n".encode()
    kids = " ".join(f"{4 + 2 * page} 0 R" for page in range(pages))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        f"<< /Type /Pages /Kids [{kids}] /Count {pages} >>".encode(),
        FONT,
    ]
    for page in range(pages):
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font "
            + f"<< /F1 3 0 R >> >> /Contents {5 + 2 * page} 0 R >>".encode()
        )
        objects.append(stream + packed + b"\nendstream")
    return pdf_of_objects(objects)


TEXT_PAGE = b"BT /F1 12 Tf 72 700 Td (Jane Doe, Python engineer at Acme) Tj ET"
# Cheap to store, slow to read: pypdf parses each drawing command in Python (about 50 s of CPU
# per page for this one on the 2-core CI machine).
DENSE_PAGE = b"BT /F1 12 Tf 72 700 Td (Jane Doe) Tj ET\n" * 200_000
