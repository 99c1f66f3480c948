"""Item bodies: Markdown extras render, and links are rewritten for the output."""

from __future__ import annotations

import sys
import unicodedata
import zlib
from pathlib import Path
from typing import Any

import frontmatter
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown.extensions.toc import TocExtension, TocTreeprocessor
from markdown.inlinepatterns import SimpleTagInlineProcessor
from markdown.treeprocessors import InlineProcessor

from generator.site.markup import LinkResolver, _BodyConverter, relative_url, render_body
from generator.source.rendered import (
    _INVISIBLE,
    _NO_FORMAT,
    _NOT_SERIALISED,
    _Fanout,
    _ReadingCollector,
    _TextCollector,
    body_html,
    rendered_body,
    visible_lines,
    without_invisible,
)

REPO = Path(__file__).resolve().parent.parent

BODY = """## 一、收支情况

| 项目 | 金额（万元） |
| --- | ---: |
| 税收收入 | 1,200 |

本表数据为快报数[^1]。详见[附表](files/q2.csv)、[原办法](old.md)、[未公开条目](secret.md)和[财政部网站](https://www.mof.gov.cn/)。

[^1]: 以决算为准。
"""


def _render(tmp_path: Path, external: bool = True) -> str:
    folder = tmp_path / "content/external/budget"
    (folder / "files").mkdir(parents=True)
    csv = folder / "files/q2.csv"
    csv.write_text("x", encoding="utf-8")
    targets = {
        csv.resolve(): "2024-00012/files/q2.csv",
        (folder / "old.md").resolve(): "2019-00001.html",
    }
    return render_body(BODY, folder, targets.get, external)


def test_tables_footnotes_and_heading_anchors_render(tmp_path: Path) -> None:
    html = _render(tmp_path)
    assert "<table>" in html and '<td style="text-align: right;">1,200</td>' in html
    assert 'class="footnote"' in html and "以决算为准" in html
    assert '<h2 id="一收支情况">' in html
    assert 'class="headerlink" href="#一收支情况"' in html


def test_links_to_items_and_attachments_are_rewritten(tmp_path: Path) -> None:
    html = _render(tmp_path)
    assert '<a href="2024-00012/files/q2.csv">附表</a>' in html
    assert '<a href="2019-00001.html">原办法</a>' in html
    assert "<span>未公开条目</span>" in html  # not shown in this output: text, not a dead link
    assert '<a href="https://www.mof.gov.cn/">财政部网站</a>' in html


def test_an_address_with_escaped_characters_is_read_as_the_page_shows_it(
    tmp_path: Path,
) -> None:
    """Markdown hides a backslash-escaped character until the end: the link is rewritten
    for the file the reader sees named, and an escaped ``#`` stays an in-page anchor."""
    folder = tmp_path / "content/external/budget"
    target = (folder / "files/q2_a.csv").resolve()
    body = r"[附表](files/q2\_a.csv) [本章](\#一章) ![图](\#图一)"
    html = render_body(body, folder, {target: "2024-00012/files/q2_a.csv"}.get)
    assert '<a href="2024-00012/files/q2_a.csv">附表</a>' in html
    assert '<a href="#一章">本章</a>' in html and 'src="#图一"' in html


def test_kiosk_turns_external_links_into_text(tmp_path: Path) -> None:
    html = _render(tmp_path, external=False)
    assert "<span>财政部网站</span>" in html
    assert "https://" not in html


def test_relative_url_between_pages() -> None:
    assert relative_url("items/2024-00012.html", "items/2019-00001.html") == "2019-00001.html"
    assert (
        relative_url("items/2024-00012.html", "catalogue/index.html") == "../catalogue/index.html"
    )
    assert relative_url("index.html", "items/2024-00012.html") == "items/2024-00012.html"


def test_bodies_do_not_share_state(tmp_path: Path) -> None:
    """Bodies are converted by one reused Markdown instance: nothing may carry over."""
    defines = "见[原办法][old]和 HTML[^1]。\n\n[old]: old.md\n*[HTML]: 超文本\n[^1]: 注。\n\n[TOC]\n\n## 章\n"
    uses = "见[原办法][old]和 HTML。\n\n## 章\n"
    first = render_body(defines, tmp_path, lambda _: "x.html")
    assert render_body(defines, tmp_path, lambda _: "x.html") == first
    later = render_body(uses, tmp_path, lambda _: "x.html")
    assert 'href="x.html"' not in later and "<abbr" not in later
    assert 'class="toc"' not in later and 'class="toc"' in first
    assert '<h2 id="章">' in later  # ids are unique per body, not per instance


