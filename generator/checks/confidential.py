"""The confidentiality check (保密审查, 细则第七条): 个人隐私 and 国家秘密 are never disclosed.

Every external item's front matter, body and attachments (CSV/TXT by line, XLSX by
cell, PDF by page, DOCX by paragraph) are searched for resident ID numbers, mobile
numbers, bank card numbers and 密级 markings. A hit is an error naming where it is
and the value MASKED: the report itself lands in CI logs and terminals, so it must
never repeat what it protects.

Precision matters as much as recall, or staff learn to ignore the check: numbers
are confirmed by their check digits (GB 11643 for ID numbers, Luhn for cards),
17-digit codes that are 统一社会信用代码 are let through, digit runs are matched
whole (a mobile number is never part of a longer number, an amount or a decimal),
and 秘密 is only a marking when it looks like one (``机密★一年``, ``密级：秘密``,
or a line of its own), never the word in ``保守秘密`` or ``商业秘密``.

Numbers the bureau publishes on purpose are listed in catalog.yaml
(``confidentiality.allow``); an item carries its own reviewed exceptions as
``exemptions: [{value, reason}]`` in its front matter, which the approval digest
covers and the approval register shows (masked).
"""

from __future__ import annotations

import datetime as dt
import logging
import re
import unicodedata
import warnings
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from xml.etree import ElementTree as ET

from ..problems import Problem
from ..source.config import Config, uscc_check_char
from ..source.guard import symlinked
from ..source.items import Item
from ..source.yamlsource import LineList, LineMap

# kind → (code for external items, name used in messages)
KINDS = {
    "id": ("P701", "居民身份证号码"),
    "mobile": ("P702", "手机号码"),
    "bank": ("P703", "银行卡号"),
    "classified": ("P704", "密级标志"),
}
PERSONAL = ("id", "mobile", "bank")
TEXT_SUFFIXES = {".csv", ".txt"}
SCANNED_SUFFIXES = TEXT_SUFFIXES | {".xlsx", ".xlsm", ".pdf", ".docx"}
# A zipped Office file that unpacks to more than this is a zip bomb, not a report.
UNPACKED_LIMIT = 200 * 1024 * 1024


@dataclass(frozen=True)
class Finding:
    """One sensitive value found in one piece of text."""

    kind: str
    value: str  # as found (NFKC-normalised); never printed
    masked: str

    @property
    def key(self) -> str:
        return canonical(self.value)


def canonical(value: str) -> str:
    """The form allow-list entries, exemptions and findings are compared in."""
    return re.sub(r"[\s\-—]", "", unicodedata.normalize("NFKC", value)).upper()  # x or X


# ---------------------------------------------------------------- detection

# GB 11643-1999: 6-digit region, 8-digit birth date, 3-digit sequence, check character.
_ID = re.compile(r"(?<![0-9A-Za-z])\d{17}[0-9Xx](?![0-9A-Za-z])")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_PROVINCES = {
    *range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47),
    *range(50, 55), *range(61, 66), 71, 81, 82, 83,
}  # fmt: skip

# Digits may be grouped 3-4-4 with spaces or hyphens; never part of a longer number
# or of a decimal (13812345678.50 is an amount in yuan).
_MOBILE = re.compile(
    r"(?<![\d.])(?:(?:\+|00)?86[ -]?)?(1[3-9]\d)([ -]?)(\d{4})\2(\d{4})(?!\d|\.\d)"
)
# Card numbers start 3-6 (ISO/IEC 7812: travel, banking, finance), 4-4-4-4(-3) or 6-13.
_CARD = re.compile(
    r"(?<![\d.])(?:[3-6]\d{15,18}"
    r"|[3-6]\d{3}(?P<sep>[ -])\d{4}(?:(?P=sep)\d{4}){2}(?:(?P=sep)\d{1,3})?"
    r"|[3-6]\d{5}[ -]\d{10,13})(?!\d|\.\d)"
)

