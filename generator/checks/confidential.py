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

import codecs
import datetime as dt
import html
import io
import logging
import posixpath
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any
from xml.etree import ElementTree as ET

from ..problems import Problem
from ..source.config import Config, uscc_check_char
from ..source.guard import symlinked
from ..source.items import Item
from ..source.rendered import reader_form, rendered
from ..source.yamlsource import LineList, LineMap
from .structure import structure_problems

# kind → (code for external items, name used in messages)
KINDS = {
    "id": ("P701", "居民身份证号码"),
    "mobile": ("P702", "手机号码"),
    "bank": ("P703", "银行卡号"),
    "classified": ("P704", "密级标志"),
}
PERSONAL = ("id", "mobile", "bank")
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
    return re.sub(r"[\s\-—.()]", "", reader_form(value)).upper()  # x or X


# ---------------------------------------------------------------- detection

# GB 11643-1999: 6-digit region, 8-digit birth date, 3-digit sequence, check character;
# the first generation (GB 11643-1989) had 15 digits: a 6-digit date (19yymmdd), no check.
# People write them whole, or grouped (6-8-4, 3-3-4-4-4) with spaces, hyphens or dots:
# a run of digit groups is matched once, without backtracking (possessive quantifiers,
# and no start right after a digit and a separator), and every window of whole groups
# that holds 15 or 18 digits is tried.
_DIGIT_RUN = re.compile(r"(?<![0-9A-Za-z.])(?<!\d[ \-.])\d++(?:[ \-.]\d++)*+[Xx]?+(?![0-9A-Za-z])")
_GROUP = re.compile(r"\d+[Xx]?")
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_PROVINCES = {
    *range(11, 16), *range(21, 24), *range(31, 38), *range(41, 47),
    *range(50, 55), *range(61, 66), 71, 81, 82, 83,
}  # fmt: skip

# Digits may be grouped 3-4-4 with spaces, hyphens or dots, the first group may be in
# brackets; never part of a longer number or of a decimal (13812345678.50 is an amount
# in yuan), and a dot only where both separators are dots (138.12345678 is a number).
_MOBILE = re.compile(
    r"(?<![\d.])(?:(?:\+|00)?86[ -]?)?(?:\((1[3-9]\d)\)|(1[3-9]\d))"
    r"([ \-.]?)(\d{4})([ \-.]?)(\d{4})(?!\d|\.\d)"
)
# Card numbers start 3-6 (ISO/IEC 7812: travel, banking, finance), 4-4-4-4(-3) or 6-13.
_CARD = re.compile(
    r"(?<![\d.])(?:[3-6]\d{15,18}"
    r"|[3-6]\d{3}(?P<sep>[ -])\d{4}(?:(?P=sep)\d{4}){2}(?:(?P=sep)\d{1,3})?"
    r"|[3-6]\d{5}[ -]\d{10,13})(?!\d|\.\d)"
)

# The levels in simplified or traditional characters, spaced or not (``机 密``).
_LEVEL = r"(?:[绝絕机機][ \t]*密|秘[ \t]*密)"
_PERIOD = r"(?:[〇一二三四五六七八九十\d]+\s*(?:年|个月|個月)|长期|長期)"
# The star of a marking; an ASCII * only before a period (``秘密*五年``), since
# Markdown emphasis puts * beside words.
_STAR = r"[★☆✩✪✫✬✭✮✯✰⭐]"
_STARRED = re.compile(rf"{_LEVEL}\s*+(?:{_STAR}\s*+{_PERIOD}?|\*\s*+{_PERIOD})")
_LEADING = re.compile(rf"{_STAR}\s*+{_LEVEL}(?:\s*+{_STAR}?\s*+{_PERIOD})?")
# ``密级：秘密``; possessive, so a long run of underscores after 密级 is read once.
_DECLARED = re.compile(rf"密\s*+[级級][\s*_:|]*+{_LEVEL}(?:\s*+{_STAR}\s*+{_PERIOD}?)?")
# A line (or table cell) that says nothing but the level, Markdown emphasis allowed.
_ALONE = re.compile(rf"^[\s#>*_|]*+({_LEVEL}(?:\s*+{_PERIOD})?)[\s*_|]*+$")
# Something every pattern above must contain: ten characters of a number (digits,
# separators, brackets) or the 密 of every marking. Most lines (dates, prose) have
# none, and one scan for this is cheaper than running them all.
_CANDIDATE = re.compile(r"\d[\d \-.()]{9}|密")


