"""Parameter types and errors shared by every ``catalogue`` command module."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import click


class DateType(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value: object, param: object, ctx: object) -> dt.date:
        if isinstance(value, dt.date):
            return value
        try:
            return dt.date.fromisoformat(str(value))
        except ValueError:
            self.fail(f"“{value}”不是有效日期，应为 YYYY-MM-DD")


DATE = DateType()


class CatalogueError(click.ClickException):
    """A failure the user must act on, reported in Chinese (exit 1)."""

    def show(self, file: object = None) -> None:
        click.echo(f"错误：{self.format_message()}", err=True)


def emit(text: str, root: Path, relative: str, write: bool) -> None:
    """Print a generated file, or with ``write`` save it at ``root/relative``."""
    if not write:
        click.echo(text, nl=False)
        return
    target = root / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text, encoding="utf-8", newline="\n")
    click.echo(f"已写入 {relative}。")
