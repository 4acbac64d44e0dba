"""Turning Word (.docx) and plain-text attachments into PDF pages.

With LibreOffice installed (``soffice``/``libreoffice`` on PATH) a DOCX is
converted faithfully, in a throwaway profile so parallel conversions do not
fight over LibreOffice's lock. Without it the document's text is set with
fpdf2: headings, paragraphs and table rows, under a first line saying it was
converted, because layout, images, headers and footers are lost.
"""

from __future__ import annotations

import io
import os
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from meetings.packs.typesetting import Color, TextFlow, Typesetter

if TYPE_CHECKING:
    from docx.document import Document as DocxDocument
    from docx.table import Table

LIBREOFFICE_TIMEOUT = 120  # seconds
CONVERTED_NOTE = "Converted from DOCX (text only: layout, images and headers omitted)"
_GRAY: Color = (110, 110, 110)
# style name -> (size, space before)
_HEADINGS = {
    "Title": (20.0, 6.0),
    "Heading 1": (16.0, 14.0),
    "Heading 2": (13.5, 12.0),
    "Heading 3": (11.5, 10.0),
}


class ConversionError(Exception):
    """Why a document could not be turned into PDF, in a clerk's words."""


def find_libreoffice() -> str | None:
    """The LibreOffice binary to convert with, if one is installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def docx_to_pdf(data: bytes, *, paper: str = "letter") -> bytes:
    """Convert a .docx file to PDF bytes; raises ConversionError."""
    document = _open_docx(data)  # also rejects files LibreOffice would misread
    binary = find_libreoffice()
    if binary:
        return _convert_with_libreoffice(binary, data)
    try:
        return _render_docx(document, paper)
    except Exception as exc:  # python-docx trips over unusual document parts
        raise ConversionError("its text could not be read for conversion") from exc


def text_to_pdf(data: bytes, *, paper: str = "letter") -> bytes:
    """Set a plain-text file in a monospaced font, keeping its lines."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")
    setter = Typesetter.create(paper=paper, unicode=True)
    flow = TextFlow(setter)
    for line in text.expandtabs(4).splitlines() or [""]:
        flow.preformatted(line, size=9.5)
    return setter.output()


def _open_docx(data: bytes) -> DocxDocument:
    import docx  # python-docx (and lxml) load only when a DOCX comes along

    try:
        return docx.Document(io.BytesIO(data))
    except Exception as exc:  # zipfile, lxml and python-docx all raise their own
        raise ConversionError("it is not a readable Word (.docx) document") from exc


def _convert_with_libreoffice(binary: str, data: bytes) -> bytes:
    with tempfile.TemporaryDirectory(prefix="quorum-pack-") as tmp:
        folder = Path(tmp)
        source = folder / "attachment.docx"
        source.write_bytes(data)
        command = [
            binary,
            f"-env:UserInstallation={(folder / 'profile').as_uri()}",
            "--headless",
            "--norestore",
            "--nolockcheck",
            "--convert-to",
            "pdf",
            "--outdir",
            str(folder),
            str(source),
        ]
        # Own process group: soffice is a wrapper that forks soffice.bin, and a
        # timeout must stop both.
        process = subprocess.Popen(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            start_new_session=True,
        )
        try:
            _, stderr = process.communicate(timeout=LIBREOFFICE_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise ConversionError(
                f"LibreOffice did not finish converting it within "
                f"{LIBREOFFICE_TIMEOUT} seconds"
            ) from None
        result = folder / "attachment.pdf"
        if process.returncode != 0 or not result.is_file():
            detail = stderr.decode(errors="replace").strip()[:200]
            raise ConversionError(f"LibreOffice could not convert it ({detail})")
        return result.read_bytes()


def _render_docx(document: DocxDocument, paper: str) -> bytes:
    from docx.table import Table

    setter = Typesetter.create(paper=paper, unicode=True)
    flow = TextFlow(setter)
    flow.paragraph(CONVERTED_NOTE, size=8, color=_GRAY, after=12)
    for block in document.iter_inner_content():
        if isinstance(block, Table):
            _render_table(flow, block)
            continue
        style = block.style.name if block.style is not None else ""
        heading = _HEADINGS.get(style)
        if heading:
            size, before = heading
            flow.paragraph(block.text, size=size, bold=True, before=before, after=4)
        elif style.startswith("List"):
            flow.paragraph("\u2022 " + block.text, indent=14, after=2)
        else:
            flow.paragraph(block.text, after=6)
    return setter.output()


def _render_table(flow: TextFlow, table: Table) -> None:
    flow.paragraph("", after=2)
    for row in table.rows:
        cells: list[str] = []
        previous = None
        for cell in row.cells:
            # A merged cell comes back (as the same object) once per grid
            # column it spans.
            if cell is not previous:
                cells.append(" ".join(cell.text.split()))
            previous = cell
        flow.paragraph(" | ".join(cells), size=9.5, indent=8, after=2)
    flow.paragraph("", after=4)
