"""YAML that remembers where every value came from.

Errors must name the file and line of the offending key, so catalog.yaml and
item front matter are loaded into dict/list subclasses that carry line numbers.
Dates stay strings here: the schema layer parses them strictly, so a value like
2024-02-30 becomes a coded error instead of a PyYAML traceback, and the digest
sees exactly what the author wrote.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from ..problems import Problem


class LineMap(dict):
    """A mapping that knows its own line and the line of each key (1-based)."""

    line: int = 1
    key_lines: dict[Any, int]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.key_lines = {}  # an empty front matter (--- ---) is a LineMap too

    def line_of(self, key: Any) -> int:
        return self.key_lines.get(key, self.line)


class LineList(list):
    """A sequence that knows its own line and the line of each entry (1-based)."""

    line: int = 1
    item_lines: list[int]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.item_lines = []

    def line_of(self, index: int) -> int:
        return self.item_lines[index] if index < len(self.item_lines) else self.line


class _Resolver(yaml.resolver.BaseResolver):
    pass


# The implicit resolvers of SafeLoader, minus timestamps (see module docstring).
for _first, _entries in yaml.resolver.Resolver.yaml_implicit_resolvers.items():
    for _tag, _regexp in _entries:
        if _tag != "tag:yaml.org,2002:timestamp":
            _Resolver.add_implicit_resolver(_tag, _regexp, [_first])


class _PurePythonParser(
    yaml.reader.Reader, yaml.scanner.Scanner, yaml.parser.Parser, yaml.composer.Composer
):
    def __init__(self, text: str) -> None:
        yaml.reader.Reader.__init__(self, text)
        yaml.scanner.Scanner.__init__(self)
        yaml.parser.Parser.__init__(self)
        yaml.composer.Composer.__init__(self)


try:  # libyaml parses about ten times faster and reports the same marks
    from yaml._yaml import CParser as _Parser
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    _Parser = _PurePythonParser  # type: ignore[assignment,misc]


class _LineLoader(_Parser, yaml.constructor.SafeConstructor, _Resolver):  # type: ignore[misc]
    def __init__(self, text: str, path: str, line_offset: int) -> None:
        _Parser.__init__(self, text)
        yaml.constructor.SafeConstructor.__init__(self)
        _Resolver.__init__(self)
        self.path = path
        self.line_offset = line_offset
        self.problems: list[Problem] = []

    def _line(self, node: yaml.Node) -> int:
        return node.start_mark.line + 1 + self.line_offset

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> LineMap:
        self.flatten_mapping(node)
        mapping = LineMap()
        mapping.line = self._line(node)
        mapping.key_lines = {}
        for key_node, value_node in node.value:
            key = self.construct_object(key_node, deep=True)
            line = self._line(key_node)
            if not isinstance(key, str | int | float | bool) or key is None:
                self.problems.append(
                    Problem.make("Y003", self.path, line, key=str(key_node.value)[:40])
                )
                continue
            if key in mapping:
                self.problems.append(
                    Problem.make("Y002", self.path, line, key=key, first=mapping.key_lines[key])
                )
                continue
            mapping[key] = self.construct_object(value_node, deep=True)
            mapping.key_lines[key] = line
        return mapping

    def construct_sequence(self, node: yaml.SequenceNode, deep: bool = False) -> LineList:
        seq = LineList(self.construct_object(child, deep=True) for child in node.value)
        seq.line = self._line(node)
        seq.item_lines = [self._line(child) for child in node.value]
        return seq


_LineLoader.add_constructor("tag:yaml.org,2002:map", _LineLoader.construct_mapping)
_LineLoader.add_constructor("tag:yaml.org,2002:seq", _LineLoader.construct_sequence)


@dataclass
class Parsed:
    """The result of reading YAML: the data (None when unreadable) and what went wrong."""

    data: Any
    problems: list[Problem] = field(default_factory=list)


# The problems that mean the text did not parse at all.
SYNTAX_CODES = frozenset({"Y001", "Y004", "Y006", "Y007", "Y008", "Y009"})


def load_yaml(text: str, path: str, line_offset: int = 0) -> Parsed:
    """Parse one YAML document; syntax errors become Y001 problems with a line."""
    loader = _LineLoader(text, path, line_offset)
    try:
        data = loader.get_single_data()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = (mark.line + 1 + line_offset) if mark else line_offset + 1
        detail = exc.problem or "无法解析"
        if _tab_indented(text, line_offset, line):  # PyYAML's own words don't say "tab"
            return Parsed(None, [*loader.problems, Problem.make("Y004", path, line)])
        if (found := likely_cause(text, line_offset, line, path)) is not None:
            return Parsed(None, [*loader.problems, found])
        return Parsed(None, [*loader.problems, Problem.make("Y001", path, line, detail=detail)])
    except yaml.YAMLError as exc:
        return Parsed(None, [Problem.make("Y001", path, line_offset + 1, detail=str(exc))])
    finally:
        loader.dispose()
    return Parsed(data, loader.problems)


def _tab_indented(text: str, line_offset: int, line: int) -> bool:
    """Is file line ``line`` of a YAML text starting at ``line_offset`` indented with a tab?"""
    lines = text.split("\n")
    index = line - line_offset - 1
    if not 0 <= index < len(lines):
        return False
    row = lines[index]
    return "\t" in row[: len(row) - len(row.lstrip(" \t"))]


# Where a syntax error really starts: PyYAML notices an unclosed quote only at the end
# of the file, and a full-width colon a line later. Checked in file order up to the line
# PyYAML names; the first line that fits is the cause.
_KEY = r"^[ ]*(?:-[ ]+)?(?P<key>[A-Za-z_][A-Za-z0-9_-]*)"
_FULL_WIDTH_COLON = re.compile(_KEY + r"[ ]*：")
_QUOTED = re.compile(_KEY + r"[ ]*:[ ]+(?P<quote>[\"'])(?P<rest>.*)$")
_BRACKETED = re.compile(_KEY + r"[ ]*:[ ]+(?P<open>[\[{])(?P<rest>.*)$")
_CLOSING = {"[": "]", "{": "}"}
_COLON_IN_VALUE = re.compile(_KEY + r"[ ]*:[ ]+(?P<value>[^\"'\[{|>&*!#][^#]*?:[ ].*)$")


def likely_cause(text: str, line_offset: int, line: int, path: str) -> Problem | None:
    """Y006–Y009 at the line where a syntax error PyYAML reports at ``line`` starts."""
    rows = text.split("\n")[: max(0, line - line_offset)]
    for number, row in enumerate(rows, start=line_offset + 1):
        if match := _FULL_WIDTH_COLON.match(row):
            return Problem.make("Y006", path, number, key=match["key"])
        if (match := _QUOTED.match(row)) and not _closes(match["quote"], match["rest"]):
            return Problem.make("Y007", path, number, key=match["key"], quote=match["quote"])
        if (match := _BRACKETED.match(row)) and _CLOSING[match["open"]] not in match["rest"]:
            close = _CLOSING[match["open"]]
            return Problem.make(
                "Y009", path, number, key=match["key"], open=match["open"], close=close
            )
        if (match := _COLON_IN_VALUE.match(row)) and number == line:
            return Problem.make("Y008", path, number, key=match["key"])
    return None


def _closes(quote: str, rest: str) -> bool:
    """Does a scalar opened with ``quote`` close within ``rest``, the rest of its line?"""
    if quote == "'":
        return "'" in rest.replace("''", "")
    return re.search(r'(?<!\\)(?:\\\\)*"', rest) is not None