_LEVEL = r"(?:绝密|机密|秘密)"
_PERIOD = r"(?:[〇一二三四五六七八九十\d]+\s*(?:年|个月)|长期)"
_STARRED = re.compile(rf"{_LEVEL}\s*[★☆]\s*{_PERIOD}?")
# ``[\s*_]*(?:[:|][\s*_]*)?`` is ``[\s*_]*[:|]?[\s*_]*`` without two adjacent runs of one
# class, which made a long run of ``_`` after 密级 take quadratic time (finding 7).
_DECLARED = re.compile(rf"密\s*级[\s*_]*(?:[:|][\s*_]*)?{_LEVEL}(?:\s*[★☆]\s*{_PERIOD}?)?")
# A line (or table cell) that says nothing but the level, Markdown emphasis allowed.
_ALONE = re.compile(rf"^[\s#>*_|]*({_LEVEL}(?:\s*{_PERIOD})?)[\s*_|]*$")
# Something every pattern above must contain: a mobile prefix (1[3-9]\d), a card's
# first four digits, an ID number's 17 digits, or the 密 of every marking. Most lines
# (dates, prose) have none, and one scan for this is cheaper than running them all.
_CANDIDATE = re.compile(r"1[3-9]\d|[3-6]\d{3}|\d{17}|密")


def valid_id_number(number: str) -> bool:
    number = number.upper()
    if int(number[:2]) not in _PROVINCES:
        return False
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    if not dt.date(1900, 1, 1) <= born <= dt.date.today():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17]


def luhn(digits: str) -> bool:
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2:
            value = value * 2 - 9 if value > 4 else value * 2
        total += value
    return total % 10 == 0


def _is_uscc(digits: str) -> bool:
    """An all-digit 统一社会信用代码 (GB 32100) is an organisation, not a person's card."""
    return len(digits) == 18 and uscc_check_char(digits[:17]) == digits[17]


def mask_id(number: str) -> str:
    return f"{number[:6]}********{number[-4:]}"


def mask_mobile(digits: str) -> str:
    return f"{digits[:3]}****{digits[-4:]}"


def mask_card(digits: str) -> str:
    return f"{digits[:4]} **** **** {digits[-4:]}"


def find(text: str) -> list[Finding]:
    """Every sensitive value in one line or cell of text."""
    text = unicodedata.normalize("NFKC", text)  # full-width digits are digits
    if not _CANDIDATE.search(text):
        return []
    found: list[Finding] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    for match in _ID.finditer(text):
        number = match.group()
        if valid_id_number(number):
            found.append(Finding("id", number, mask_id(number.upper())))
            taken.append(match.span())
    for match in _CARD.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if free(*match.span()) and luhn(digits) and not _is_uscc(digits):
            found.append(Finding("bank", match.group(), mask_card(digits)))
            taken.append(match.span())
    for match in _MOBILE.finditer(text):
        if free(*match.span()):
            digits = "".join(match.group(1, 3, 4))
            found.append(Finding("mobile", match.group(), mask_mobile(digits)))
            taken.append(match.span())
    markings = [m.group().strip() for m in (*_STARRED.finditer(text), *_DECLARED.finditer(text))]
    alone = _ALONE.match(text)
    if alone and not markings:
        markings.append(alone.group(1).strip())
    for marking in dict.fromkeys(markings):
        found.append(Finding("classified", marking, marking))
    return found


