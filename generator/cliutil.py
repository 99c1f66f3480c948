"""Parameter types and errors shared by every ``catalogue`` command module."""

from __future__ import annotations

import datetime as dt

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
