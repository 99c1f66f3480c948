"""The catalogue: the bureau's config plus every item, read and checked.

``load_catalogue`` is the first half of the pipeline (load config → read items →
validate); ``validate`` and ``build`` both start here. A catalog.yaml that cannot be
loaded stops it before any item is read (``CatalogUnusable``), so a ``Catalogue``
always has its config.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import unicodedata
from collections.abc import Collection
from dataclasses import dataclass, field, replace
from pathlib import Path

from .checks.annual_report import report_findings
from .checks.backdating import backdating_problems
from .checks.confidential import find
from .checks.history import predated_publication_problems
from .checks.lifecycle import Finding, findings
from .checks.requests import register_problems, request_findings
from .checks.validate import check_catalogue, check_item, files_looked_up
from .problems import Problem, Severity, errors
from .source.config import Config, load_catalog
from .source.items import CONTENT_DIR, Item, content_files, item_files, read_item
from .source.requests import Register, load_register
from .source.trust import trusted_keys
from .source.yearly import yearly_problems

APPROVAL_CODES = "A"  # the A5xx codes: missing, stale or invalid approvals
# What a preview shows as a draft too: a new item's template prompts not yet filled in.
DRAFT_CODES = frozenset({"I318"})
# Codes whose message quotes what staff wrote: an ID number typed into a field would be
# printed whole in CI logs, so ID, mobile and card numbers in them are masked.
QUOTING_CODES = frozenset({"S101", "S104", "S107", "I301"})


def masked(problem: Problem) -> Problem:
    """``problem`` with the personal numbers its message quotes masked the way the
    confidentiality check's own messages are (``330102********1234``)."""
    if problem.code not in QUOTING_CODES:
        return problem
    found = [f for f in find(problem.message) if f.kind != "classified"]
    if not found:
        return problem
    message = problem.message
    if not all(f.value in message for f in found):
        message = unicodedata.normalize("NFKC", message)  # found values are NFKC's
    for finding in found:
        message = message.replace(finding.value, finding.masked)
    return replace(problem, message=message)


class CatalogUnusable(Exception):
    """catalog.yaml could not be loaded, so no item can be read or checked.

    ``problems`` says why (C203, Y001, S1xx and the like): every command reports them
    as it reports a catalogue's problems, and fails.
    """

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problems in catalog.yaml")
        self.problems = problems


@dataclass
class Catalogue:
    root: Path
    config: Config
    items: list[Item] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    drafts: set[str] = field(default_factory=set)  # paths previewed before approval
    register: Register = field(default_factory=Register)  # 依申请公开, internal only

    def allow_drafts(self) -> None:
        """For a preview: approval problems (and unfilled template prompts) become
        warnings and their items drafts.

        Staff want to see an item before it is approved; only ``catalogue serve``
        does this, and a draft carries a banner. Real builds keep refusing.
        """
        for index, problem in enumerate(self.problems):
            draft = problem.code.startswith(APPROVAL_CODES) or problem.code in DRAFT_CODES
            if problem.is_error and draft:
                self.drafts.add(problem.path)
                self.problems[index] = replace(problem, severity=Severity.WARNING)

    def failed(self, strict: bool = False) -> bool:
        return bool(errors(self.problems, strict))

    def valid_items(self) -> list[Item]:
        """Items with no error of their own: the ones an output may show."""
        failing = self.failing()
        return [item for item in self.items if item.path not in failing]

    def failing(self) -> set[str]:
        """The paths of items with an error of their own."""
        return {p.path for p in self.problems if p.is_error}

    def findings(self, today: dt.date) -> list[Finding]:
        """What ``status`` lists for ``today``: the items' lifecycle, the replies due to
        依申请公开 requests, and last year's annual report."""
        items, config = self.valid_items(), self.config
        return (
            findings(config, items, today)
            + request_findings(self.register, config, today)
            + report_findings(config, items, today)
        )

    def duty_problems(self, today: dt.date) -> list[Problem]:
        """The warnings ``validate`` adds for ``today``: those of ``findings``."""
        return [f.problem for f in self.findings(today) if f.problem is not None]

    @functools.cached_property
    def by_path(self) -> dict[str, Item]:
        return {item.path: item for item in self.items}

    @functools.cached_property
    def by_index(self) -> dict[str, Item]:
        """Items by 索引号, which a catalogue that builds has no two of (I304)."""
        return {item.meta.index_no: item for item in self.items}

    def item_path(self, file: str) -> str | None:
        """The path (as ``Item.path``) of ``file``, an absolute path under the root."""
        under = os.path.join(self.root, "")
        return file[len(under) :].replace(os.sep, "/") if file.startswith(under) else None

    @functools.cached_property
    def newest_first(self) -> list[Item]:
        """Every item, newest first: the order in which each output lists what it shows."""
        return sorted(self.items, key=lambda i: (i.meta.published, i.meta.index_no), reverse=True)