def mask(value: str) -> str:
    """The masked form of any value staff wrote (an exemption, an allow-list entry)."""
    found = find(value)
    if found:
        return found[0].masked
    text = value.strip()
    keep = max(1, len(text) // 4)
    return text[:keep] + "*" * max(3, len(text) - 2 * keep) + text[-keep:]


# ---------------------------------------------------------------- attachments


class Unreadable(Exception):
    """An attachment whose text cannot be extracted; the message is Chinese."""


def _cell_text(cell: Any) -> str | None:
    value = cell.value
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        # Amounts are formatted (#,##0.00); a bare General number may be a phone typed
        # into Excel, which stores it as a number.
        number_format = str(getattr(cell, "number_format", "General") or "General")
        if number_format not in ("General", "0", "@"):
            return None
        if isinstance(value, float):
            if not value.is_integer():
                return None
            value = int(value)
        return str(value)
    return str(value)


def _xlsx_texts(file: Path) -> Iterator[tuple[str, str]]:
    import openpyxl  # imported here: only items with spreadsheets pay for it

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about styles it ignores
        workbook = openpyxl.load_workbook(file, read_only=True, data_only=True)
    try:
        for sheet in workbook.worksheets:  # hidden sheets too: a classic leak
            for row in sheet.iter_rows():
                for cell in row:
                    text = _cell_text(cell)
                    if text and hasattr(cell, "coordinate"):
                        yield f"{sheet.title}!{cell.coordinate}", text
    finally:
        workbook.close()


def _pdf_texts(file: Path) -> Iterator[tuple[str, str]]:
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings are not for staff
    reader = PdfReader(file)
    if reader.is_encrypted and not reader.decrypt(""):
        raise Unreadable("PDF 文件已加密")
    for number, page in enumerate(reader.pages, start=1):
        yield f"第 {number} 页", page.extract_text() or ""


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_TEXT_TAGS = {f"{_W}t", f"{_W}delText"}
_DOCX_PARTS = (("word/document.xml", ""), ("word/header", "页眉"), ("word/footer", "页脚"))


def _docx_texts(file: Path) -> Iterator[tuple[str, str]]:
    with zipfile.ZipFile(file) as archive:
        names = archive.namelist()
        if "word/document.xml" not in names:
            raise Unreadable("不是有效的 DOCX 文件")
        for prefix, label in _DOCX_PARTS:
            for name in sorted(n for n in names if n.startswith(prefix) and n.endswith(".xml")):
                root = ET.fromstring(archive.read(name))
                for number, paragraph in enumerate(root.iter(f"{_W}p"), start=1):
                    # Tracked deletions (w:delText) stay in the file and open in Word.
                    runs = (e for e in paragraph.iter() if e.tag in _TEXT_TAGS)
                    yield f"{label}第 {number} 段", "".join(r.text or "" for r in runs)


def _plain_texts(file: Path) -> Iterator[tuple[str, str]]:
    data = file.read_bytes()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel in China saves CSV as GBK; scanning for digits works in any decoding.
        text = data.decode("gb18030", errors="replace")
    for number, line in enumerate(text.splitlines(), start=1):
        yield f"第 {number} 行", line


def _check_unpacked_size(file: Path) -> None:
    try:
        with zipfile.ZipFile(file) as archive:
            size = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise Unreadable("文件已损坏，或不是 Office 文件") from None
    if size > UNPACKED_LIMIT:
        raise Unreadable("解压后过大，疑似损坏或恶意构造的文件")


def attachment_texts(file: Path) -> Iterator[tuple[str, str]]:
    """(location, text) for every line, cell, page or paragraph of an attachment."""
    suffix = file.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        yield from _plain_texts(file)
    elif suffix in (".xlsx", ".xlsm"):
        _check_unpacked_size(file)
        yield from _xlsx_texts(file)
    elif suffix == ".docx":
        _check_unpacked_size(file)
        yield from _docx_texts(file)
    elif suffix == ".pdf":
        yield from _pdf_texts(file)


_cache: dict[tuple[str, int, int], list[tuple[str, Finding]]] = {}


def scan_attachment(file: Path) -> list[tuple[str, Finding]]:
    """(location, finding) for one attachment; raises Unreadable.

    Cached by path, size and mtime: ``catalogue serve`` re-validates on every save,
    and a large PDF should not be re-read when only the Markdown changed.
    """
    stat = file.stat()
    key = (str(file), stat.st_size, stat.st_mtime_ns)
    if key not in _cache:
        try:
            _cache[key] = [
                (where, f)
                for where, text in attachment_texts(file)
                for row in text.split("\n")  # a PDF page is many lines
                for f in find(row)
            ]
        except Unreadable:
            raise
        except Exception as exc:  # any parser's error on a hostile file is the same to staff
            raise Unreadable(_describe(exc)) from exc
        if len(_cache) > 512:
            _cache.pop(next(iter(_cache)))
    return _cache[key]


def _describe(exc: Exception) -> str:
    if isinstance(exc, zipfile.BadZipFile):
        return "文件已损坏，或不是 Office 文件"
    name = type(exc).__name__
    if "Pdf" in name or "pdf" in type(exc).__module__:
        return "PDF 文件已损坏或格式不受支持"
    return f"{name}: {str(exc)[:80]}"


# ---------------------------------------------------------------- items


def _scalar_text(value: Any) -> str | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))  # YAML reads a bare 13812345678.0 as a float
    if isinstance(value, str | int | float):
        return str(value)
    return None