class _StockConverter(_BodyConverter):
    """Markdown's own inline stage and toc extension in place of the quick ones."""

    def __init__(self) -> None:
        super().__init__(external=True)
        self.md.treeprocessors.register(InlineProcessor(self.md), "inline", 20)
        (toc,) = [e for e in self.md.registeredExtensions if isinstance(e, TocExtension)]
        self.md.treeprocessors.register(TocTreeprocessor(self.md, toc.getConfigs()), "toc", 5)
        # Registered again after it, as the site's converter has it: equal priorities run
        # in the order they were registered.
        self.md.treeprocessors.register(self.rewriter, "catalogue-links", 5)

    def convert(self, body: str, folder: Path, resolve: LinkResolver) -> str:
        self.rewriter.folder, self.rewriter.resolve = folder, resolve
        return self.md.reset().convert(body)


def _convert(converter: _BodyConverter, body: str) -> str:
    return converter.convert(body, Path("/nowhere"), lambda _: "x.html")


QUICK, OWN = _BodyConverter(external=True), _StockConverter()
# Something each inline pattern matches, with characters they look for and prose.
MATCHED = {
    "backtick": "`代码`",
    "escape": "财政\\#预算",
    "footnote": "注[^1]\n\n[^1]: 脚注",
    "reference": "[原办法][r]\n\n[r]: a.md",
    "link": "[原办法](a.md)",
    "image_link": "![图](p.png)",
    "image_reference": "![图][r]",
    "short_reference": "[r]",
    "short_image_ref": "![r]",
    "autolink": "<http://x.cn>",
    "automail": "<a@b.cn>",
    "linebreak": "第一行  \n第二行",
    "html": "<b>粗</b>",
    "entity": "&amp;&#36;",
    "em_strong": "__加粗__",
}
PIECES = [
    *MATCHED.values(),
    "*强调*",
    *"`\\[]()!<>&*_^:;#|-=~\"'@./ \n\t",
    "  \n",
    "财政",
    "预算",
    "a",
    "1",
    "[TOC]",
    "\n\n## 章\n\n",
]
MARKDOWNISH = st.lists(st.sampled_from(PIECES), max_size=60).map("".join)


def test_passing_over_plain_texts_changes_no_sample_body() -> None:
    """The inline stage skips texts no pattern could match (rendered.QuickInline);
    every sample body converts as with Markdown's own stage."""
    bodies = [frontmatter.load(path).content for path in sorted(REPO.glob("content/**/*.md"))]
    assert len(bodies) > 50
    for body in [*bodies, BODY]:
        assert _convert(QUICK, body) == _convert(OWN, body)
    assert QUICK.md.treeprocessors["inline"].may_match is not None  # it did pass over texts


def test_passing_over_plain_texts_changes_no_inline_pattern() -> None:
    for name, example in MATCHED.items():
        assert name in QUICK.md.inlinePatterns
        for body in (example, f"财政预算\n\n| 项目 | 金额 |\n| --- | --- |\n| {example} | 1 |\n"):
            assert _convert(QUICK, body) == _convert(OWN, body), name
    assert len(MATCHED) == len(QUICK.md.inlinePatterns)


@settings(max_examples=400, deadline=None)
@given(MARKDOWNISH)
def test_passing_over_plain_texts_changes_no_markdown(body: str) -> None:
    assert _convert(QUICK, body) == _convert(OWN, body)


@pytest.mark.parametrize(
    "body",
    [
        "[TOC]\n\n## 章\n\n### 节\n\n## 章",
        "[TO\x02C]\n\n## 章",  # Markdown drops the control character, leaving the marker
        "\\[TOC]\n\n## 章",
        "&#91;TOC]\n\n## 章",
        "## 章\n\n正文里的 [TOC] 不是标记。",
        "## 一\n\n## 二",
    ],
)
def test_the_contents_list_comes_where_markdowns_own_toc_puts_it(body: str) -> None:
    """The toc stage looks for its marker only where the body has its text
    (rendered.QuickToc); headings and contents lists are Markdown's own."""
    assert _convert(QUICK, body) == _convert(OWN, body)


