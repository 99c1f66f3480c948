"""The rules of the content contract, applied to every item of a catalogue.

``check_item`` holds the rules about one item; ``check_catalogue`` the rules
across items (a 索引号 is unique, ``superseded_by`` points at an item).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Collection, Iterator
from pathlib import Path, PurePosixPath
from urllib.parse import unquote, urlsplit

from ..problems import Problem
from ..source.config import CHANNELS, SCOPES, Config
from ..source.guard import is_regular_file, path_fault, resolve_under, symlinked
from ..source.items import ITEM_SUFFIX, Item
from ..source.suggest import key_hint, person_hint
from .annual_report import annual_report_problems, repeal_problems
from .approvals import check_approvals
from .budget import budget_problems
from .collisions import newest_last
from .confidential import confidentiality_problems
from .guide_pages import duplicate_page_problems, guide_page_problems
from .structure import raw_text_problems, structure_problems
from .withdrawal import withdrawal_problems

# ASCII digits only: ２０２５-０００３１ would sit beside 2025-00031 as another number.
INDEX_NO = re.compile(r"(?P<prefix>[^/]+)/(?P<year>[0-9]{4})-(?P<serial>[0-9]{5})")


def check_item(item: Item, config: Config, item_files: Collection[str]) -> list[Problem]:
    """The rules about ``item``; ``item_files`` are the catalogue's item files (absolute)."""
    out: list[Problem] = []

    def report(code: str, at_key: str, **params: object) -> None:
        out.append(Problem.make(code, item.path, item.line_of(at_key), **params))

    meta = item.meta
    org = config.organisation.code
    scope_name = SCOPES[item.scope]

    if meta.index_no:
        match = INDEX_NO.fullmatch(meta.index_no)
        if not match:
            report("I301", "index_no", value=meta.index_no, org=org)
        elif match["prefix"] != org:
            report("I302", "index_no", prefix=match["prefix"], org=org)
        elif meta.written and meta.published:
            years = {meta.written.year, meta.published.year}
            if int(match["year"]) not in years:
                report("I303", "index_no", year=match["year"])

    categories = config.categories_of(item.scope)
    if meta.category and meta.category not in categories:
        choices = "、".join(f"{k}（{c.name}）" for k, c in categories.items())
        names = {k: c.name for k, c in categories.items()}
        hint = key_hint(meta.category, names)
        report(
            "I305", "category", value=meta.category, scope=scope_name, choices=choices, hint=hint
        )
    if meta.owner and meta.owner not in config.sections:
        sections = {k: s.name for k, s in config.sections.items()}
        choices = "、".join(f"{k}（{name}）" for k, name in sections.items())
        hint = key_hint(meta.owner, sections)
        report("I306", "owner", value=meta.owner, choices=choices, hint=hint)
    if meta.drafted_by and meta.drafted_by not in config.people:
        hint = person_hint(meta.drafted_by, list(config.people))
        report("I307", "drafted_by", key="drafted_by", value=meta.drafted_by, hint=hint)

    if meta.written and meta.published and meta.published < meta.written:
        report("I309", "published", published=meta.published, written=meta.written)
    if meta.expires and meta.published and meta.expires < meta.published:
        report("I308", "expires", expires=meta.expires, published=meta.published)
    for change in meta.changes:
        if meta.published and change.date and change.date < meta.published:
            out.append(
                Problem.make(
                    "I317", item.path, change.line, date=change.date, published=meta.published
                )
            )

    allowed = CHANNELS[item.scope]
    for channel in meta.channels or []:
        if channel not in allowed:
            choices = "、".join(f"{k}（{v}）" for k, v in allowed.items())
            report("I310", "channels", value=channel, scope=scope_name, choices=choices)

    if meta.superseded_by and meta.validity == "current":
        report("I313", "superseded_by")
    elif meta.validity in ("amended", "repealed") and not meta.superseded_by:
        report(
            "I312", "validity", validity={"amended": "已修改", "repealed": "已废止"}[meta.validity]
        )
    if meta.superseded_by and meta.superseded_by == meta.index_no:
        report("I314", "superseded_by")

    if "summary" not in item.raw:
        report("I315", "title")
    if not item.body.strip():
        out.append(Problem.make("I316", item.path, item.body_line))
    out.extend(_placeholder_problems(item))

    out.extend(budget_problems(item, config))
    out.extend(structure_problems(item))
    out.extend(raw_text_problems(item))
    out.extend(_attachment_problems(item))
    out.extend(_link_problems(item, item_files))
    out.extend(check_approvals(item, config))
    out.extend(confidentiality_problems(item, config))
    out.extend(withdrawal_problems(item, config))
    out.extend(repeal_problems(item))
    out.extend(annual_report_problems(item))
    out.extend(guide_page_problems(item))
    return out