def _born(year: int, month: int, day: int) -> bool:
    try:
        born = dt.date(year, month, day)
    except ValueError:
        return False
    return dt.date(1900, 1, 1) <= born <= dt.date.today()


def valid_id_number(number: str) -> bool:
    """An 18-character (GB 11643-1999) or 15-digit (first-generation) ID number."""
    number = number.upper()
    if not number[:-1].isdigit() or int(number[:2]) not in _PROVINCES:
        return False
    if len(number) == 15:
        return number.isdigit() and _born(
            1900 + int(number[6:8]), int(number[8:10]), int(number[10:12])
        )
    if len(number) != 18:
        return False
    if not _born(int(number[6:10]), int(number[10:12]), int(number[12:14])):
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11] == number[17]


def _id_numbers(text: str) -> Iterator[tuple[int, int, str]]:
    """(start, end, digits) of every ID number, whole or grouped."""
    for run in _DIGIT_RUN.finditer(text):
        groups = list(_GROUP.finditer(run.group()))
        base = run.start()
        for first, group in enumerate(groups):
            if len(group.group()) < 3 and first < len(groups) - 1:
                continue  # 2024-07-10: dates and short codes are not ID groups
            digits = ""
            for last in range(first, len(groups)):
                part = groups[last].group()
                if last > first and len(part) < 3 and last < len(groups) - 1:
                    break
                digits += part
                if len(digits) > 18:
                    break
                x_inside = "X" in digits.upper()[:-1]
                if x_inside:
                    break
                if len(digits) in (15, 18) and valid_id_number(digits):
                    yield base + group.start(), base + groups[last].end(), digits.upper()
                    break


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
    return f"{number[:6]}{'*' * (len(number) - 10)}{number[-4:]}"


def mask_mobile(digits: str) -> str:
    return f"{digits[:3]}****{digits[-4:]}"


def mask_card(digits: str) -> str:
    return f"{digits[:4]} **** **** {digits[-4:]}"


def find(text: str) -> list[Finding]:
    """Every sensitive value in one line or cell of text, as a reader reads it."""
    text = reader_form(text)  # full-width digits are digits; invisible characters are not
    if not _CANDIDATE.search(text):
        return []
    found: list[Finding] = []
    taken: list[tuple[int, int]] = []

    def free(start: int, end: int) -> bool:
        return all(end <= s or start >= e for s, e in taken)

    for start, end, number in _id_numbers(text):
        if free(start, end):
            found.append(Finding("id", text[start:end], mask_id(number)))
            taken.append((start, end))
    for match in _CARD.finditer(text):
        digits = re.sub(r"\D", "", match.group())
        if free(*match.span()) and luhn(digits) and not _is_uscc(digits):
            found.append(Finding("bank", match.group(), mask_card(digits)))
            taken.append(match.span())
    for match in _MOBILE.finditer(text):
        first, second = match.group(3, 5)
        if (first == ".") != (second == "."):
            continue  # 138.12345678 is a number with decimals
        if free(*match.span()):
            digits = (match.group(1) or match.group(2)) + match.group(4) + match.group(6)
            found.append(Finding("mobile", match.group(), mask_mobile(digits)))
            taken.append(match.span())
    markings = [
        m.group().strip()
        for pattern in (_STARRED, _LEADING, _DECLARED)
        for m in pattern.finditer(text)
    ]
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


# A file is read from disk, or (a ZIP's member) from memory.
Source = Path | io.BytesIO


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _xml(archive: zipfile.ZipFile, name: str) -> ET.Element:
    return ET.fromstring(archive.read(name))


# Elements whose text is read as one line though it is split into runs: paragraphs
# (w:p, a:p), shared strings and inline strings (si, is), comments (text).
_JOINED = {"p", "si", "is", "text", "comment", "threadedComment"}
# Attributes shown to readers: alternative text and titles of pictures and shapes.
_SHOWN = ("descr", "title")


def _xml_texts(root: ET.Element) -> Iterator[str]:
    """Every text of an XML part, runs of one paragraph joined; for parts whose layout
    the check does not know (properties, drawings, charts, comments)."""
    stack = [root]
    while stack:
        element = stack.pop()
        for name in _SHOWN:
            if value := element.get(name):
                yield value
        if _local(element.tag) in _JOINED:
            yield "".join(element.itertext())
            continue
        if element.text and element.text.strip():
            yield element.text
        stack.extend(reversed(element))


