"""The last line of defence: no command ever shows staff a Python traceback.

Every known failure is already a coded problem. Should an unforeseen one escape
(a bug, a file no guard anticipated), staff get a coded message asking them to
report it, and the command exits 1 like any other failure; the previous build/
is untouched because builds are staged. ``CATALOGUE_DEBUG=1`` re-raises, for
developers who need the traceback.
"""

from __future__ import annotations

import os
from typing import Any

import click

from ..problems import CODES

DEBUG_ENV = "CATALOGUE_DEBUG"


class SafeGroup(click.Group):
    """A click group whose commands turn unexpected exceptions into X001."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
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
