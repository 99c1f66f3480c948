"""The benchmark's own tools: the corpus it builds, and how it measures a command.

Their figures are only worth quoting if the corpus is a catalogue the generator
accepts and the measurement neither misses a peak nor slows what it measures.
"""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import copy_sample
from sitetext import files_of

from generator.catalogue import load_catalogue
from generator.problems import errors

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO / "bench"))

import compare  # noqa: E402  (bench/ is not a package)
import corpus  # noqa: E402


def test_corpus_is_a_valid_catalogue_of_every_category(tmp_path: Path) -> None:
    corpus.main([str(tmp_path / "corpus"), "--items", "80"])
    catalogue = load_catalogue(tmp_path / "corpus")
    assert errors(catalogue.problems) == []
    assert len(catalogue.items) == 80
    for scope in ("external", "internal"):
        shown = {i.meta.category for i in catalogue.items if i.scope == scope}
        assert shown == set(catalogue.config.categories_of(scope))
    assert all(item.meta.approvals for item in catalogue.items)


def test_a_benchmark_edit_is_re_approved_so_the_build_accepts_it(tmp_path: Path) -> None:
    """compare.py and serve_edit.py time builds after an edit: re-approved without
    signatures, the edit would make every such build fail instead."""
    root = tmp_path / "corpus"
    corpus.main([str(root), "--items", "40"])
    file = compare.pick_item(root)
    compare.edit_and_reapprove(root, file, "（基准测试修改）")
    catalogue = load_catalogue(root)
    assert errors(catalogue.problems) == []
    edited = [i for i in catalogue.items if "（基准测试修改）" in i.body]
    assert [i.file for i in edited] == [file]
    assert all(a.signature for a in edited[0].meta.approvals)


def test_a_benchmark_item_published_is_new_signed_and_accepted(tmp_path: Path) -> None:
    """compare.py times a build after an item is published: one more item, dated the
    build day, every approval signed; a later run removes it before its own."""
    root = tmp_path / "corpus"
    corpus.main([str(root), "--items", "40"])
    before = load_catalogue(root)
    model = compare.pick_item(root)
    files = [compare.publish_item(root, model, k) for k in (0, 1)]
    catalogue = load_catalogue(root)
    assert errors(catalogue.problems) == []
    new = [i for i in catalogue.items if i.file in files]
    assert len(catalogue.items) == len(before.items) + 2 and len(new) == 2
    assert {i.meta.published for i in new} == {compare.TODAY}
    assert all(a.signature and a.digest == i.digest for i in new for a in i.meta.approvals)
    compare.remove_published(root)
    assert len(load_catalogue(root).items) == len(before.items)


def test_corpus_is_reproducible_from_its_seed(tmp_path: Path) -> None:
    for name, seed in (("a", "7"), ("b", "7"), ("c", "8")):
        corpus.main([str(tmp_path / name), "--items", "30", "--seed", seed])
    first, again, other = (files_of(tmp_path / n / "content") for n in "abc")
    assert first == again
    assert first != other


HOLD = """\
import os, time
block = b"x" * ({mib} << 20)
time.sleep({seconds})
while {release!r} and not os.path.exists({release!r}):
    time.sleep(0.01)
"""


def python_holding(mib: int, seconds: float, release: Path | None = None) -> list[str]:
    """A command whose process holds ``mib`` MiB resident for ``seconds``, and then on
    until the file ``release`` exists, if one is named."""
    code = HOLD.format(mib=mib, seconds=seconds, release=str(release or ""))
    return [sys.executable, "-c", code]


def released_once_seen(
    monkeypatch: pytest.MonkeyPatch, release: Path, mib: float, reads: int = 1
) -> list[float]:
    """Have the sampler's readings noted, and ``release`` made once ``reads`` of them
    were taken and one saw ``mib`` MiB: a command held until then cannot end before the
    sampler has seen it, however slowly a busy machine runs the sampler."""
    seen: list[float] = []
    real_memory = compare._memory

    def noted(pid: int) -> tuple[str, float]:
        name, size = real_memory(pid)
        seen.append(size)
        if len(seen) >= reads and max(seen) >= mib:
            release.touch()
        return name, size

    monkeypatch.setattr(compare, "_memory", noted)
    return seen