def _package_texts(
    archive: zipfile.ZipFile, done: set[str], label: str = "文档属性"
) -> Iterator[tuple[str, str]]:
    """The text of every XML part not read yet (document properties, custom XML,
    drawings, charts, comments), labelled by part."""
    for name in sorted(archive.namelist()):
        if name in done or not name.endswith((".xml", ".rels")) or name.endswith(".rels"):
            continue
        where = label if name.startswith("docProps/") else f"“{name}”"
        for text in _xml_texts(_xml(archive, name)):
            yield where, text


# ------------------------------------------------------------------ XLSX

_S = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
_R_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_BUILTIN_FORMATS = {0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 49: "@"}
_FORMAT_TOKEN = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]|[_*].|.', re.DOTALL)
_HEADER_CODE = re.compile(r'&(?:"[^"]*"|\d+|[A-Za-z&])')
_FORMULA_STRING = re.compile(r'"((?:[^"]|"")*)"')


def shown_number(value: float, number_format: str) -> str | None:
    """How Excel shows an integer through ``number_format``, or None for what is not
    read as a whole number: amounts (decimals, thousands), percentages, dates, times.

    ``00000000000`` and ``#`` show every digit, ``000-0000-0000`` adds hyphens: a
    mobile number typed into Excel is stored as a number and shown through them."""
    if value != value or value in (float("inf"), float("-inf")):
        return None
    tokens = _FORMAT_TOKEN.findall(number_format)
    if ";" in tokens:
        tokens = tokens[: tokens.index(";")]  # the format for positive numbers
    if "".join(tokens).strip().lower() in ("", "general", "@"):
        return str(int(value)) if float(value).is_integer() else None
    placeholders = [i for i, t in enumerate(tokens) if t in ("0", "#", "?")]
    if not placeholders:
        return None
    for token in tokens:
        if len(token) == 1 and token.lower() in ".,%e/ymdhs":
            return None  # an amount, a percentage, a fraction or a date
    digits = str(round(abs(value)))
    out: list[str] = []
    for index in range(len(tokens) - 1, -1, -1):
        token = tokens[index]
        if index in placeholders:
            if index == placeholders[0]:
                rest, digits = digits, ""
                out.append(rest or {"0": "0", "#": "", "?": " "}[token])
            elif digits:
                out.append(digits[-1])
                digits = digits[:-1]
            else:
                out.append({"0": "0", "#": "", "?": " "}[token])
        elif token.startswith('"'):
            out.append(token[1:-1])
        elif token.startswith("\\"):
            out.append(token[1:])
        elif token.startswith("_"):
            out.append(" ")
        elif token.startswith(("*", "[")):
            continue
        else:
            out.append(token)
    return ("-" if value < 0 else "") + "".join(reversed(out))


def _cell_formats(archive: zipfile.ZipFile) -> list[str]:
    """The number format of each cell style (a cell's ``s``)."""
    if "xl/styles.xml" not in archive.namelist():
        return []
    styles = _xml(archive, "xl/styles.xml")
    custom = {
        int(f.get("numFmtId", "-1")): f.get("formatCode", "") for f in styles.iter(f"{_S}numFmt")
    }
    formats: list[str] = []
    for xfs in styles.iter(f"{_S}cellXfs"):
        for xf in xfs.iter(f"{_S}xf"):
            number = int(xf.get("numFmtId", "0"))
            formats.append(custom.get(number) or _BUILTIN_FORMATS.get(number, "date"))
    return formats


def _relations(archive: zipfile.ZipFile, part: str) -> dict[str, str]:
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    if rels not in archive.namelist():
        return {}
    return {
        r.get("Id", ""): posixpath.normpath(posixpath.join(folder, r.get("Target", "")))
        if not r.get("Target", "").startswith("/")
        else r.get("Target", "").lstrip("/")
        for r in _xml(archive, rels)
    }


def _formula_texts(formula: str) -> Iterator[str]:
    """A formula as written, and its string constants run together: a value without a
    cached result is shown once Excel computes it (``="1381234"&"5678"``)."""
    yield formula
    constants = _FORMULA_STRING.findall(formula)
    if constants:
        yield "".join(c.replace('""', '"') for c in constants)


