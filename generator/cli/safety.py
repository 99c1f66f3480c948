"""The last line of defence: no command ever shows staff a Python traceback.

Every known failure is already a coded problem. Should an unforeseen one escape
(a bug, a file no guard anticipated), staff get a coded message asking them to
report it, and the command exits 1 like any other failure; the previous build/
is untouched because builds are staged. ``CATALOGUE_DEBUG=1`` re-raises, for
developers who need the traceback.

SIGTERM and SIGHUP (a CI job cancelled, a terminal closed) stop a command as
Ctrl+C does: as ``KeyboardInterrupt``, so a build puts back or removes what it
had started to write instead of dying half-way.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

import click

from ..problems import CODES

DEBUG_ENV = "CATALOGUE_DEBUG"


TERMINATING = (signal.SIGTERM, signal.SIGHUP)


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP arrived: handled as Ctrl+C (SIGINT) is."""


def _interrupt(signum: int, frame: FrameType | None) -> None:
    raise Terminated(signal.Signals(signum).name)


@contextmanager
def terminated_as_interrupted() -> Iterator[None]:
    """While inside, SIGTERM and SIGHUP raise ``Terminated`` (a ``KeyboardInterrupt``).

    Only the main thread may set signal handlers; elsewhere this does nothing.
    """
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {number: signal.signal(number, _interrupt) for number in TERMINATING}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


class SafeGroup(click.Group):
    """A click group whose commands turn unexpected exceptions into X001, and stop on
    SIGTERM and SIGHUP as on Ctrl+C."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            with terminated_as_interrupted():
                return super().invoke(ctx)
        except (click.exceptions.ClickException, click.exceptions.Exit, click.Abort):
            raise
        except Exception as exc:
            if os.environ.get(DEBUG_ENV):
                raise
            code = CODES["X001"]
            detail = f"{type(exc).__name__}: {exc}"[:300]
            click.echo(f"错误：X001 {code.template.format(detail=detail)}", err=True)
            click.echo(f"{code.fix}（维护人员可设置 {DEBUG_ENV}=1 查看详细信息。）", err=True)
            ctx.exit(1)
