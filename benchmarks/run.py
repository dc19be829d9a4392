"""Benchmark aiwg against the write floor (and rulesync when it is on PATH): python benchmarks/run.py

The work unit (performance issue 15): N rules and N/10 agents, commands, skills and MCP servers,
deployed to Claude Code, Cursor, Copilot and Warp in a fresh temporary project with a fake HOME.
For each N it measures, in one run and on the same disk:

  deploy    a full deploy (every file written and made durable, then the manifest)
  floor     extracting a tarball of exactly the tree that deploy wrote (what writing it costs)
  no-op     `sync` with nothing changed (and checks it changed no byte and no mtime)
  check     `diff --check` with nothing changed
  one edit  `sync` after one rule changed: its time, how many files it rewrote (bytes or mtime
            changed) of those that carry the rule, and how many bytes it read (the library is
            about 2 KiB an item: a run that re-reads it reads N × 2 KiB more than the no-op)
  peak      the largest resident set of any aiwg step
  rulesync  `rulesync generate` of the same library, when `rulesync` is on PATH

plus `aiwg --help` and `aiwg --version` (median of five). N = 100, 1,000, 3,000 and 10,000 by
default (10,000 takes minutes; `--counts 100 1000` for a quick look). `--json` prints one
document instead of the table.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from dataclasses import asdict, dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from generate import generate
from rulesync_library import write_rulesync_library

# Platforms without a size budget, so every rule lands in full.
PLATFORMS = ["claude-code", "cursor", "copilot", "warp"]
RULESYNC_TARGETS = "claudecode,cursor,copilot,warp"
CONFIG = "[library]\nbuiltin = false\nuser = false\n[select]\ntags = []\n"


@dataclass
class Step:
    seconds: float
    cpu_seconds: float  # user + system: what the machine's other load does not inflate
    peak_mib: float
    exit_code: int
    read_bytes: int | None = None  # bytes the step read (its code, the library, the outputs)


@dataclass
class Row:
    count: int
    files: int
    deploy: float
    deploy_cpu: float
    floor: float
    noop_sync: float
    noop_sync_cpu: float
    noop_untouched: bool
    check: float
    check_exit: int
    one_edit: float
    one_edit_cpu: float
    one_edit_files: int
    one_edit_outputs: int  # files that carry the edited rule (what the edit must rewrite)
    noop_read_mib: float | None
    one_edit_read_mib: float | None
    peak_mib: float
    rulesync: float | None

    @property
    def vs_floor(self) -> float:
        return self.deploy / self.floor if self.floor else float("inf")


# Runs `aiwg ARGS` and, as it exits, writes the bytes it read (Linux /proc/self/io `rchar`) to
# the file named first: what a step re-reads is what tells an incremental run from a full one.
_COUNTING = ("import atexit, runpy, sys\n"
             "out = sys.argv.pop(1)\n"
             "def _count():\n"
             "    try:\n"
             "        io = dict(l.split(': ') for l in open('/proc/self/io').read().splitlines())\n"
             "    except OSError:\n"
             "        return\n"
             "    open(out, 'w').write(io['rchar'])\n"
             "atexit.register(_count)\n"
             "sys.argv[0] = 'aiwg'\n"
             "runpy.run_module('aiwg', run_name='__main__', alter_sys=True)\n")


def counted(command: list[str], cwd: Path, env: dict[str, str], scratch: Path) -> Step:
    """`run` of an aiwg command that also reports how many bytes it read."""
    log = scratch / "read-bytes"
    log.unlink(missing_ok=True)
    step = run([sys.executable, "-c", _COUNTING, str(log), *command[3:]], cwd, env)
    step.read_bytes = int(log.read_text()) if log.exists() else None
    return step


def run(command: list[str], cwd: Path, env: dict[str, str], ok: tuple[int, ...] = (0, 1)) -> Step:
    """Run one child; its own wall time and peak memory (wait4, not the cumulative rusage)."""
    start = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE)
    assert process.stderr is not None
    stderr = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in ok:
        raise SystemExit(f"{' '.join(command)} failed ({process.returncode}): {stderr.decode()}")
    return Step(elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024,
                process.returncode)


def aiwg(*args: str) -> list[str]:
    return [sys.executable, "-m", "aiwg", *args]


def snapshot(root: Path) -> dict[str, tuple[int, bytes]]:
    """Every file aiwg writes for the platforms (its own state left out), with its mtime."""
    files = {}
    for path in root.rglob("*"):
        relative = path.relative_to(root).parts
        if relative[0] in (".aiwg", ".git", "aiwg.toml") or not path.is_file():
            continue
        files[str(path)] = (path.stat().st_mtime_ns, path.read_bytes())
    return files


def written_tree(project: Path) -> list[Path]:
    """What deploy wrote: the platforms' files and aiwg's own state, not the library."""
    library = project / ".aiwg" / "library"
    return sorted(p for p in project.rglob("*") if p.is_file()
                  and library not in p.parents and p.name != "aiwg.toml" and ".git" not in p.parts)


def floor_seconds(project: Path, scratch: Path) -> float:
    """Extract a tarball of exactly the deployed tree into an empty folder (the write floor)."""
    archive = scratch / "tree.tar"
    with tarfile.open(archive, "w") as tar:
        for path in written_tree(project):
            tar.add(path, arcname=str(path.relative_to(project)))
    target = scratch / "untarred"
    target.mkdir()
    tar_binary = shutil.which("tar")
    if tar_binary is None:
        start = time.perf_counter()
        with tarfile.open(archive) as tar:
            tar.extractall(target, filter="data")
        return time.perf_counter() - start
    return run([tar_binary, "-xf", str(archive), "-C", str(target)], scratch, dict(os.environ),
               ok=(0,)).seconds


def rulesync_seconds(library: Path, scratch: Path, env: dict[str, str]) -> float | None:
    binary = shutil.which("rulesync")
    if binary is None:
        return None
    project = scratch / "rulesync-project"
    (project / ".git").mkdir(parents=True)
    write_rulesync_library(library, project / ".rulesync")
    return run([binary, "generate", "--targets", RULESYNC_TARGETS, "--features", "*"],
               project, env, ok=(0,)).seconds


def changed_files(before: dict[str, tuple[int, bytes]], after: dict[str, tuple[int, bytes]]) -> int:
    return sum(1 for path, stamp in after.items() if before.get(path) != stamp)


def bench(count: int) -> Row:
    with tempfile.TemporaryDirectory(prefix="aiwg-bench-") as tmp:
        scratch = Path(tmp)
        project, home = scratch / "project", scratch / "home"
        (project / ".git").mkdir(parents=True)
        home.mkdir()
        library = project / ".aiwg" / "library"
        generate(library, count)
        (project / "aiwg.toml").write_text(CONFIG)
        env = {**os.environ, "HOME": str(home), "XDG_STATE_HOME": str(home / ".state"),
               "XDG_DATA_HOME": str(home / ".data"), "XDG_CONFIG_HOME": str(home / ".config")}
        platform_args = [arg for p in PLATFORMS for arg in ("--platform", p)]

        deploy = run(aiwg("deploy", *platform_args), project, env)
        floor = floor_seconds(project, scratch)
        before = snapshot(project)
        sync = counted(aiwg("sync"), project, env, scratch)
        untouched = snapshot(project) == before
        check = run(aiwg("diff", "--check"), project, env)

        # A person's edit: one line of one rule, saved a moment later than the deploy.
        rule = library / "rules" / "rule-0000.md"
        rule.write_text(rule.read_text().replace("check 0 one", "check 0 changed"))
        one_edit = counted(aiwg("sync"), project, env, scratch)
        after = snapshot(project)
        edited = changed_files(before, after)
        # The outputs that carry the edited rule: what a run proportional to the change rewrites.
        carriers = sum(1 for _, data in after.values() if b"check 0 changed" in data)
        rulesync = rulesync_seconds(library, scratch, env)
        return Row(count, len(before), deploy.seconds, deploy.cpu_seconds, floor, sync.seconds,
                   sync.cpu_seconds, untouched,
                   check.seconds, check.exit_code, one_edit.seconds, one_edit.cpu_seconds,
                   edited, carriers, _mib(sync.read_bytes), _mib(one_edit.read_bytes),
                   max(deploy.peak_mib, sync.peak_mib, check.peak_mib, one_edit.peak_mib),
                   rulesync)


def _mib(count: int | None) -> float | None:
    return None if count is None else count / 2**20


def startup() -> dict[str, float]:
    env = dict(os.environ)
    cwd = Path(tempfile.gettempdir())
    return {flag: statistics.median(run(aiwg(flag), cwd, env, ok=(0,)).seconds for _ in range(5))
            for flag in ("--help", "--version")}


def _read(mib: float | None) -> str:
    return "-" if mib is None else f"{mib:.1f}M"


def table(rows: list[Row], start: dict[str, float]) -> str:
    header = ("N", "files", "deploy s", "(cpu)", "floor s", "÷floor", "no-op s", "(cpu)",
              "(read)", "check s", "1 edit s", "(cpu)", "(read)", "rewrote", "peak MiB",
              "rulesync s", "÷rulesync")
    lines = [header]
    for r in rows:
        vs_rulesync = f"{r.deploy / r.rulesync:.2f}" if r.rulesync else "-"
        lines.append((f"{r.count:,}", f"{r.files:,}", f"{r.deploy:.2f}", f"{r.deploy_cpu:.2f}",
                      f"{r.floor:.2f}", f"{r.vs_floor:.2f}",
                      f"{r.noop_sync:.2f}" + ("" if r.noop_untouched else " (WROTE)"),
                      f"{r.noop_sync_cpu:.2f}", _read(r.noop_read_mib),
                      f"{r.check:.2f}" + ("" if r.check_exit == 0 else f" (exit {r.check_exit})"),
                      f"{r.one_edit:.2f}", f"{r.one_edit_cpu:.2f}", _read(r.one_edit_read_mib),
                      f"{r.one_edit_files} of {r.one_edit_outputs}", f"{r.peak_mib:.0f}",
                      f"{r.rulesync:.2f}" if r.rulesync else "-", vs_rulesync))
    widths = [max(len(line[i]) for line in lines) for i in range(len(header))]
    text = ["  ".join(cell.rjust(width) for cell, width in zip(line, widths, strict=True))
            for line in lines]
    text.insert(1, "  ".join("-" * width for width in widths))
    text.append("")
    text.append(f"aiwg --help {start['--help'] * 1000:.0f} ms, aiwg --version "
                f"{start['--version'] * 1000:.0f} ms (median of 5)")
    text.append("(cpu): user + system seconds of that step; wall times grow with the machine's "
                "other load, cpu much less")
    text.append("÷floor: deploy time over extracting a tarball of the same tree; rewrote: files "
                "whose bytes or mtime changed after one rule was edited, of the files that carry it")
    text.append("(read): MiB the step read, code included; the library is ~2 KiB an item, the "
                "outputs ~1 KiB a file")
    if not any(r.rulesync for r in rows):
        text.append("rulesync: not on PATH (npm install -g rulesync to compare)")
    return "\n".join(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--counts", type=int, nargs="+", default=[100, 1000, 3000, 10000])
    parser.add_argument("--json", action="store_true", help="Print one JSON document.")
    args = parser.parse_args()
    counts = args.counts
    rows = []
    for count in counts:
        rows.append(bench(count))
        if not args.json:
            print(f"N={count:,} done", file=sys.stderr, flush=True)
    start = startup()
    if args.json:
        document = {"platforms": PLATFORMS, "startup_seconds": start,
                    "rows": [{**asdict(r), "vs_floor": r.vs_floor,
                              "vs_rulesync": r.deploy / r.rulesync if r.rulesync else None}
                             for r in rows]}
        print(json.dumps(document, indent=2))
    else:
        print(table(rows, start))


if __name__ == "__main__":
    main()