def files_looked_up(item: Item, item_files: Collection[str]) -> str:
    """What ``check_item`` finds of the files under content/ for ``item``, beyond the
    bytes of its own file and attachments: where each local link leads and whether an
    item or a file is there, whether each attachment is a regular file reached through
    no symlink, and, where one is missing, the files of its folder (L401 names the
    nearest). A cache keeps an item's check while this stands, so a file added
    elsewhere under content/ checks no other item again."""
    facts = []
    for target, _ in local_links(item.body):
        if not PurePosixPath(target).is_absolute():
            file = resolve_under(item.folder, target)
            listed = file is not None and str(file) in item_files
            facts.append(f"{target}>{file}:{listed}:{is_regular_file(file)}")
    for path, file in item.attachment_files.items():
        linked, present = symlinked(item.folder, item.folder / path), is_regular_file(file)
        facts.append(f"{path}>{file}:{linked}:{present}")
        if file is not None and not present:
            facts += (f"{near}>{near.resolve()}" for near in nearest_files(file))
    return "\n".join(facts)


# What ``catalogue new`` writes where staff must fill in (``authoring.new_item.FILL``).
PLACEHOLDER = re.compile(r"（请填写：[^（）\n]{0,80}）")


def _placeholder_problems(item: Item) -> Iterator[Problem]:
    """I318 at each line still holding a template's prompt (the first on that line)."""
    if "请填写" not in item.body:
        return
    for offset, line in enumerate(item.body.split("\n")):
        if match := PLACEHOLDER.search(line):
            yield Problem.make("I318", item.path, item.body_line + offset, text=match[0])


def _attachment_problems(item: Item) -> Iterator[Problem]:
    seen: set[str] = set()
    for attachment in item.meta.attachments:
        if attachment.path is None:
            continue
        here = (item.path, attachment.line)
        file = item.attachment_files.get(attachment.path)
        relative = PurePosixPath(attachment.path)
        if attachment.path in seen:
            yield Problem.make("L403", *here, file=attachment.path)
        elif (fault := path_fault(attachment.path)) is not None:
            yield Problem.make("L402", *here, file=attachment.path, why=fault)
        elif symlinked(item.folder, item.folder / relative):
            yield Problem.make("L406", *here, file=attachment.path)  # before L402: the cause
        elif file is None:
            yield Problem.make("L402", *here, file=attachment.path, why="超出了条目所在文件夹")
        elif not is_regular_file(file):
            yield Problem.make("L401", *here, **_missing_attachment(item, attachment.path, file))
        seen.add(attachment.path)


LISTED = 5  # files named in an L401, nearest first


def nearest_files(wanted: Path) -> list[Path]:
    """The regular files in ``wanted``'s folder, the names most like its name first."""
    try:
        present = [f for f in wanted.parent.iterdir() if is_regular_file(f)]
    except OSError:
        return []

    def likeness(file: Path) -> float:
        return difflib.SequenceMatcher(None, wanted.name, file.name).ratio()

    return sorted(present, key=lambda f: (-likeness(f), f.name))