def _front_matter_texts(value: Any, label: str, line: int) -> Iterator[tuple[str, int, str]]:
    if isinstance(value, LineMap):
        for key, child in value.items():
            if label.startswith("exemptions") and key == "value":
                continue  # the exempted value itself, by definition
            yield from _front_matter_texts(child, f"{label}.{key}", value.line_of(key))
    elif isinstance(value, LineList):
        for index, child in enumerate(value):
            yield from _front_matter_texts(child, label, value.line_of(index))
    elif isinstance(value, list | dict):  # plain containers carry no lines
        children = value.values() if isinstance(value, dict) else value
        for child in children:
            yield from _front_matter_texts(child, label, line)
    else:
        text = _scalar_text(value)
        if text:
            for row in text.split("\n"):
                yield label, line, row


@dataclass(frozen=True)
class Hit:
    where: str  # Chinese: which part of the item, e.g. 正文, 附件“a.xlsx”Sheet1!C7
    line: int
    finding: Finding


def _item_findings(item: Item) -> tuple[list[Hit], list[Problem]]:
    found: list[Hit] = []
    problems: list[Problem] = []
    for key, value in item.raw.items():
        if key == "approvals":
            continue  # names, dates and digests: written by the tool, not the author
        for label, line, text in _front_matter_texts(value, str(key), item.line_of(str(key))):
            found += [Hit(f"前言“{label}”", line, f) for f in find(text)]
    for offset, text in enumerate(item.body.split("\n")):
        found += [Hit("正文", item.body_line + offset, f) for f in find(text)]
    for attachment in item.meta.attachments:
        file = item.attachment_files.get(attachment.path) if attachment.path else None
        if file is None or symlinked(item.folder, item.folder / attachment.path):
            continue  # L402/L406 already refuse it
        try:
            if not file.is_file():
                continue  # L401
        except OSError:
            continue
        here = (item.path, attachment.line)
        suffix = file.suffix.lower()
        if suffix not in SCANNED_SUFFIXES:
            problems.append(
                Problem.make("P707", *here, file=attachment.path, suffix=suffix or "无扩展名")
            )
            continue
        try:
            hits = scan_attachment(file)
        except (Unreadable, OSError) as exc:
            detail = str(exc) if isinstance(exc, Unreadable) else (exc.strerror or str(exc))
            problems.append(Problem.make("P706", *here, file=attachment.path, detail=detail))
            continue
        found += [Hit(f"附件“{attachment.path}”{w}", attachment.line, f) for w, f in hits]
    return found, problems


def confidentiality_problems(item: Item, config: Config) -> list[Problem]:
    """Every confidentiality hit in ``item`` not allowed by catalog.yaml or exempted by it.

    External items are blocked. Internal items (对内公开, staff only) are not: a staff
    contact list with mobile numbers is a legitimate internal notice, so personal data
    there is a warning for the approver to weigh. A 密级 marking is an error in both:
    national secrets may not sit on the ordinary office network at all (保密法).
    """
    found, problems = _item_findings(item)
    allowed = {
        canonical(v) for v in (config.confidentiality.allow if config.confidentiality else [])
    }
    exempted = {canonical(e.value): e for e in item.meta.exemptions if e.value}
    used: set[str] = set()
    seen: set[tuple[str, str]] = set()
    for hit in found:
        key = hit.finding.key
        if key in allowed:
            continue
        if key in exempted:
            used.add(key)
            continue
        if (hit.where, key) in seen:
            continue  # the same value twice in one paragraph or cell
        seen.add((hit.where, key))
        kind = hit.finding.kind
        code, name = KINDS[kind]
        if item.scope == "internal" and kind in PERSONAL:
            code = "P705"
        problems.append(
            Problem.make(
                code,
                item.path,
                hit.line,
                where=hit.where,
                masked=hit.finding.masked,
                kind=name,
            )
        )
    for key, exemption in exempted.items():
        if key not in used:
            problems.append(
                Problem.make("P708", item.path, exemption.line, masked=mask(exemption.value))
            )
    return problems


def exemption_rows(item: Item) -> list[tuple[str, str]]:
    """(masked value, reason) of each exemption, for the approval register."""
    return [(mask(e.value), e.reason) for e in item.meta.exemptions if e.value and e.reason]