def test_a_pattern_the_quick_stage_does_not_know_makes_it_try_every_text() -> None:
    """Another extension's pattern could match any text; then none is passed over."""
    converter = _BodyConverter(external=True)
    tilde = SimpleTagInlineProcessor(r"()~~(.+?)~~", "del")
    converter.md.inlinePatterns.register(tilde, "del", 65)
    assert "<del>预算</del>" in _convert(converter, "财政~~预算~~公开")


# Bodies whose links or images an output may rewrite, in every form that reaches the page.
LEADING_OFF = [
    "见[原办法](old.md)。",
    "见[附表](files/q2.csv)。",
    "见[财政部](https://www.mof.gov.cn/)。",
    "<https://www.mof.gov.cn/>",
    "<a@b.cn>",
    "![图](p.png)",
    "见[原办法][r]。\n\n[r]: old.md",
    '<a href="old.md">原办法</a>',
    "<a href='/items/x.html'>原办法</a>",
    "<a href=old.md>原办法</a>",
    '<img src="p.png" alt="图">',
    "[链接](javascript:alert(1))",
    "[链接](#一章) 和 [电话](tel:12345)",
    '段落 {: title="x" }\n\n[原办法](old.md){: title="y" }',
]
IN_PAGE = [
    "## 一、总则\n\n正文。",
    "注[^1]\n\n[^1]: 脚注",
    "[TOC]\n\n## 章\n\n见[本章](#章)。",
    '<a href="#章">本章</a>',
    "见[本章](\\#章)和![图](\\#图一)。",
    "[TO\x02C]\n\n## 章",  # Markdown drops the control character, leaving the marker
]


def _every_page_body(body: str) -> set[str]:
    """``body`` as each kind of output renders it, with every link resolved somewhere
    new: a body whose pages differ would show up as more than one."""
    return {
        render_body(body, Path("/nowhere"), resolve, external)
        for resolve in (lambda _: None, lambda _: "elsewhere.html")
        for external in (True, False)
    }


def _reused(body: str) -> str | None:
    made = rendered_body(body).page_html
    return None if made is None else zlib.decompress(made).decode()


def test_a_body_without_links_is_rendered_for_its_pages_once() -> None:
    """Reading keeps the HTML of a body no output rewrites (rendered.page_body): it is
    exactly what each output's own conversion would make."""
    bodies = [frontmatter.load(path).content for path in sorted(REPO.glob("content/**/*.md"))]
    reused = 0
    for body in [*bodies, *IN_PAGE, *MATCHED.values(), *LEADING_OFF, BODY]:
        kept = _reused(body)
        if kept is not None:
            assert _every_page_body(body) == {kept}, body
            reused += 1
    assert reused >= len(bodies) // 2
    for body in IN_PAGE:
        assert _reused(body) is not None, body
    for body in [*LEADING_OFF, BODY]:
        assert _reused(body) is None, body


@settings(max_examples=300, deadline=None)
@given(MARKDOWNISH)
def test_a_kept_body_is_what_every_output_renders(body: str) -> None:
    kept = _reused(body)
    if kept is not None:
        assert _every_page_body(body) == {kept}


def _alone(collector: Any, html: str) -> list[str]:
    collector.feed(html)
    collector.close()
    return collector.lines


@settings(max_examples=300, deadline=None)
@given(MARKDOWNISH)
def test_one_parse_of_a_body_gives_both_its_texts(body: str) -> None:
    """``rendered_body`` parses the HTML once for the lines a reader sees and the words a
    reader reads; each is what its collector makes of the HTML alone."""
    made, html = rendered_body(body), body_html(body)
    assert made.lines == visible_lines(html)
    assert made.text == " ".join(_alone(_ReadingCollector(), html))


