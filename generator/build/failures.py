"""The problem to report when a stage of a build fails: located, coded, never a traceback."""

from __future__ import annotations

import contextlib
import traceback
from pathlib import Path

import jinja2

from ..problems import Problem
from ..site.render import THEMES_DIR


def stage_problem(root: Path, exc: BaseException) -> Problem | None:
    """The problem to report for a stage that raised ``exc``; None for a bug."""
    if isinstance(exc, jinja2.TemplateError):
        return _template_problem(root, exc)
    if isinstance(exc, OSError):
        where = str(exc.filename or "build")
        return Problem.make("B003", where, 1, detail=exc.strerror or exc)
    return None


def _template_problem(root: Path, exc: jinja2.TemplateError) -> Problem:
    """A template error located at its template file and line, like any other problem.

    Syntax errors carry their location; runtime errors (an undefined name) are
    located by the innermost template frame of the traceback.
    """
    where: tuple[str | None, int | None] = (
        getattr(exc, "filename", None),
        getattr(exc, "lineno", None),
    )
    if where[0] is None:
        frames = [
            f for f in traceback.extract_tb(exc.__traceback__) if f.filename.endswith(".html")
        ]
        if frames:
            where = (frames[-1].filename, frames[-1].lineno)
    name, line = where[0] or THEMES_DIR, where[1] or 1
    with contextlib.suppress(ValueError):
        name = Path(name).resolve().relative_to(root).as_posix()
    return Problem.make("B001", name, line, detail=exc.message or exc)