def test_measure_reports_a_commands_time_and_peak_memory(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    release = tmp_path / "seen"
    released_once_seen(monkeypatch, release, 200)
    started = time.perf_counter()
    command = python_holding(200, 0.5, release)
    sample = compare.measure(command, tmp_path, tmp_path / "log", 10_000, 60)
    elapsed = time.perf_counter() - started
    assert sample.ok
    assert 0.5 <= sample.wall <= elapsed
    assert 200 <= sample.tree_mib < 400
    assert 200 <= sample.peak_mib < 400


def test_measure_kills_a_command_above_the_memory_limit(tmp_path: Path) -> None:
    hold = 3600  # seconds: only a kill ends it within the test
    sample = compare.measure(python_holding(300, hold), tmp_path, tmp_path / "log", 150, 120)
    assert not sample.ok
    assert sample.killed is not None and "memory above" in sample.killed  # not the timeout
    assert sample.rc == -signal.SIGKILL
    assert sample.wall < hold


def test_sampler_keeps_its_own_cpu_under_its_share(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Reading a large process's memory is slow; the sampler then samples less often."""
    release = tmp_path / "seen"
    reads = released_once_seen(monkeypatch, release, 10, reads=2)
    real_memory = compare._memory

    def costly_memory(pid: int) -> tuple[str, float]:
        busy_until = time.thread_time() + 0.02  # as reading a big process's PSS costs
        while time.thread_time() < busy_until:
            pass
        return real_memory(pid)

    monkeypatch.setattr(compare, "_memory", costly_memory)
    command = python_holding(10, 2, release)
    sample = compare.measure(command, tmp_path, tmp_path / "log", 10_000, 60)
    assert sample.ok and sample.tree_mib >= 10
    # At 20 ms of CPU a sample, polling every 50 ms would spend 40% of a core on it.
    spent = len(reads) * 0.02
    assert len(reads) >= 2
    assert spent <= 0.05 * sample.wall + 0.04  # 5% of a core, and the first sample


def test_timed_runs_guard_memory_without_reading_pss(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A timed run is not slowed by PSS reads, yet a runaway command is still killed."""
    pss_reads = released_once_seen(monkeypatch, tmp_path / "never", mib=float("inf"))
    hold = 3600
    command = python_holding(300, hold)
    sample = compare.measure(command, tmp_path, tmp_path / "log", 150, 60, memory=False)
    assert sample.killed is not None and "memory above" in sample.killed  # not the timeout
    assert pss_reads  # read once the resident size was over the limit, to confirm it
    assert sample.tree_mib == 0  # no peak from resident sizes, which count shared pages twice


FORKED = """\
import os, time
block = b"x" * (120 << 20)
children = []
for _ in range(3):
    pid = os.fork()
    if pid == 0:
        while not os.path.exists({release!r}):
            time.sleep(0.01)
        os._exit(0)
    children.append(pid)
while not os.path.exists({release!r}):
    time.sleep(0.01)
for pid in children:
    os.waitpid(pid, 0)
"""


def test_the_guard_counts_memory_shared_with_forked_workers_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Four processes sharing 120 MiB are about 480 MiB resident but 120 MiB of PSS: a
    300 MiB guard reads their PSS before it kills, as our build forks page workers."""
    release = tmp_path / "confirmed"  # once the guard asks for PSS: the RSS sum passed 300 MiB
    released_once_seen(monkeypatch, release, mib=0)
    command = [sys.executable, "-c", FORKED.format(release=str(release))]
    sample = compare.measure(command, tmp_path, tmp_path / "log", 300, 60, memory=False)
    assert sample.ok, sample.killed  # "timeout": the guard never looked past the RSS
    assert release.exists()


def _sample(
    wall: float,
    maxrss: float,
    tree: float = 0.0,
    *,
    round_: int,
    memory_run: bool = False,
    killed: str | None = None,
) -> compare.Sample:
    extra: dict[str, object] = {"round": round_}
    if memory_run:
        extra["memory_run"] = True
    rc = -signal.SIGKILL if killed else 0
    return compare.Sample(wall, 1.5 * wall, maxrss, tree, rc, killed=killed, extra=extra)


def test_summary_takes_times_from_timed_runs_and_memory_from_the_memory_run() -> None:
    samples = {
        "hugo": [
            _sample(2, 600, round_=1),
            _sample(3, 640, round_=2),
            _sample(9, 650, 630, round_=0, memory_run=True),
        ],
        "pagefind": [
            _sample(8, 1500, round_=1),
            _sample(10, 1520, round_=2),
            _sample(30, 1530, 1510, round_=0, memory_run=True),
        ],
        "ours-cold": [
            _sample(30, 590, round_=1),
            _sample(34, 600, round_=2),
            _sample(50, 610, 860, round_=0, memory_run=True),
        ],
    }
    summary = compare.summarise(samples)
    ours = summary["ours-cold"]
    assert (ours["runs"], ours["wall"], ours["wall_max"], ours["cpu"]) == (2, 32, 34, 48)
    assert (ours["maxrss_mib"], ours["tree_mib"], ours["peak_mib"]) == (595, 860, 860)
    both = summary["hugo+pagefind"]
    assert (both["wall"], both["wall_max"], both["tree_mib"]) == (11.5, 13, 1510)


def test_summary_reports_failed_runs_and_pairs_hugo_with_pagefind_by_round() -> None:
    killed = "memory above 1200 MiB"
    samples = {
        "hugo": [_sample(2, 600, round_=1), _sample(3, 640, round_=2)],
        "pagefind": [_sample(1, 90, round_=1, killed="timeout"), _sample(10, 1520, round_=2)],
        "ours-cold": [
            _sample(30, 590, round_=1),
            _sample(40, 1300, 1250, round_=0, memory_run=True, killed=killed),
        ],
        "ours-noop": [_sample(5, 1250, round_=1, killed=killed)],
    }
    summary = compare.summarise(samples)
    both = summary["hugo+pagefind"]  # round 1 failed; round 2's halves, not 1's and 2's
    assert (both["runs"], both["failed"], both["wall"]) == (1, 1, 13)
    ours = summary["ours-cold"]  # a memory run killed still sets a floor to the peak
    assert (ours["memory_failed"], ours["tree_mib"], ours["peak_mib"]) == (1, 1250, 1250)
    noop = summary["ours-noop"]
    assert (noop["runs"], noop["peak_mib"], noop["failure"]) == (0, None, killed)
    verdicts = {label: verdict for label, _, verdict in compare.ratios(summary, 10_000)}
    assert verdicts["ours cold peak / 1.5 GiB"] == "meets target"
    samples["ours-cold"] = [_sample(5, 1600, round_=1, killed=killed)]
    verdicts = {
        label: verdict for label, _, verdict in compare.ratios(compare.summarise(samples), 10_000)
    }
    assert verdicts["ours cold peak / 1.5 GiB"] == "MISSES target (killed at 1600 MiB)"


def test_earlier_outputs_are_set_aside_until_every_run_is_over(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Deleting many files just before a timed build slows the build on some file
    systems, so the benchmark deletes them only once it has finished."""
    leftover = tmp_path / "set-aside-interrupted"  # an interrupted run's
    leftover.mkdir()
    out = tmp_path / "out"
    with compare.set_aside(tmp_path):
        assert leftover.exists()  # deleting it now would slow the first run
        for text in ("first", "second"):
            (out / "items").mkdir(parents=True)
            (out / "items" / "a.html").write_text(text)
            compare.remove_earlier(out)
            assert not out.exists()
        kept = sorted(p.read_text() for p in tmp_path.glob("set-aside-*/*/items/a.html"))
        assert kept == ["first", "second"]
        out.mkdir()
        monkeypatch.setattr(Path, "rename", _cross_device)
        compare.remove_earlier(out)  # cannot be moved: deleted after all
        assert not out.exists()
    assert list(tmp_path.iterdir()) == []
    out.mkdir()
    compare.remove_earlier(out)  # outside: deleted at once
    assert not out.exists()


def _cross_device(self: Path, target: Path) -> Path:
    raise OSError(18, "Invalid cross-device link")


def test_memory_stages_prints_each_stage_and_the_peak(tmp_path: Path) -> None:
    root = copy_sample(tmp_path / "s")
    script = REPO / "bench" / "memory_stages.py"
    run = subprocess.run(
        [sys.executable, str(script), str(root), str(tmp_path / "out"), "--today", "2026-11-26"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    stages = [line for line in lines if "largest" in line]
    assert any("已读取并校验" in line for line in stages)
    assert sum("  search index" in line for line in stages) == 3  # one per output
    assert sum("  reports" in line for line in stages) == 3
    assert lines[-1].startswith("peak resident set (ru_maxrss): ")
    assert int(lines[-1].split()[-2]) > 0
    assert (tmp_path / "out" / "public" / "index.html").is_file()