def _sheet_texts(
    archive: zipfile.ZipFile,
    part: str,
    title: str,
    shared: list[str],
    formats: list[str],
    used: set[int],
) -> Iterator[tuple[str, str]]:
    with archive.open(part) as stream:
        for _, element in ET.iterparse(stream):
            tag = _local(element.tag)
            if tag == "c":
                ref = f"{title}!{element.get('r', '')}"
                kind = element.get("t", "n")
                value = element.find(f"{_S}v")
                text = value.text if value is not None else None
                formula = element.find(f"{_S}f")
                if formula is not None and formula.text:
                    for written in _formula_texts(formula.text):
                        yield f"{ref}（公式）", written
                if kind == "s" and text is not None and text.strip().isdigit():
                    index = int(text)
                    if index < len(shared):
                        used.add(index)
                        yield ref, shared[index]
                elif kind == "inlineStr":
                    inline = element.find(f"{_S}is")
                    if inline is not None:
                        yield ref, "".join(inline.itertext())
                elif kind in ("str", "e", "d") and text:
                    yield ref, text
                elif kind == "n" and text:
                    style = int(element.get("s", "0") or 0)
                    number_format = formats[style] if style < len(formats) else "General"
                    try:
                        shown = shown_number(float(text), number_format)
                    except ValueError:
                        shown = text
                    if shown:
                        yield ref, shown
                element.clear()
            elif tag in (
                "oddHeader", "oddFooter", "evenHeader", "evenFooter", "firstHeader", "firstFooter",
            ):  # fmt: skip
                yield f"{title}页眉页脚", _HEADER_CODE.sub(" ", element.text or "")
            elif tag == "row":
                element.clear()


def _xlsx_texts(source: Source) -> Iterator[tuple[str, str]]:
    with zipfile.ZipFile(source) as archive:
        names = set(archive.namelist())
        if "xl/workbook.xml" not in names:
            raise Unreadable("不是有效的 XLSX 文件")
        done = {"xl/workbook.xml", "xl/styles.xml"}
        shared: list[str] = []
        if "xl/sharedStrings.xml" in names:
            shared = ["".join(si.itertext()) for si in _xml(archive, "xl/sharedStrings.xml")]
            done.add("xl/sharedStrings.xml")  # every one is read through its cells
        formats = _cell_formats(archive)
        relations = _relations(archive, "xl/workbook.xml")
        workbook = _xml(archive, "xl/workbook.xml")
        used: set[int] = set()
        for sheet in workbook.iter(f"{_S}sheet"):  # hidden sheets too: a classic leak
            title = sheet.get("name", "")
            yield "工作表名称", title
            part = relations.get(sheet.get(_R_ID, ""), "")
            if part in names and part not in done:
                done.add(part)
                yield from _sheet_texts(archive, part, title, shared, formats, used)
                for related in _relations(archive, part).values():
                    if "comment" in related.lower() and related in names:
                        done.add(related)  # notes and threaded comments, by cell
                        for comment in _xml(archive, related).iter():
                            if _local(comment.tag) in ("comment", "threadedComment"):
                                where = f"{title}!{comment.get('ref', '')}批注"
                                yield where, "".join(comment.itertext())
        for defined in workbook.iter(f"{_S}definedName"):
            yield f"名称“{defined.get('name', '')}”", defined.text or ""
        for index, text in enumerate(shared):  # no cell shows it, but it is in the file
            if index not in used:
                yield "共享字符串", text
        yield from _package_texts(archive, done)


# ------------------------------------------------------------------ PDF


