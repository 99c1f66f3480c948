"""Who may take an approval step: named in messages (A501), by ``new`` and by ``approve``."""

from __future__ import annotations

from ..source.config import Config, Step


def approvers(config: Config, step: Step, owner: str, drafter: str | None) -> list[str]:
    """The people who may take ``step`` for an item of ``owner`` drafted by ``drafter``."""
    return [p for p in config.people if p != drafter and config.may_take(p, step, owner)]


def named_approvers(config: Config, step: Step, owner: str, drafter: str | None) -> str:
    """``approvers`` in Chinese, for a message."""
    names = approvers(config, step, owner, drafter)
    return "、".join(names) if names else "无人（填报人不能审批自己填报的条目，请更换填报人）"
