"""The libraries whose internals the generator reaches into, and the versions it was tested with.

Each hook below relies on something a library does not promise: a private method, the
names its modules look messages up through, a private module. A new release may drop
it without an error, and the hook then silently stops working (Markdown slower, click's
messages in English again). pyproject.toml caps these libraries at the series tested
here; each test fails with what to look at when an internal changes, so that raising a
cap starts with reading the failure rather than with a bug report from staff.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import tomllib
from pathlib import Path
from typing import Any

import pypinyin
import pytest
import yaml
from conftest import REPO
from markdown.extensions.toc import TocTreeprocessor
from markdown.treeprocessors import InlineProcessor

from generator.cli import click_zh
from generator.search.kiosk import pinyin_keys
from generator.site.markup import _BodyConverter
from generator.source import yamlsource
from generator.source.rendered import QuickInline, QuickToc

# Library (as pyproject.toml names it) → why its version is capped.
HOOKED = {
    "markdown": "source/rendered.py overrides InlineProcessor.__handleInline and the toc "
    "stage's build_toc_div and marker",
    "click": "cli/click_zh.py rebinds the gettext names of click's modules",
    "pyyaml": "source/yamlsource.py loads through yaml._yaml.CParser",
    "pypinyin": "search/kiosk.py segments as pypinyin.core.Pinyin does",
}


def _requirements() -> dict[str, str]:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    found = {}
    for requirement in project["dependencies"]:
        name = re.match(r"[A-Za-z0-9_.-]+", requirement)
        assert name is not None
        found[name.group().lower()] = requirement
    return found


def test_every_library_whose_internals_are_hooked_has_an_upper_bound() -> None:
    requirements = _requirements()
    for name, why in HOOKED.items():
        assert "<" in requirements[name], (
            f"{name} needs an upper bound in pyproject.toml ({why}); see {__name__}"
        )


# Markdown -------------------------------------------------------------------------------


def test_markdown_still_calls_the_private_method_the_quick_inline_stage_overrides(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    assert hasattr(InlineProcessor, "_InlineProcessor__handleInline"), (
        "Markdown's InlineProcessor has no __handleInline any more: rendered.QuickInline "
        "would pass over no text (bodies render as before, a third slower). "
        "Find the method Markdown now calls for each text and override that."
    )
    converter = _BodyConverter(external=True)
    stage = converter.md.treeprocessors["inline"]
    assert isinstance(stage, QuickInline), "the quick stage no longer replaces Markdown's"
    own = stage._InlineProcessor__handleInline  # type: ignore[attr-defined]
    texts: list[str] = []

    def spy(data: str, patternIndex: int = 0) -> str:
        texts.append(data)
        return own(data, patternIndex)

    monkeypatch.setattr(stage, "_InlineProcessor__handleInline", spy)
    html = converter.convert("财政预算\n\n*执行*情况", Path(), lambda _: None)
    assert html == "<p>财政预算</p>\n<p><em>执行</em>情况</p>"
    assert "财政预算" in texts, (
        "Markdown no longer calls InlineProcessor.__handleInline for each text: "
        "rendered.QuickInline passes over nothing"
    )


def test_markdown_s_toc_stage_still_builds_its_list_where_quick_toc_steps_in(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    converter = _BodyConverter(external=True)
    stage = converter.md.treeprocessors["toc"]
    assert isinstance(stage, QuickToc), "the quick toc stage no longer replaces Markdown's"
    built: list[object] = []
    real = TocTreeprocessor.build_toc_div

    def spy(self: TocTreeprocessor, tokens: list[Any]) -> object:
        built.append(tokens)
        return real(self, tokens)

    monkeypatch.setattr(TocTreeprocessor, "build_toc_div", spy)
    html = converter.convert("[TOC]\n\n## 章", Path(), lambda _: None)
    assert built and '<div class="toc">' in html, (
        "Markdown's toc stage no longer builds its list with build_toc_div: "
        "rendered.QuickToc builds every contents list again (bodies render as before, "
        "a tenth slower)"
    )
    monkeypatch.undo()
    stage.marker = ""
    html = converter.md.reset().convert("[TOC]\n\n## 章")
    assert '<div class="toc">' not in html and "<p>[TOC]</p>" in html, (
        "Markdown's toc stage no longer reads its marker from self.marker: "
        "rendered.QuickToc.expect cannot tell it where to look"
    )


# click ----------------------------------------------------------------------------------


def _translatable(source: str) -> set[str]:
    """The messages a click module passes to ``_`` or ``ngettext``."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) in ("_", "ngettext"):
            found |= {
                arg.value
                for arg in node.args
                if isinstance(arg, ast.Constant) and isinstance(arg.value, str)
            }
    return found


def test_click_still_looks_up_every_message_click_zh_translates() -> None:
    """click_zh rebinds ``_`` and ``ngettext`` in click's modules: a module that stops
    using them, or a message click rewords, would quietly be English again."""
    messages: set[str] = set()
    for name in click_zh._MODULES:
        module = importlib.import_module(f"click.{name}")
        assert hasattr(module, "_"), f"click.{name} no longer looks messages up through _"
        messages |= _translatable(inspect.getsource(module))
    missing = sorted(set(click_zh.MESSAGES) - messages)
    assert not missing, (
        f"click no longer has these messages, so click_zh's translations of them never apply: "
        f"{missing}; find what click says now (or which module says it: click_zh._MODULES)"
    )


# PyYAML ---------------------------------------------------------------------------------


def test_yaml_is_read_with_libyaml_from_pyyaml_s_private_module() -> None:
    if not yaml.__with_libyaml__:
        pytest.skip("PyYAML built without libyaml: the pure-Python parser is the one in use")
    from yaml._yaml import CParser

    assert yamlsource._Parser is CParser, (
        "yamlsource no longer loads through yaml._yaml.CParser: reading items is ten times slower"
    )
    parsed = yamlsource.load_yaml("a: 1\nb:\n  - x\n", "t.yaml", line_offset=2)
    assert parsed.problems == [] and parsed.data.key_lines == {"a": 3, "b": 4}
    assert parsed.data["b"].item_lines == [5]


# pypinyin -------------------------------------------------------------------------------


@pytest.mark.parametrize("text", ["重庆市财政局重要通知", "银行行长", "重新调整了预算"])
def test_kiosk_pinyin_keys_read_polyphonic_words_as_pypinyin_does(text: str) -> None:
    """kiosk.pinyin_keys segments with ``pypinyin.core.Pinyin().seg`` and converts word by
    word; the readings must stay those pypinyin gives the whole text."""
    syllables = pypinyin.lazy_pinyin(text)
    assert pinyin_keys(text) == ("".join(s[0] for s in syllables), "".join(syllables)), (
        "pypinyin segments or reads words differently from kiosk.pinyin_keys"
    )
