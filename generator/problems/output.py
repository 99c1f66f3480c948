"""Printing problems for people (text), for GitHub Actions and for tools (JSON)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable

from . import Problem, Severity

FORMATS = ("text", "github", "json")


def default_format() -> str:
    return "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"


def as_text(problem: Problem) -> str:
    marker = "" if problem.is_error else "（警告）"
    return f"{problem.path}:{problem.line}: {problem.code} {marker}{problem.message}"


def _escape_data(text: str) -> str:
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def as_github(problem: Problem) -> str:
    """A workflow command, so the problem shows as an annotation on the changed line."""
    level = "error" if problem.severity is Severity.ERROR else "warning"
    props = f"file={_escape_property(problem.path)},line={problem.line},title={problem.code}"
    return f"::{level} {props}::{_escape_data(problem.message)}"


def as_json(problems: Iterable[Problem]) -> str:
    rows = [
        {
            "path": p.path,
            "line": p.line,
            "code": p.code,
            "severity": p.severity.value,
            "message": p.message,
        }
        for p in problems
    ]
    return json.dumps(rows, ensure_ascii=False, indent=2)


def render(problems: list[Problem], fmt: str) -> str:
    if fmt == "json":
        return as_json(problems)
    line = as_github if fmt == "github" else as_text
    return "\n".join(line(p) for p in problems)


def summary(problems: list[Problem], strict: bool) -> str:
    n_errors = sum(p.is_error for p in problems)
    n_warnings = len(problems) - n_errors
    if not problems:
        return "检查通过：没有发现问题。"
    tail = "（--strict：警告按错误处理）" if strict and n_warnings else ""
    return f"发现 {n_errors} 个错误、{n_warnings} 个警告{tail}。"