class _Events(_TextCollector):
    """Every event a parser hands on, as it was handed."""

    def __init__(self) -> None:
        super().__init__()
        self.events: list[tuple[str, object]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.events.append(("start", (tag, attrs)))

    def handle_endtag(self, tag: str) -> None:
        self.events.append(("end", tag))

    def handle_data(self, data: str) -> None:
        if self.events and self.events[-1][0] == "data":  # HTMLParser may cut a text
            self.events[-1] = ("data", f"{self.events[-1][1]}{data}")
        else:
            self.events.append(("data", data))


def _events_both_ways(html: str) -> tuple[list[tuple[str, object]], list[tuple[str, object]]]:
    """What ``_Fanout`` hands on for ``html``, and what ``HTMLParser`` alone does."""
    fanned, alone = _Events(), _Events()
    _Fanout(fanned).parse(html)
    return fanned.events, _alone_events(alone, html)


def _alone_events(collector: _Events, html: str) -> list[tuple[str, object]]:
    collector.feed(html)
    collector.close()
    return collector.events


# Bodies whose HTML has what nh3 keeps: attributes, entities, non-breaking spaces,
# footnotes, abbreviations, aligned columns, images and raw HTML it cleans.
SERIALISED = [
    BODY,
    '<abbr title="“预算”&amp;\'决算\'">预决算</abbr> 与 <img src="p.png" alt="图 &lt;1&gt;">',
    "*[PPP]: 政府和社会资本合作\n\nPPP 项目 a&nbsp;b&#160;c &copy; 1 < 2 > 0",
    '<ol reversed start="3"><li value="2">二</li></ol><q cite="x">引</q><br><hr>',
    "| 左 | 右 |\n| :-- | --: |\n| 1 | 2 |\n\n```\n<p>代码</p>\n  缩进\n```\n",
    '<div onclick="x()" class="footnote toc">块</div><script>alert(1)</script><!-- 注 -->',
]


def test_the_html_nh3_writes_is_read_without_htmlparser_to_the_same_events() -> None:
    """``_Fanout`` reads nh3's form itself (``_SERIALISED``): every event, attribute
    values and decoded texts included, is the one ``HTMLParser`` hands on."""
    for body in [*SERIALISED, *MATCHED.values()]:
        html = body_html(body)
        assert _NOT_SERIALISED.search(html) is None, html
        fanned, alone = _events_both_ways(html)
        assert fanned == alone, html
    starts = [e for b in SERIALISED for e in _events_both_ways(body_html(b))[0] if e[0] == "start"]
    assert ("img", [("src", "p.png"), ("alt", "图 <1>")]) in [e[1] for e in starts]
    assert ("abbr", [("title", "“预算”&'决算'")]) in [e[1] for e in starts]


@settings(max_examples=300, deadline=None)
@given(MARKDOWNISH)
def test_any_body_is_read_to_the_same_events(body: str) -> None:
    fanned, alone = _events_both_ways(body_html(body))
    assert fanned == alone


def test_html_in_another_form_is_left_to_htmlparser() -> None:
    """What nh3 does not write (upper case, single quotes, ``/>``, a bare "<", script) is
    still read exactly, by ``HTMLParser``."""
    for html in [
        "<P>段</P>",
        "<a href='x'>链</a>",
        "行<br/>行",
        "1 < 2",
        '<img alt="图"  src="p.png">',
        "<p>段<!-- 注 --></p>",
        '<p\ttitle="t">段</p>',
        '<script>x = "<p>段</p>"</script>',
        '<style media="x">p { }</style><p>段</p>',
        "<title>标题</title><p>段</p>",
        '<p>x</p title=">110101199003077777">',
    ]:
        assert _NOT_SERIALISED.search(html) is not None, html
        fanned, alone = _events_both_ways(html)
        assert fanned == alone, html


def test_texts_passed_over_for_invisible_characters_hold_none() -> None:
    """``without_invisible`` skips its look at each character for a text of only the
    characters in ``_NO_FORMAT``: none of them may be drawn as nothing."""
    skipped = [chr(c) for c in range(sys.maxunicode + 1) if _NO_FORMAT.fullmatch(chr(c))]
    assert "预" in skipped and "，" in skipped and "\u200b" not in skipped
    assert [c for c in skipped if unicodedata.category(c) == "Cf" or _INVISIBLE.match(c)] == []
    assert without_invisible("预\u00ad算\u2063，１\U000e0041") == "预算，１"
