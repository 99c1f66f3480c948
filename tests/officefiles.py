"""Small real XLSX, PDF and DOCX files for tests, written without any network or template.

Zip entries are STORED (not deflated) so that a test searching output bytes for a
planted string would find it if the file were ever copied into a public build.
"""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import openpyxl


def write_xlsx(
    path: Path, sheets: dict[str, dict[str, object]], hidden: tuple[str, ...] = ()
) -> Path:
    """``sheets``: sheet name → {cell: value}; a value ``(number, format)`` sets a number format."""
    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    for name, cells in sheets.items():
        sheet = workbook.create_sheet(name)
        for ref, value in cells.items():
            if isinstance(value, tuple):
                sheet[ref] = value[0]
                sheet[ref].number_format = value[1]
            else:
                sheet[ref] = value
        if name in hidden:
            sheet.sheet_state = "hidden"
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_restored(buffer.getvalue()))
    return path


def save_workbook(path: Path, workbook: openpyxl.Workbook) -> Path:
    """A workbook built by the caller (comments, headers, formulas), saved stored."""
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_restored(buffer.getvalue()))
    return path


def _restored(data: bytes) -> bytes:
    """The same zip with every entry stored uncompressed."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w") as dst:
        for info in src.infolist():
            dst.writestr(info.filename, src.read(info), compress_type=zipfile.ZIP_STORED)
    return out.getvalue()


def _pdf_string(text: str) -> str:
    """A PDF text operand: ASCII as a literal string, anything else as UCS-2 hex."""
    if text.isascii():
        escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        return f"/F1 12 Tf ({escaped}) Tj"
    return f"/F2 12 Tf <{text.encode('utf-16-be').hex().upper()}> Tj"


def write_pdf(path: Path, pages: list[list[str]]) -> Path:
    """A PDF with one line of text per entry; Chinese uses the standard STSong-Light font."""
    objects: list[str] = []
    page_ids = [5 + 2 * n for n in range(len(pages))]
    objects.append("<< /Type /Catalog /Pages 2 0 R >>")
    kids = " ".join(f"{i} 0 R" for i in page_ids)
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>")
    objects.append("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    objects.append(
        "<< /Type /Font /Subtype /Type0 /BaseFont /STSong-Light /Encoding /UniGB-UCS2-H"
        " /DescendantFonts [<< /Type /Font /Subtype /CIDFontType2 /BaseFont /STSong-Light"
        " /CIDSystemInfo << /Registry (Adobe) /Ordering (GB1) /Supplement 2 >> >>] >>"
    )
    for number, lines in enumerate(pages):
        ops = []
        for row, text in enumerate(lines):
            ops.append(f"BT 72 {720 - 20 * row} Td {_pdf_string(text)} ET")
        stream = "\n".join(ops)
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents {page_ids[number] + 1} 0 R"
            " /Resources << /Font << /F1 3 0 R /F2 4 0 R >> >> >>"
        )
        objects.append(f"<< /Length {len(stream.encode())} >>\nstream\n{stream}\nendstream")
    body = b"%PDF-1.4\n"
    offsets = []
    for index, obj in enumerate(objects, start=1):
        offsets.append(len(body))
        body += f"{index} 0 obj\n{obj}\nendobj\n".encode()
    xref = len(body)
    body += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    body += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    body += (
        f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)
    return path


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _paragraphs(paragraphs: list[str]) -> str:
    from xml.sax.saxutils import escape

    runs = "".join(f"<w:p><w:r><w:t>{escape(p)}</w:t></w:r></w:p>" for p in paragraphs)
    return f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<w:document xmlns:w="{_W}"><w:body>{runs}</w:body></w:document>'


def write_docx(
    path: Path,
    paragraphs: list[str],
    header: list[str] | None = None,
    deleted: str | None = None,
    parts: dict[str, list[str]] | None = None,
) -> Path:
    """A minimal DOCX; ``deleted`` is added as a tracked deletion (w:delText); ``parts``:
    more parts (``word/footnotes.xml``, ``docProps/core.xml``…) → their paragraphs."""
    document = _paragraphs(paragraphs)
    if deleted is not None:
        tracked = f'<w:p><w:del w:id="1" w:author="x"><w:r><w:delText>{deleted}</w:delText></w:r></w:del></w:p>'
        document = document.replace("</w:body>", f"{tracked}</w:body>")
    files = {
        "[Content_Types].xml": (
            '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>'
            "</Types>"
        ),
        "_rels/.rels": (
            '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
            '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="word/document.xml"/>'
            "</Relationships>"
        ),
        "word/document.xml": document,
    }
    if header is not None:
        files["word/header1.xml"] = _paragraphs(header).replace("w:document", "w:hdr")
    for name, paragraphs_of_part in (parts or {}).items():
        files[name] = _paragraphs(paragraphs_of_part)
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as archive:
        for name, text in files.items():
            archive.writestr(name, text)
    return path
