"""The body HTML allow-list: what disclosure documents need survives, nothing executable does.
(The browser proof, through a real build, is tests/browser/test_security.py.)"""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import Repo, line_of
from xsspayloads import PAYLOADS

from generator.site.markup import render_body
from generator.source.sanitize import sanitize

FORBIDDEN_TAGS = {
    *("script", "iframe", "frame", "object", "embed", "form", "input", "button", "textarea"),
    *("style", "link", "meta", "base", "svg", "math", "template"),
}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data", "srcdoc"}


class _Elements(HTMLParser):
    """Every (tag, attributes) of an HTML fragment, parsed as a browser would tokenise it."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, dict[str, str]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, {k: v or "" for k, v in attrs}))


def dangers(html: str) -> list[str]:
    parser = _Elements()
    parser.feed(html)
    out = []
    for tag, attrs in parser.found:
        if tag in FORBIDDEN_TAGS:
            out.append(tag)
        for name, value in attrs.items():
            compact = re.sub(r"[\x00-\x20]", "", value).lower()
            if name.startswith("on") or name in ("style", "name") or value == "catalogueSearch":
                out.append(f"{tag}[{name}]")
            if name in URL_ATTRIBUTES and compact.startswith(("javascript:", "vbscript:", "data:")):
                out.append(f"{tag}[{name}={value}]")
    return out


def render(body: str) -> str:
    return render_body(body, Path("/nonexistent"), lambda _: None)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_leaves_nothing_executable(payload: str) -> None:
    html = render(f"## 标题\n\n{payload}\n\n正文。\n")
    assert dangers(html) == [], html


def test_the_checker_sees_dangers() -> None:
    assert dangers('<p title="onclick=x"><a href=" JaVa\tscript:1" onclick="y">') == [
        "a[href= JaVa\tscript:1]",
        "a[onclick]",
    ]


def test_what_documents_need_survives() -> None:
    body = (
        "## 一、收支 {: #income }\n\n"
        "| 项目 | 金额 |\n| :--- | ---: |\n| 税收 | 1,200 |\n\n"
        '见[财政部](https://www.mof.gov.cn/ "财政部网站")、[邮件](mailto:a@b.cn)、'
        "**加粗**、*强调*、`代码`、H~2~O[^1]。\n\n"
        "> 引用\n\n![图](https://example.invalid/a.png)\n\n*[HTML]: 超文本\n\nHTML\n\n"
        "[^1]: 注释\n"
    )
    html = render(body)
    for needle in (
        '<h2 id="income">',
        'class="headerlink"',
        '<th style="text-align: left;">',
        '<td style="text-align: right;">1,200</td>',
        '<a href="https://www.mof.gov.cn/" title="财政部网站">',
        '<a href="mailto:a@b.cn">',
        "<strong>加粗</strong>",
        "<em>强调</em>",
        "<code>代码</code>",
        '<sup id="fnref:1"><a class="footnote-ref" href="#fn:1">',
        '<div class="footnote">',
        '<li id="fn:1">',
        "<blockquote>",
        '<img alt="图" src="https://example.invalid/a.png">',
        '<abbr title="超文本">HTML</abbr>',
    ):
        assert needle in html, needle


def test_style_other_than_alignment_and_unknown_classes_are_dropped() -> None:
    html = sanitize(
        '<table><tr><td style="text-align: right; position: fixed">1</td>'
        '<td style="text-align: center;" class="skip-link">2</td></tr></table>'
        '<p class="hidden" title="t">x</p>'
    )
    assert html == (
        '<table><tbody><tr><td>1</td><td style="text-align: center;">2</td></tr></tbody></table>'
        '<p title="t">x</p>'
    )


def test_an_entity_encoded_script_link_never_reaches_the_build(repo: Repo) -> None:
    """A Markdown link whose target hides ``javascript:`` behind entities looks local, so
    validation refuses it as a broken link before the sanitiser would have to."""
    path = repo.add_item(body="## 附\n\n[点我](&#106;avascript:alert(1))\n")
    assert ("L404", line_of(path, "点我")) in repo.codes(path)
