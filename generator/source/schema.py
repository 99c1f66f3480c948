"""Declarative schemas for catalog.yaml and item front matter.

A schema is a plain dataclass whose fields carry an ``Option`` in their
metadata (see ``option``). ``load`` walks the YAML mapping once, checks every
key against the dataclass, and reports every bad key at once with its line,
in the spirit of MkDocs' ``config_options``. Invalid values become ``None`` so
later rules can still run on the rest of the object.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, TypeVar

from ..problems import Problem
from .suggest import date_hint
from .yamlsource import LineList, LineMap

T = TypeVar("T")


class Invalid(Exception):
    """A value that does not fit its option; carries a ready-made problem."""

    def __init__(self, code: str, **params: object) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass
class Context:
    """Where values come from and where problems go."""

    path: str
    problems: list[Problem]

    def report(self, code: str, line: int, **params: object) -> None:
        self.problems.append(Problem.make(code, self.path, line, **params))


_TYPE_NAMES = {
    str: "文本",
    bool: "true/false",
    int: "整数",
    float: "数字",
    list: "列表",
    dict: "键值映射",
    LineList: "列表",
    LineMap: "键值映射",
    type(None): "空值",
}


def type_name(value: Any) -> str:
    return _TYPE_NAMES.get(type(value), type(value).__name__)


class Option:
    """One configurable value. Subclasses implement ``convert``."""

    expected = "值"

    def __init__(self, *, required: bool = False, default: Any = None) -> None:
        self.required = required
        self.default = default

    def convert(self, value: Any, key: str, line: int, ctx: Context) -> Any:
        raise NotImplementedError


class Str(Option):
    expected = "文本"

    def __init__(
        self,
        *,
        max_len: int | None = None,
        pattern: str | None = None,
        pattern_hint: str = "",
        **kw: Any,
    ) -> None:
        super().__init__(**kw)
        self.max_len = max_len
        self.pattern = re.compile(pattern) if pattern else None
        self.pattern_hint = pattern_hint

    def convert(self, value: Any, key: str, line: int, ctx: Context) -> str:
        if isinstance(value, int | float) and not isinstance(value, bool):
            value = str(value)  # phone numbers and codes are often written bare
        if not isinstance(value, str):
            raise Invalid("S103", key=key, expected=self.expected, actual=type_name(value))
        value = value.strip()
        if not value:
            raise Invalid("S108", key=key)
        if self.max_len is not None and len(value) > self.max_len:
            raise Invalid("S106", key=key, length=len(value), limit=self.max_len)
        if self.pattern and not self.pattern.fullmatch(value):
            raise Invalid("S107", key=key, value=value, expected=self.pattern_hint)
        return value


class Bool(Option):
    def convert(self, value: Any, key: str, line: int, ctx: Context) -> bool:
        if not isinstance(value, bool):
            raise Invalid("S103", key=key, expected="true 或 false", actual=type_name(value))
        return value


class Int(Option):
    def __init__(self, *, minimum: int | None = None, **kw: Any) -> None:
        super().__init__(**kw)
        self.minimum = minimum

    def convert(self, value: Any, key: str, line: int, ctx: Context) -> int:
        if not isinstance(value, int) or isinstance(value, bool):
            raise Invalid("S103", key=key, expected="整数", actual=type_name(value))
        if self.minimum is not None and value < self.minimum:
            raise Invalid("S107", key=key, value=value, expected=f"不小于 {self.minimum}")
        return value


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


class Date(Option):
    def convert(self, value: Any, key: str, line: int, ctx: Context) -> dt.date:
        text = str(value).strip()
        if not isinstance(value, str) or not _DATE.fullmatch(text):
            raise Invalid("S104", key=key, value=value, hint=date_hint(value))
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            raise Invalid("S104", key=key, value=value, hint="") from None


class Choice(Option):
    def __init__(self, choices: Mapping[str, str] | list[str], **kw: Any) -> None:
        super().__init__(**kw)
        self.choices = list(choices)

    def convert(self, value: Any, key: str, line: int, ctx: Context) -> str:
        if not isinstance(value, str) or value not in self.choices:
            raise Invalid("S105", key=key, value=value, choices="、".join(self.choices))
        return value


class ListOf(Option):
    """A list of values; a single scalar is accepted as a one-element list."""

    def __init__(self, item: Option, **kw: Any) -> None:
        kw.setdefault("default", [])
        super().__init__(**kw)
        self.item = item

    def convert(self, value: Any, key: str, line: int, ctx: Context) -> list[Any]:
        if isinstance(value, str | int):
            value = _single(value, line)
        if not isinstance(value, list):
            raise Invalid("S103", key=key, expected="列表", actual=type_name(value))
        out = []
        for index, entry in enumerate(value):
            entry_line = value.line_of(index) if isinstance(value, LineList) else line
            converted = convert_reporting(self.item, entry, f"{key}[{index + 1}]", entry_line, ctx)
            if converted is not None:
                out.append(converted)
        return out


def _single(value: Any, line: int) -> LineList:
    seq = LineList([value])
    seq.line, seq.item_lines = line, [line]
    return seq


class Nested(Option):
    """A mapping loaded into another schema dataclass."""

    def __init__(self, schema: type, **kw: Any) -> None:
        super().__init__(**kw)
        self.schema = schema

    def convert(self, value: Any, key: str, line: int, ctx: Context) -> Any:
        if not isinstance(value, LineMap):
            raise Invalid("S103", key=key, expected="键值映射", actual=type_name(value))
        return load(self.schema, value, ctx)


_KEY = re.compile(r"[a-z][a-z0-9_-]*")


class KeyedMap(Option):
    """A mapping of keys to schema objects; each object gets its key as ``key``.

    With ``key_pattern`` keys must be short ASCII identifiers, since they
    appear in front matter, URLs and folder names.
    """

    def __init__(self, schema: type, *, ascii_keys: bool = True, **kw: Any) -> None:
        kw.setdefault("default", {})
        super().__init__(**kw)
        self.schema = schema
        self.ascii_keys = ascii_keys

    def convert(self, value: Any, key: str, line: int, ctx: Context) -> dict[str, Any]:
        if not isinstance(value, LineMap):
            raise Invalid("S103", key=key, expected="键值映射", actual=type_name(value))
        out = {}
        for name, body in value.items():
            name_line = value.line_of(name)
            name = str(name)
            if self.ascii_keys and not _KEY.fullmatch(name):
                ctx.report(
                    "S107",
                    name_line,
                    key=f"{key}.{name}",
                    value=name,
                    expected="小写英文字母开头，只含 a-z 0-9 _ -",
                )
                continue
            if body is None:
                body = LineMap()
                body.line, body.key_lines = name_line, {}
            obj = convert_reporting(Nested(self.schema), body, f"{key}.{name}", name_line, ctx)
            if obj is not None:
                out[name] = dataclasses.replace(obj, key=name)
        return out


@dataclass(kw_only=True)
class Located:
    """Base for schema objects that remember the line of their mapping and of each key."""

    line: int = 0
    key_lines: dict[str, int] = dataclasses.field(default_factory=dict)

    def line_of(self, key: str) -> int:
        return self.key_lines.get(key, self.line)


def convert_reporting(opt: Option, value: Any, key: str, line: int, ctx: Context) -> Any:
    """Convert one value; on failure report it and return None."""
    try:
        return opt.convert(value, key, line, ctx)
    except Invalid as exc:
        ctx.report(exc.code, line, **exc.params)
        return None


def option(opt: Option, *, yaml_key: str | None = None) -> Any:
    """Declare a schema field: ``title: str = option(Str(required=True))``."""
    default = opt.default
    meta = {"option": opt, "yaml_key": yaml_key}
    if isinstance(default, list | dict):
        return dataclasses.field(default_factory=lambda: type(default)(default), metadata=meta)
    return dataclasses.field(default=default, metadata=meta)


def options(schema: type) -> dict[str, tuple[str, Option]]:
    """YAML key → (attribute name, option) for a schema dataclass."""
    out = {}
    for f in dataclasses.fields(schema):
        if "option" in f.metadata:
            out[f.metadata["yaml_key"] or f.name] = (f.name, f.metadata["option"])
    return out


def did_you_mean(key: str, known: list[str]) -> str:
    close = difflib.get_close_matches(key, known, n=1, cutoff=0.5)
    return f"，是否想写“{close[0]}”？" if close else ""


def load(schema: type[T], data: LineMap, ctx: Context, **extra: Any) -> T:
    """Check ``data`` against ``schema`` and build it; every problem goes to ``ctx``."""
    known = options(schema)
    for key in data:
        if key not in known:
            ctx.report("S101", data.line_of(key), key=key, hint=did_you_mean(str(key), list(known)))
    values: dict[str, Any] = {}
    for yaml_key, (attr, opt) in known.items():
        if yaml_key not in data or data[yaml_key] is None:
            if opt.required:
                ctx.report("S102", data.line, key=yaml_key)
            continue
        converted = convert_reporting(opt, data[yaml_key], yaml_key, data.line_of(yaml_key), ctx)
        if converted is not None:
            values[attr] = converted
    names = {f.name for f in dataclasses.fields(schema)}
    if "line" in names:
        extra.setdefault("line", data.line)
    if "key_lines" in names:
        extra.setdefault("key_lines", dict(data.key_lines))
    return schema(**values, **extra)