def _pdf_value_texts(value: Any, depth: int = 0) -> Iterator[str]:
    """The strings of a PDF object (an annotation, a form field), nested a few levels."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, TextStringObject

    if depth > 4:
        return
    if isinstance(value, IndirectObject):
        value = value.get_object()
    if isinstance(value, TextStringObject | str):
        yield str(value)
    elif isinstance(value, DictionaryObject):
        for key, child in value.items():
            if key not in ("/Parent", "/P", "/Popup", "/IRT"):
                yield from _pdf_value_texts(child, depth + 1)
    elif isinstance(value, ArrayObject):
        for child in value:
            yield from _pdf_value_texts(child, depth + 1)


def _pdf_texts(source: Source) -> Iterator[tuple[str, str]]:
    from pypdf import PdfReader

    logging.getLogger("pypdf").setLevel(logging.ERROR)  # its warnings are not for staff
    reader = PdfReader(source)
    if reader.is_encrypted and not reader.decrypt(""):
        raise Unreadable("PDF 文件已加密")
    for key, value in (reader.metadata or {}).items():
        yield f"文档属性 {key.lstrip('/')}", str(value)
    xmp = reader.trailer["/Root"].get("/Metadata")
    if xmp is not None:
        for text in _xml_texts(ET.fromstring(xmp.get_object().get_data())):
            yield "文档属性（XMP）", text
    for number, page in enumerate(reader.pages, start=1):
        yield f"第 {number} 页", page.extract_text() or ""
        for annotation in page.get("/Annots") or []:
            for text in _pdf_value_texts(annotation):
                yield f"第 {number} 页批注", text
    for name, field in (reader.get_fields() or {}).items():
        yield f"表单域“{name}”", str(field.get("/V", "") or "")
    for title in _outline_titles(reader.outline):
        yield "书签", title


def _outline_titles(outline: Any, depth: int = 0) -> Iterator[str]:
    for entry in outline or []:
        if isinstance(entry, list):
            if depth < 20:
                yield from _outline_titles(entry, depth + 1)
        elif getattr(entry, "title", None):
            yield str(entry.title)


# ------------------------------------------------------------------ DOCX

_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
# Text, tracked deletions (w:delText: they stay in the file and open in Word) and field
# instructions (a HYPERLINK "tel:…" field).
_TEXT_TAGS = {f"{_W}t", f"{_W}delText", f"{_W}instrText"}
_DOCX_LABELS = (
    ("word/document", ""),
    ("word/header", "页眉"),
    ("word/footer", "页脚"),
    ("word/footnotes", "脚注"),
    ("word/endnotes", "尾注"),
    ("word/comments", "批注"),
)


def _docx_texts(source: Source) -> Iterator[tuple[str, str]]:
    with zipfile.ZipFile(source) as archive:
        names = archive.namelist()
        if "word/document.xml" not in names:
            raise Unreadable("不是有效的 DOCX 文件")
        done: set[str] = set()
        parts = sorted(n for n in names if n.startswith("word/") and n.endswith(".xml"))
        # The document first, then its headers, footers, notes and comments, then the rest.
        order = {prefix: rank for rank, (prefix, _) in enumerate(_DOCX_LABELS)}
        parts.sort(key=lambda n: next((r for p, r in order.items() if n.startswith(p)), 99))
        for name in parts:
            done.add(name)
            label = next((lab for p, lab in _DOCX_LABELS if name.startswith(p)), f"“{name}”")
            root = _xml(archive, name)
            for number, paragraph in enumerate(root.iter(f"{_W}p"), start=1):
                runs = (e for e in paragraph.iter() if e.tag in _TEXT_TAGS)
                yield f"{label}第 {number} 段", "".join(r.text or "" for r in runs)
            for element in root.iter():
                for attribute in _SHOWN:
                    if value := element.get(attribute):
                        yield f"{label}图片说明", value
        yield from _package_texts(archive, done)


# ------------------------------------------------------------------ text

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def decode_text(data: bytes) -> str:
    """A text file's text: UTF-8, UTF-16/32 (Excel's "Unicode 文本", with or without a
    byte order mark) or GBK, as Excel in China saves CSV."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return data.decode(codec, errors="replace")
    head = data[:4096]
    if head.count(0) * 4 >= len(head) > 1:  # a NUL in every other byte: UTF-16
        odd = head[1::2].count(0)
        codec = "utf-16-le" if odd >= head[0::2].count(0) else "utf-16-be"
        return data.decode(codec, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        # Scanning for digits works in any decoding.
        return data.decode("gb18030", errors="replace")


def _plain_texts(source: Source) -> Iterator[tuple[str, str]]:
    data = source.read_bytes() if isinstance(source, Path) else source.getvalue()
    for number, line in enumerate(decode_text(data).splitlines(), start=1):
        yield f"第 {number} 行", line


# ------------------------------------------------------------------ ZIP


def _check_unpacked_size(source: Source) -> None:
    try:
        with zipfile.ZipFile(source) as archive:
            size = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile:
        raise Unreadable("文件已损坏，或不是 Office 文件") from None
    if size > UNPACKED_LIMIT:
        raise Unreadable("解压后过大，疑似损坏或恶意构造的文件")


def _zip_texts(source: Source, allowed: frozenset[str], depth: int, unscanned: list[str]):
    """Every member's text, located by member; members the check cannot read are added
    to ``unscanned``."""
    if depth > 3:
        raise Unreadable("压缩包嵌套过深")
    _check_unpacked_size(source)
    with zipfile.ZipFile(source) as archive:
        for info in archive.infolist():
            if info.is_dir():
                continue
            if info.flag_bits & 0x1:
                raise Unreadable(f"压缩包内的“{info.filename}”已加密")
            suffix = PurePosixPath(info.filename).suffix.lower()
            if not scannable(suffix, allowed):
                unscanned.append(info.filename)
                continue
            member = io.BytesIO(archive.read(info))
            for where, text in _texts(member, suffix, allowed, depth + 1, unscanned):
                yield f"内的“{info.filename}”{where}", text


# ------------------------------------------------------------------ types

TEXT_SUFFIXES = {".csv", ".txt"}
SCANNED_SUFFIXES = TEXT_SUFFIXES | {".xlsx", ".xlsm", ".pdf", ".docx"}
# Types read only when catalog.yaml allows them (confidentiality.allowed_types).
SCANNED_IF_ALLOWED = {".tsv": "text", ".json": "text", ".xml": "text", ".zip": "zip"}
# Types the check knows but cannot read: a warning asks for a manual check (P707).
KNOWN_UNSEARCHABLE = {
    *(".jpg", ".jpeg", ".png", ".gif", ".bmp", ".tif", ".tiff", ".webp"),
    *(".doc", ".xls", ".ppt", ".pptx", ".wps"),
}
# Types a browser runs script in when opened from the site (P710), whatever catalog.yaml says.
ACTIVE_SUFFIXES = {
    *(".html", ".htm", ".xhtml", ".xht", ".shtml", ".mht", ".mhtml", ".hta"),
    *(".svg", ".svgz", ".js", ".mjs", ".xsl", ".xslt", ".swf"),
}
# XML a browser renders as a page: with a stylesheet, or with (X)HTML or SVG elements.
_ACTIVE_XML = re.compile(rb"<\?xml-stylesheet|http://www\.w3\.org/(?:1999/xhtml|2000/svg)", re.I)


def scannable(suffix: str, allowed: frozenset[str]) -> bool:
    return suffix in SCANNED_SUFFIXES or (suffix in SCANNED_IF_ALLOWED and suffix in allowed)


def is_active(file: Path) -> bool:
    """Whether a browser opening ``file`` from the site could run script in it."""
    suffix = file.suffix.lower()
    if suffix in ACTIVE_SUFFIXES:
        return True
    if suffix == ".xml":
        text = decode_text(file.read_bytes()).encode("utf-8", "replace")
        return _ACTIVE_XML.search(text) is not None
    return False


def _texts(
    source: Source, suffix: str, allowed: frozenset[str], depth: int, unscanned: list[str]
) -> Iterator[tuple[str, str]]:
    if suffix in TEXT_SUFFIXES or SCANNED_IF_ALLOWED.get(suffix) == "text":
        yield from _plain_texts(source)
    elif suffix in (".xlsx", ".xlsm"):
        _check_unpacked_size(source)
        yield from _xlsx_texts(source)
    elif suffix == ".docx":
        _check_unpacked_size(source)
        yield from _docx_texts(source)
    elif suffix == ".pdf":
        yield from _pdf_texts(source)
    elif suffix == ".zip":
        yield from _zip_texts(source, allowed, depth, unscanned)


def attachment_texts(
    file: Path, allowed: frozenset[str] = frozenset(), unscanned: list[str] | None = None
) -> Iterator[tuple[str, str]]:
    """(location, text) for every line, cell, page, paragraph or member of an attachment."""
    yield from _texts(file, file.suffix.lower(), allowed, 0, [] if unscanned is None else unscanned)


@dataclass(frozen=True)
class Scan:
    hits: list[tuple[str, Finding]]  # (location, finding)
    unscanned: list[str]  # members of an archive the check could not read


_cache: dict[tuple[str, int, int, frozenset[str]], Scan] = {}


def scan_attachment(file: Path, allowed: frozenset[str] = frozenset()) -> Scan:
    """What one attachment holds; raises Unreadable.

    Cached by path, size and mtime: ``catalogue serve`` re-validates on every save,
    and a large PDF should not be re-read when only the Markdown changed.
    """
    stat = file.stat()
    key = (str(file), stat.st_size, stat.st_mtime_ns, allowed)
    if key not in _cache:
        unscanned: list[str] = []
        try:
            hits = [
                (where, f)
                for where, text in attachment_texts(file, allowed, unscanned)
                for row in text.split("\n")  # a PDF page is many lines
                for f in find(row)
            ]
        except Unreadable:
            raise
        except Exception as exc:  # any parser's error on a hostile file is the same to staff
            raise Unreadable(_describe(exc)) from exc
        _cache[key] = Scan(hits, unscanned)
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


_SKELETON = re.compile(r"[^0-9A-Za-z\u4e00-\u9fff★☆]")


def _skeleton(text: str) -> str:
    return _SKELETON.sub("", reader_form(html.unescape(text))).upper()


def _source_offset(lines: list[str], finding: Finding) -> int:
    """The body line a value found only in the rendered text most likely comes from:
    the first whose letters and digits hold it (or its start), else the first."""
    wanted = _skeleton(finding.value)
    for probe in (wanted, wanted[:4]):
        for offset, text in enumerate(lines):
            if probe and probe in _skeleton(text):
                return offset
    return 0


def _body_hits(item: Item) -> list[Hit]:
    """The body as written, line by line, and as readers see it on the site (entities
    decoded, markup gone, NFKC, no invisible characters): each value is reported once."""
    lines = item.body.split("\n")
    found = [
        Hit("正文", item.body_line + offset, f)
        for offset, text in enumerate(lines)
        for f in find(text)
    ]
    seen = {hit.finding.key for hit in found}
    # A body too deeply nested or bracketed to render (structure.py: F009, F010, an error
    # already) is not rendered here either: Markdown takes quadratic time on it.
    shown = [] if any(structure_problems(item)) else rendered(item).lines
    for text in shown:
        for finding in find(text):
            if finding.key not in seen:
                seen.add(finding.key)
                line = item.body_line + _source_offset(lines, finding)
                found.append(Hit("正文", line, finding))
    return found


def _allowed_types(config: Config | None) -> frozenset[str]:
    if config is None or config.confidentiality is None:
        return frozenset()
    return frozenset(config.confidentiality.allowed_types)


def _type_problem(path: str, line: int, name: str, suffix: str, allowed: frozenset[str]) -> Problem:
    """P707 for a type the check knows or catalog.yaml allows, P709 for any other."""
    code = "P707" if suffix in KNOWN_UNSEARCHABLE or suffix in allowed else "P709"
    return Problem.make(code, path, line, file=name, suffix=suffix or "无扩展名")


def _item_findings(item: Item, config: Config | None = None) -> tuple[list[Hit], list[Problem]]:
    found: list[Hit] = []
    problems: list[Problem] = []
    allowed = _allowed_types(config)
    for key, value in item.raw.items():
        if key == "approvals":
            continue  # names, dates and digests: written by the tool, not the author
        for label, line, text in _front_matter_texts(value, str(key), item.line_of(str(key))):
            found += [Hit(f"前言“{label}”", line, f) for f in find(text)]
    found += _body_hits(item)
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
        try:
            if is_active(file):
                problems.append(Problem.make("P710", *here, file=attachment.path, suffix=suffix))
                continue
            if not scannable(suffix, allowed):
                problems.append(_type_problem(*here, attachment.path, suffix, allowed))
                continue
            scan = scan_attachment(file, allowed)
        except (Unreadable, OSError) as exc:
            detail = str(exc) if isinstance(exc, Unreadable) else (exc.strerror or str(exc))
            problems.append(Problem.make("P706", *here, file=attachment.path, detail=detail))
            continue
        for member in scan.unscanned:
            name = f"{attachment.path}”内的“{member}"
            member_suffix = PurePosixPath(member).suffix.lower()
            problems.append(_type_problem(*here, name, member_suffix, allowed))
        found += [Hit(f"附件“{attachment.path}”{w}", attachment.line, f) for w, f in scan.hits]
    return found, problems


def confidentiality_problems(item: Item, config: Config) -> list[Problem]:
    """Every confidentiality hit in ``item`` not allowed by catalog.yaml or exempted by it.

    External items are blocked. Internal items (对内公开, staff only) are not: a staff
    contact list with mobile numbers is a legitimate internal notice, so personal data
    there is a warning for the approver to weigh. A 密级 marking is an error in both:
    national secrets may not sit on the ordinary office network at all (保密法).
    """
    found, problems = _item_findings(item, config)
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