Read = tuple[Item | None, list[Problem]]  # an item as read (None if unreadable), its problems


class ReadingFailed(Exception):
    """Reading stopped part-way (a worker process died): the items read are lost."""

    def __init__(self, how: str) -> None:
        super().__init__(how)
        self.how = how  # for B004


@dataclass(frozen=True)
class ItemCheck:
    """The rules about one item (``check_item``) in one catalogue, and what they look up
    beyond the item: an item cache keeps a check while that stands."""

    config: Config
    item_files: Collection[str]  # the items read (absolute paths): links to them resolve

    def __call__(self, item: Item) -> list[Problem]:
        return check_item(item, self.config, self.item_files)

    def looked_up(self, item: Item) -> str:
        return files_looked_up(item, self.item_files)


class ItemReader:
    """How a load reads item files and checks items: here each in turn.

    Faster readers plug in from the layers above: forked workers
    (``parallel.reading``) and the item cache (``incremental.itemcache``).
    """

    def start(self, root: Path, files: list[str]) -> None:
        """A load begins; ``files`` are all the files under content/, items or not."""

    def read_all(self, root: Path, files: list[str]) -> list[Read]:
        """``read_item`` of each of ``files`` (absolute paths under ``root``), in order."""
        return [read_item(root, Path(file)) for file in files]

    def check(self, item: Item, check: ItemCheck) -> list[Problem]:
        """``check(item)``; a cache may answer from an earlier load."""
        return check(item)

    def check_all(self, items: list[Item], check: ItemCheck) -> list[Problem]:
        """The problems ``check`` finds in ``items``, in order; a faster reader checks
        them on every core."""
        return [problem for item in items for problem in self.check(item, check)]

    def finish(self) -> None:
        """The load has read and checked every item."""


def load_catalogue(
    root: Path,
    reader: ItemReader | None = None,
    files: list[str] | None = None,
    base: str | None = None,
) -> Catalogue:
    """Read catalog.yaml and every item under content/, and report every problem.

    Raises ``CatalogUnusable`` when catalog.yaml cannot be loaded. ``reader`` reads
    and checks the items (by default each in turn); ``files`` is ``content_files(root)``,
    if the caller has it already. ``base`` is the branch a pull request merges into:
    of two items sharing a 索引号, the one already there keeps it.
    """
    root = root.resolve()
    reader = reader or ItemReader()
    loaded = load_catalog(root)
    if loaded.config is None:
        raise CatalogUnusable(list(loaded.problems))
    config = loaded.config
    config.trusted, distrust = trusted_keys(root, config)
    catalogue = Catalogue(root, config, problems=list(loaded.problems) + distrust)
    files = content_files(root) if files is None else files
    for folder in getattr(files, "symlinked", ()):
        rel = Path(folder).relative_to(root).as_posix()
        catalogue.problems.append(Problem.make("F011", rel, 1, folder=rel))
    reader.start(root, files)
    try:
        read = reader.read_all(root, item_files(root, files))
    except ReadingFailed as failed:  # the items it read are lost: report that alone
        catalogue.problems.append(Problem.make("B004", CONTENT_DIR, 1, how=failed.how))
        return catalogue
    for item, problems in read:
        catalogue.problems += problems
        if item is not None:
            catalogue.items.append(item)
    check = ItemCheck(config, {item.file_name for item in catalogue.items})  # absolute
    try:
        catalogue.problems += reader.check_all(catalogue.items, check)
    except ReadingFailed as failed:  # a checking worker died: its items' problems are unknown
        catalogue.problems.append(Problem.make("B004", CONTENT_DIR, 1, how=failed.how))
        return catalogue
    reader.finish()
    catalogue.problems += check_catalogue(catalogue.items, root, base)
    catalogue.register = load_register(root)
    catalogue.problems += register_problems(catalogue.register, config)
    catalogue.problems += yearly_problems(root)
    catalogue.problems += backdating_problems(root, catalogue.items, config)
    since = config.website_indicators.backdating_from
    catalogue.problems += predated_publication_problems(catalogue.valid_items(), root, since)
    catalogue.problems = [masked(p) for p in catalogue.problems]
    catalogue.problems.sort(key=Problem.sort_key)
    return catalogue