def _missing_attachment(item: Item, written: str, file: Path) -> dict[str, str]:
    inside = file.relative_to(item.folder.resolve())
    checked = (PurePosixPath(item.path).parent / inside.as_posix()).as_posix()
    names = [f.name for f in nearest_files(file)[:LISTED]]
    folder = inside.parent.as_posix()
    listing = f"{folder} 文件夹中有：{'、'.join(names)}" if names else f"{folder} 文件夹中没有文件"
    return {"file": written, "checked": checked, "listing": listing}


def mistyped_for(item: Item) -> set[Path]:
    """Files a missing attachment most likely meant: a body link to one is not also L405."""
    out = set()
    for file in item.attachment_files.values():
        if file is not None and not is_regular_file(file):
            out.update(f.resolve() for f in nearest_files(file)[:1])
    return out


# [text](target "title"), ![alt](target) and reference definitions [id]: target
# Linear time (finding 7): no two starts scan the same run of text, since a link text
# stops at any bracket, a target at a "(" that does not close at once, and a title at
# its own quote. ``[^\]]*`` and ``[^)]*`` scanned to the end for every "[" of 40,000.
_INLINE_LINK = re.compile(
    r"!?\[[^\[\]]*\]\(\s*<?((?:[^()\s>]|\([^()\s>]*\))+)>?"
    r"(?:\s+(?:\"[^\")]*\"|'[^')]*'))?\s*\)"
)
# A footnote's definition (``[^1]: text``) looks like a reference but links nowhere.
_REFERENCE_LINK = re.compile(r"^\s{0,3}\[(?!\^)[^\[\]]+\]:\s*<?(\S+?)>?(?:\s|$)", re.MULTILINE)


def local_links(body: str) -> Iterator[tuple[str, int]]:
    """Relative link targets in a Markdown body, with their 0-based line in the body."""
    if "](" not in body and "]:" not in body:  # most bodies: no link, and no regex scan
        return
    for pattern in (_INLINE_LINK, _REFERENCE_LINK):
        for match in pattern.finditer(body):
            target = match.group(1)
            parts = urlsplit(target)
            if parts.scheme or parts.netloc or not parts.path:
                continue  # external URL, mailto:, or an in-page #anchor
            yield unquote(parts.path), body.count("\n", 0, match.start())


def _link_problems(item: Item, item_files: Collection[str]) -> Iterator[Problem]:
    attachments = {f.resolve() for f in item.attachment_files.values() if f is not None}
    attachments |= mistyped_for(item)  # reported once, as L401 with its files listed
    for target, offset in local_links(item.body):
        line = item.body_line + offset
        if PurePosixPath(target).is_absolute():
            yield Problem.make("L404", item.path, line, target=target)
            continue
        file = resolve_under(item.folder, target)
        if target.endswith(ITEM_SUFFIX):
            if file is None or str(file) not in item_files:
                yield Problem.make("L404", item.path, line, target=target)
        elif file is None or not is_regular_file(file):
            yield Problem.make("L404", item.path, line, target=target)
        elif file not in attachments:
            yield Problem.make("L405", item.path, line, target=target)


def check_catalogue(
    items: list[Item], root: Path | None = None, base: str | None = None
) -> list[Problem]:
    """Rules across items: unique 索引号, ``superseded_by`` resolves.

    Of items sharing a 索引号 the newer ones (``collisions.newest_last``: by the
    ``base`` branch, git history under ``root``, else by ``written``) get I304,
    naming the oldest, which keeps its number.
    """
    out: list[Problem] = []
    sharing: dict[str, list[Item]] = {}
    for item in items:
        if item.meta.index_no:
            sharing.setdefault(item.meta.index_no, []).append(item)
    for number, group in sharing.items():
        if len(group) < 2:
            continue
        oldest, *newer = newest_last(root, group, base) if root else group
        where = f"{oldest.path}:{oldest.line_of('index_no')}"
        for item in newer:
            line = item.line_of("index_no")
            out.append(Problem.make("I304", item.path, line, value=number, other=where))
    for item in items:
        target = item.meta.superseded_by
        if target and target not in sharing and target != item.meta.index_no:
            out.append(Problem.make("I311", item.path, item.line_of("superseded_by"), value=target))
    out.extend(duplicate_page_problems(items))
    return out
