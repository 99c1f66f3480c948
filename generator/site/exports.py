"""Machine-readable companions to the HTML pages: feed, sitemap, open data, robots.txt.

Readers follow new and corrected items through the Atom feed, search engines find every
page through the sitemap, and anyone may reuse the catalogue as JSON or as a CSV that
Excel opens directly. Everything is derived from ``site.items`` and ``site.pages`` only,
so an export can never show more than the pages of the same output, and no file depends
on the wall clock: the same input gives byte-identical output.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

from ..output.writer import created, write_bytes, write_pieces, write_text
from .views import ItemView, Site

FEED_FILE = "feed.xml"
SITEMAP_FILE = "sitemap.xml"
JSON_FILE = "catalogue.json"
CSV_FILE = "catalogue.csv"
ROBOTS_FILE = "robots.txt"
EXPORT_FILES = (FEED_FILE, SITEMAP_FILE, JSON_FILE, CSV_FILE, ROBOTS_FILE)

FEED_LIMIT = 50
ATOM_NS = "http://www.w3.org/2005/Atom"
SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"

CSV_COLUMNS = (
    "索引号",
    "名称",
    "分类",
    "发布机构",
    "文号",
    "主题词",
    "成文日期",
    "发布日期",
    "公示截止日期",
    "有效性",
    "更新频率",
    "内容概述",
    "附件数",
    "链接",
)


def write_exports(site: Site) -> None:
    """Write feed.xml, sitemap.xml, catalogue.json, catalogue.csv and robots.txt into ``site.out``."""
    write_bytes(site.out / FEED_FILE, feed_xml(site))
    write_bytes(site.out / SITEMAP_FILE, sitemap_xml(site))
    write_pieces(site.out / JSON_FILE, catalogue_json(site))
    write_catalogue_csv(site, site.out / CSV_FILE)
    write_text(site.out / ROBOTS_FILE, robots_txt(site))


def absolute(site: Site, url: str) -> str:
    # Sitemaps and feed readers want fully escaped URLs; page names may one day be Chinese.
    return site.base_url + quote(url, safe="/#?=&%")


def rfc3339(day: dt.date) -> str:
    # Items carry dates only; midnight Beijing time keeps the day right for every reader.
    return f"{day.isoformat()}T00:00:00+08:00"


def _xml(root: ET.Element) -> bytes:
    ET.indent(root)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _sub(parent: ET.Element, tag: str, text: str | None = None, **attrs: str) -> ET.Element:
    element = ET.SubElement(parent, tag, attrs)
    element.text = text
    return element


def feed_items(site: Site) -> list[ItemView]:
    """Newest update first; the 索引号 breaks ties so the order never depends on input order."""
    ranked = sorted(site.items, key=lambda v: (v.updated, v.published, v.index_no), reverse=True)
    return ranked[:FEED_LIMIT]


def feed_xml(site: Site) -> bytes:
    org = site.config.organisation
    entries = feed_items(site)
    # A plain xmlns attribute (rather than ElementTree's namespace handling) keeps the
    # Atom elements unprefixed while their attributes stay unqualified, as Atom requires.
    feed = ET.Element("feed", xmlns=ATOM_NS)
    _sub(feed, "id", f"urn:catalogue:{org.code}")
    _sub(feed, "title", f"{org.name}政务公开")
    # The newest entry, not the build time: rebuilding unchanged content must not look like news.
    _sub(feed, "updated", rfc3339(entries[0].updated if entries else site.today))
    _sub(_sub(feed, "author"), "name", org.name)
    _sub(feed, "link", rel="self", type="application/atom+xml", href=absolute(site, FEED_FILE))
    _sub(feed, "link", rel="alternate", type="text/html", href=site.base_url)
    for view in entries:
        entry = _sub(feed, "entry")
        # The 索引号 never changes once given, so readers never see an item twice.
        _sub(entry, "id", f"urn:catalogue:{view.index_no}")
        _sub(entry, "title", view.title)
        _sub(entry, "link", rel="alternate", type="text/html", href=absolute(site, view.url))
        _sub(entry, "published", rfc3339(view.published))
        _sub(entry, "updated", rfc3339(view.updated))
        _sub(entry, "category", term=view.category, label=view.category_name)
        _sub(entry, "summary", view.summary)
        if view.changes:
            latest = view.changes[-1]
            note = f"{latest.date.isoformat()} 更新：{latest.note}\n\n{view.summary}"
            _sub(entry, "content", note, type="text")
    return _xml(feed)


def sitemap_xml(site: Site) -> bytes:
    lastmod = {view.url: view.updated for view in site.items}
    urlset = ET.Element("urlset", xmlns=SITEMAP_NS)
    for page in dict.fromkeys(site.pages):  # a page listed twice is still one URL
        url = _sub(urlset, "url")
        _sub(url, "loc", absolute(site, page))
        if page in lastmod:
            _sub(url, "lastmod", lastmod[page].isoformat())
    return _xml(urlset)


def _date(day: dt.date | None) -> str | None:
    return day.isoformat() if day else None


def item_record(site: Site, view: ItemView) -> dict[str, Any]:
    """Only what the item page itself shows: never ``drafted_by`` or approvals (internal workflow)."""
    return {
        "index_no": view.index_no,
        "title": view.title,
        "url": absolute(site, view.url),
        "category": view.category,
        "category_name": view.category_name,
        "owner": view.owner,
        "owner_name": view.owner_name,
        "doc_no": view.doc_no,
        "keywords": list(view.keywords),
        "written": _date(view.written),
        "published": _date(view.published),
        "expires": _date(view.expires),
        "validity": view.validity,
        "validity_label": view.validity_label,
        "refresh_label": view.refresh_label,
        "summary": view.summary,
        "attachments": [
            {
                "title": a.title,
                "url": absolute(site, a.href),
                "file_type": a.file_type,
                "size": a.size,
            }
            for a in view.attachments
        ],
        "changes": [{"date": _date(c.date), "note": c.note} for c in view.changes],
        "superseded_by": view.superseded_by.index_no if view.superseded_by else None,
    }


def catalogue_json(site: Site) -> Iterator[str]:
    """catalogue.json, as ``json.dumps(…, indent=2)`` writes it, one item's record at a
    time: the whole text and every record at once took 0.3 GB at 100,000 items."""
    org = site.config.organisation
    head = {"organisation": org.name, "code": org.code, "generated": site.today.isoformat()}
    yield json.dumps(head, ensure_ascii=False, indent=2).removesuffix("\n}")
    yield ',\n  "items": ['
    for number, view in enumerate(site.items):
        record = json.dumps(item_record(site, view), ensure_ascii=False, indent=2)
        yield ("," if number else "") + "\n    " + record.replace("\n", "\n    ")
    yield "\n  ]\n}\n" if site.items else "]\n}\n"


# What makes a spreadsheet read a cell as a formula (OWASP, "CSV Injection").
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def csv_cell(value: object) -> object:
    """``value`` as a spreadsheet shows it as text: a text that starts like a formula
    (``=HYPERLINK(…)`` in a title) gets a leading ``'``, as OWASP recommends."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def write_catalogue_csv(site: Site, path: Path) -> None:
    """catalogue.csv, a row at a time (44 MB at 100,000 items)."""
    # Excel guesses a legacy code page for UTF-8 without a BOM and garbles the Chinese.
    with created(path, encoding="utf-8-sig", newline="") as file:
        writer = csv.writer(file)  # default dialect: quoted as needed, \r\n line endings
        writer.writerow(CSV_COLUMNS)
        for view in site.items:
            writer.writerow(csv_cell(cell) for cell in _csv_row(site, view))


def _csv_row(site: Site, view: ItemView) -> tuple[object, ...]:
    return (
        view.index_no,
        view.title,
        view.category_name,
        view.owner_name,
        view.doc_no or "",
        "；".join(view.keywords),
        _date(view.written) or "",
        _date(view.published) or "",
        _date(view.expires) or "",
        view.validity_label,
        view.refresh_label,
        view.summary,
        len(view.attachments),
        absolute(site, view.url),
    )


def robots_txt(site: Site) -> str:
    return f"User-agent: *\nAllow: /\n\nSitemap: {absolute(site, SITEMAP_FILE)}\n"
