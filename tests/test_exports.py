"""The feed, sitemap, open-data files and robots.txt written for one output."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import types
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from generator.site.exports import CSV_COLUMNS, FEED_LIMIT, write_exports
from generator.site.select import PUBLIC
from generator.site.views import AttachmentView, ChangeView, ItemView, LinkView, Site, item_url
from generator.source.config import load_catalog

REPO = Path(__file__).resolve().parent.parent
ORG = "11330109002468135T"
BASE = "https://czj.chengjiang.example.gov.cn/"
ATOM = "{http://www.w3.org/2005/Atom}"
SM = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
FILES = ("feed.xml", "sitemap.xml", "catalogue.json", "catalogue.csv", "robots.txt")


def view(serial: str, published: dt.date, **fields: Any) -> ItemView:
    index_no = f"{ORG}/{serial}"
    values: dict[str, Any] = {
        # Exports must never reach into the source item: an empty namespace fails loudly if they do.
        "item": types.SimpleNamespace(),
        "title": f"条目{serial}",
        "index_no": index_no,
        "id": serial,
        "url": item_url(index_no),
        "scope": "external",
        "category": "budget",
        "category_name": "年度预算执行情况和预算草案",
        "owner": "budget",
        "owner_name": "预算科",
        "drafted_by": "赵敏",
        "doc_no": None,
        "keywords": [],
        "written": published - dt.timedelta(days=10),
        "published": published,
        "expires": None,
        "validity": "current",
        "validity_label": "现行有效",
        "refresh_label": "每季度公开",
        "channel_labels": ["网站"],
        "summary": f"条目{serial}的内容概述。",
        "summary_derived": False,
        "major": False,
        "attachments": [],
        "changes": [],
    }
    values.update(fields)
    return ItemView(**values)


@pytest.fixture(scope="module")
def config():
    loaded = load_catalog(REPO)
    assert loaded.config is not None, loaded.problems
    return loaded.config


@pytest.fixture
def site(config, tmp_path: Path) -> Site:
    budget = view(
        "2024-00012",
        dt.date(2024, 7, 20),
        title="2024年区本级一般公共预算执行情况（第二季度）",
        doc_no="澄财预〔2024〕12号",
        keywords=["预算执行", "一般公共预算"],
        summary="二季度一般公共预算收支执行情况，含“三公”经费。",
        attachments=[
            AttachmentView(
                title="2024年二季度预算执行情况表",
                url="items/2024-00012/q2.xlsx",
                file_name="q2.xlsx",
                file_type="Excel",
                size=2048,
                source=tmp_path / "q2.xlsx",
            )
        ],
        changes=[
            ChangeView(dt.date(2024, 8, 2), "更正表二中的合计数"),
            ChangeView(dt.date(2024, 9, 10), "补充表三说明"),
        ],
    )
    procurement = view(
        "2024-00020",
        dt.date(2024, 8, 15),
        category="procurement",
        category_name="政府采购",
        owner="procurement",
        owner_name="政府采购管理科",
        expires=dt.date(2024, 8, 22),
        refresh_label="及时公开",
    )
    old_rule = view(
        "2023-00003",
        dt.date(2023, 3, 1),
        validity="repealed",
        validity_label="已废止",
        refresh_label="长期公开",
        superseded_by=LinkView("新办法", f"{ORG}/2024-00020", item_url(f"{ORG}/2024-00020")),
    )
    items = [procurement, budget, old_rule]  # newest published first, as the build sorts them
    pages = ["index.html", *(v.url for v in items), "guide.html"]
    return Site(config, PUBLIC, items, dt.date(2024, 10, 1), tmp_path / "out", pages)


def test_feed_lists_updates_newest_first_with_change_notes(site: Site) -> None:
    write_exports(site)
    feed = ET.parse(site.out / "feed.xml").getroot()
    assert feed.tag == f"{ATOM}feed"
    assert feed.findtext(f"{ATOM}title") == "青禾市澄江区财政局政务公开"
    assert feed.findtext(f"{ATOM}author/{ATOM}name") == "青禾市澄江区财政局"
    self_link = feed.find(f"{ATOM}link[@rel='self']")
    assert self_link is not None and self_link.get("href") == BASE + "feed.xml"
    # The latest change note, not the build date.
    assert feed.findtext(f"{ATOM}updated") == "2024-09-10T00:00:00+08:00"

    entries = feed.findall(f"{ATOM}entry")
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    # A change note is an update: the corrected budget item outranks a later new item.
    assert ids == [
        f"urn:catalogue:{ORG}/2024-00012",
        f"urn:catalogue:{ORG}/2024-00020",
        f"urn:catalogue:{ORG}/2023-00003",
    ]
    first = entries[0]
    assert first.findtext(f"{ATOM}updated") == "2024-09-10T00:00:00+08:00"
    assert first.findtext(f"{ATOM}published") == "2024-07-20T00:00:00+08:00"
    link = first.find(f"{ATOM}link")
    assert link is not None and link.get("href") == BASE + "items/2024-00012.html"
    assert first.findtext(f"{ATOM}summary") == "二季度一般公共预算收支执行情况，含“三公”经费。"
    content = first.findtext(f"{ATOM}content") or ""
    assert "补充表三说明" in content and "更正表二中的合计数" not in content
    assert entries[1].find(f"{ATOM}content") is None  # never changed: nothing to announce
    assert entries[1].findtext(f"{ATOM}updated") == "2024-08-15T00:00:00+08:00"


def test_feed_keeps_only_the_newest_entries(config, tmp_path: Path) -> None:
    start = dt.date(2024, 1, 1)
    items = [view(f"2024-{n:05d}", start + dt.timedelta(days=n)) for n in range(FEED_LIMIT + 5)]
    site = Site(config, PUBLIC, items, dt.date(2024, 12, 31), tmp_path / "out", [])
    write_exports(site)
    entries = ET.parse(site.out / "feed.xml").getroot().findall(f"{ATOM}entry")
    assert len(entries) == FEED_LIMIT
    assert entries[0].findtext(f"{ATOM}id") == f"urn:catalogue:{ORG}/2024-{FEED_LIMIT + 4:05d}"


def test_empty_feed_is_still_valid_atom(config, tmp_path: Path) -> None:
    site = Site(config, PUBLIC, [], dt.date(2024, 10, 1), tmp_path / "out", ["index.html"])
    write_exports(site)
    feed = ET.parse(site.out / "feed.xml").getroot()
    assert feed.findall(f"{ATOM}entry") == []
    assert feed.findtext(f"{ATOM}updated") == "2024-10-01T00:00:00+08:00"


def test_sitemap_lists_every_page_in_order_with_item_dates(site: Site) -> None:
    write_exports(site)
    urlset = ET.parse(site.out / "sitemap.xml").getroot()
    assert urlset.tag == f"{SM}urlset"
    urls = [(u.findtext(f"{SM}loc"), u.findtext(f"{SM}lastmod")) for u in urlset]
    assert urls == [
        (BASE + "index.html", None),
        (BASE + "items/2024-00020.html", "2024-08-15"),
        (BASE + "items/2024-00012.html", "2024-09-10"),
        (BASE + "items/2023-00003.html", "2023-03-01"),
        (BASE + "guide.html", None),
    ]


def all_keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {k for v in value.values() for k in all_keys(v)}
    if isinstance(value, list):
        return {k for v in value for k in all_keys(v)}
    return set()


def test_catalogue_json_has_public_metadata_only(site: Site) -> None:
    write_exports(site)
    text = (site.out / "catalogue.json").read_text(encoding="utf-8")
    data = json.loads(text)
    assert "青禾市澄江区财政局" in text  # readable Chinese, not \u escapes
    assert data["organisation"] == "青禾市澄江区财政局"
    assert data["code"] == ORG
    assert data["generated"] == "2024-10-01"
    assert [i["index_no"] for i in data["items"]] == [
        f"{ORG}/2024-00020",
        f"{ORG}/2024-00012",
        f"{ORG}/2023-00003",
    ]
    budget = data["items"][1]
    assert budget == {
        "index_no": f"{ORG}/2024-00012",
        "title": "2024年区本级一般公共预算执行情况（第二季度）",
        "url": BASE + "items/2024-00012.html",
        "category": "budget",
        "category_name": "年度预算执行情况和预算草案",
        "owner": "budget",
        "owner_name": "预算科",
        "doc_no": "澄财预〔2024〕12号",
        "keywords": ["预算执行", "一般公共预算"],
        "written": "2024-07-10",
        "published": "2024-07-20",
        "expires": None,
        "validity": "current",
        "validity_label": "现行有效",
        "refresh_label": "每季度公开",
        "summary": "二季度一般公共预算收支执行情况，含“三公”经费。",
        "attachments": [
            {
                "title": "2024年二季度预算执行情况表",
                "url": BASE + "items/2024-00012/q2.xlsx",
                "file_type": "Excel",
                "size": 2048,
            }
        ],
        "changes": [
            {"date": "2024-08-02", "note": "更正表二中的合计数"},
            {"date": "2024-09-10", "note": "补充表三说明"},
        ],
        "superseded_by": None,
    }
    assert data["items"][0]["expires"] == "2024-08-22"
    assert data["items"][2]["superseded_by"] == f"{ORG}/2024-00020"
    # Who drafted and who approved is internal workflow data, never published.
    keys = all_keys(data)
    assert "drafted_by" not in keys and "approvals" not in keys
    assert "赵敏" not in text


def test_catalogue_csv_opens_in_excel(site: Site) -> None:
    write_exports(site)
    raw = (site.out / "catalogue.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")
    assert b"\r\n" in raw and b"\n" not in raw.replace(b"\r\n", b"")
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    assert rows[0] == list(CSV_COLUMNS)
    assert rows[0][:3] == ["索引号", "名称", "分类"]
    assert len(rows) == 4
    assert rows[2] == [
        f"{ORG}/2024-00012",
        "2024年区本级一般公共预算执行情况（第二季度）",
        "年度预算执行情况和预算草案",
        "预算科",
        "澄财预〔2024〕12号",
        "预算执行；一般公共预算",
        "2024-07-10",
        "2024-07-20",
        "",
        "现行有效",
        "每季度公开",
        "二季度一般公共预算收支执行情况，含“三公”经费。",
        "1",
        BASE + "items/2024-00012.html",
    ]
    assert rows[1][8] == "2024-08-22"
    assert rows[3][9] == "已废止"
    assert "赵敏" not in raw.decode("utf-8-sig")


def test_robots_points_to_sitemap(site: Site) -> None:
    write_exports(site)
    robots = (site.out / "robots.txt").read_text(encoding="utf-8")
    assert "User-agent: *" in robots.splitlines()
    assert f"Sitemap: {BASE}sitemap.xml" in robots.splitlines()


def test_exports_are_byte_reproducible(site: Site, tmp_path: Path) -> None:
    write_exports(site)
    first = {name: (site.out / name).read_bytes() for name in FILES}
    site.out = tmp_path / "again"
    write_exports(site)
    assert {name: (site.out / name).read_bytes() for name in FILES} == first


@pytest.mark.parametrize("shown", ["three items", "none"])
def test_catalogue_json_written_record_by_record_is_what_json_dumps_writes(
    site: Site, shown: str
) -> None:
    """catalogue.json is written a record at a time (90 MB at 100,000 items), yet reads
    as ``json.dumps(…, indent=2)`` of its data, as it did when made whole."""
    if shown == "none":
        site = Site(site.config, PUBLIC, [], site.today, site.out, ["index.html"])
    write_exports(site)
    text = (site.out / "catalogue.json").read_text(encoding="utf-8")
    data = json.loads(text)
    assert len(data["items"]) == len(site.items)
    assert text == json.dumps(data, ensure_ascii=False, indent=2) + "\n"
