"""Attachments shown inside the kiosk: PDF pages as images, CSV and XLSX as tables.

The hall's touch screen has no way back from Chromium's own PDF viewer or a
download, so the kiosk never links to an attachment itself: each one it can show
gets a page of its own (with the kiosk's bar and idle timer), and the others say
where to ask. PDF pages are rendered to PNG at build time (pypdfium2, PDFium);
rendering is slow, so a ``PageImages`` store may keep them by the PDF's digest
(``incremental/pageimages.py`` keeps them sealed, as every build cache is).
"""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from ..checks.confidential import decode_text
from .views import AttachmentView, ItemView

PAGE_WIDTH = 1400  # pixels: sharp on a 1080p screen, and zoomed in to twice that on screen
TABLE_ROWS = 300  # rows shown of a spreadsheet; the rest are at the counter or on the website
TABLE_FORMATS = {"CSV", "Excel"}


@dataclass(frozen=True)
class RenderedPdf:
    """Images of a PDF's first pages (PNG bytes) and how many pages it has in all."""

    count: int
    images: tuple[bytes, ...]
    digest: str = ""  # the PDF's SHA-256


def render_pdf(source: Path, limit: int) -> RenderedPdf:
    """The first ``limit`` pages of ``source`` as PNG images, each PAGE_WIDTH wide."""
    import pypdfium2  # loaded only by builds that have a PDF to show

    document = pypdfium2.PdfDocument(source)
    try:
        images = []
        for number in range(min(limit, len(document))):
            page = document[number]
            width = page.get_width() or 1
            bitmap = page.render(scale=PAGE_WIDTH / width)
            stream = io.BytesIO()
            bitmap.to_pil().save(stream, "PNG", optimize=True)
            images.append(stream.getvalue())
        return RenderedPdf(len(document), tuple(images))
    finally:
        document.close()


class PageImages:
    """Renders PDFs afresh every time; a cache overrides ``known`` and ``keep``."""

    def known(self, digest: str, limit: int) -> RenderedPdf | None:
        return None

    def keep(self, digest: str, limit: int, rendered: RenderedPdf) -> None:
        """Remember ``rendered`` for the PDF whose SHA-256 is ``digest``."""

    def render(self, source: Path, limit: int) -> RenderedPdf | None:
        """``source``'s pages, or None when PDFium cannot read it (the kiosk then
        says where to ask)."""
        digest = file_digest(source)
        rendered = self.known(digest, limit)
        if rendered is None:
            try:
                rendered = render_pdf(source, limit)
            except Exception:  # PDFium and Pillow raise their own errors for bad files
                return None
            self.keep(digest, limit, rendered)
        return RenderedPdf(rendered.count, rendered.images, digest)


def file_digest(path: Path) -> str:
    with path.open("rb") as stream:
        return hashlib.file_digest(stream, "sha256").hexdigest()


@dataclass(frozen=True)
class Sheet:
    name: str
    rows: list[list[str]]
    more: int  # rows left out past TABLE_ROWS


@dataclass
class Document:
    """One attachment as the kiosk shows it, on a page of its own."""

    item: ItemView
    attachment: AttachmentView
    number: int  # the attachment's place in the item, from 1
    pages: list[str] = field(default_factory=list)  # image URLs (root-relative)
    page_count: int = 0
    sheets: list[Sheet] = field(default_factory=list)
    images: list[bytes] = field(default_factory=list)  # PNG of each of ``pages``
    digest: str = ""  # the PDF's SHA-256

    @property
    def url(self) -> str:
        return kiosk_view_url(self.item, self.number)

    @property
    def folder(self) -> str:
        return self.url.removesuffix(".html") + "/"


def kiosk_view_url(item: ItemView, number: int) -> str:
    """Where the kiosk shows ``item``'s attachment ``number`` (from 1)."""
    return f"items/{item.id}/view-{number}.html"


def kiosk_shows(attachment: AttachmentView) -> bool:
    return attachment.is_pdf or attachment.file_type in TABLE_FORMATS


def read_sheets(source: Path) -> list[Sheet]:
    """The visible sheets of an XLSX, or a CSV as one sheet, as text rows."""
    if source.suffix.lower() == ".csv":
        rows = csv.reader(io.StringIO(decode_text(source.read_bytes())))
        return [_sheet("", rows)]
    import openpyxl  # XLSX only

    book = openpyxl.load_workbook(source, read_only=True, data_only=True)
    try:
        return [
            _sheet(
                sheet.title, ([_cell(v) for v in row] for row in sheet.iter_rows(values_only=True))
            )
            for sheet in book.worksheets
            if sheet.sheet_state == "visible"
        ]
    finally:
        book.close()


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _sheet(name: str, rows: Iterator[list[str]]) -> Sheet:
    kept: list[list[str]] = []
    more = 0
    for row in rows:
        if not any(cell.strip() for cell in row):
            continue
        if len(kept) < TABLE_ROWS:
            kept.append(row)
        else:
            more += 1
    width = max((len(r) for r in kept), default=0)
    return Sheet(name, [r + [""] * (width - len(r)) for r in kept], more)


def documents(item: ItemView) -> Iterator[Document]:
    for number, attachment in enumerate(item.attachments, start=1):
        if kiosk_shows(attachment):
            yield Document(item, attachment, number)


def prepare_document(document: Document, images: PageImages, limit: int) -> bool:
    """Read what ``document`` shows (a PDF's page images, a spreadsheet's rows);
    False when the file cannot be shown."""
    source = document.attachment.source
    if document.attachment.is_pdf:
        rendered = images.render(source, limit)
        if rendered is None or not rendered.images:
            return False
        document.page_count = rendered.count
        document.digest = rendered.digest
        for number, image in enumerate(rendered.images, start=1):
            document.pages.append(f"{document.folder}page-{number}.png")
            document.images.append(image)
        return True
    try:
        document.sheets = read_sheets(source)
    except (OSError, ValueError, KeyError, zipfile.BadZipFile, csv.Error):
        return False
    return True
