"""The progress bar: drawn on a terminal for a run past the delay, never when piped, with
--quiet or --json, never for a short run, and gone from the screen when the run ends."""

from __future__ import annotations

import io
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from helpers import aiwg, make_project, rule_text, write_item
from rich.console import Console

from aiwg import console, progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture(autouse=True)
def loud() -> Iterator[None]:
    console.set_verbosity(quiet=False, verbose=False)
    yield
    console.set_verbosity(quiet=False, verbose=False)


def terminal_bar(delay: float) -> tuple[progress.RunProgress, io.StringIO]:
    screen = io.StringIO()
    bar = progress.RunProgress(True, delay=delay, make_console=lambda: Console(
        file=screen, force_terminal=True, width=80))
    return bar, screen


def test_a_long_phase_draws_a_bar_with_its_count_and_takes_it_down() -> None:
    bar, screen = terminal_bar(delay=0.0)
    with bar.phase("writing", total=4) as advance:
        time.sleep(0.1)
        for done in range(1, 5):
            advance(done)
        time.sleep(0.2)
    assert bar.shown
    drawn = screen.getvalue()
    assert "writing" in drawn and "4/4" in drawn
    assert "\x1b[?25h" in drawn  # the cursor is given back
    assert drawn.endswith("\x1b[2K")  # and the bar's line erased: nothing is left on screen


def test_a_phase_shorter_than_the_delay_draws_nothing() -> None:
    bar, screen = terminal_bar(delay=5.0)
    with bar.phase("planning") as advance:
        advance(1)
    time.sleep(0.05)
    assert not bar.shown and screen.getvalue() == ""


def test_the_delay_counts_from_the_start_of_the_run_not_of_the_phase() -> None:
    bar, _ = terminal_bar(delay=0.15)
    with bar.phase("planning"):
        time.sleep(0.2)  # the bar appears during planning
    assert bar.shown
    with bar.phase("writing", total=1):
        time.sleep(0.05)  # and at once in the next phase, the run being long already


def test_it_is_wanted_only_on_a_terminal_without_quiet_or_json() -> None:
    assert progress.wanted(stream=Terminal())
    assert not progress.wanted(stream=io.StringIO())  # piped
    assert not progress.wanted(stream=Terminal(), as_json=True)
    console.set_verbosity(quiet=True, verbose=False)
    assert not progress.wanted(stream=Terminal())


def test_a_disabled_bar_never_imports_or_draws(monkeypatch: pytest.MonkeyPatch) -> None:
    bar = progress.RunProgress(False, delay=0.0)
    with bar.phase("writing", total=2) as advance:
        advance(2)
        time.sleep(0.05)
    assert not bar.shown


def test_a_piped_deploy_prints_no_bar(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Under the CLI runner stderr is not a terminal: a slow run still prints no bar."""
    monkeypatch.setattr(progress, "DELAY_SECONDS", 0.0)
    project = make_project(tmp_path, "[library]\nbuiltin = false\n[select]\ntags = []\n")
    write_item(project, "rules/alpha.md", rule_text("alpha"))
    result = aiwg(project, "deploy", "-p", "cursor")
    assert result.exit_code == 0
    assert "planning" not in result.stderr and "writing" not in result.stderr
    assert "\x1b[" not in result.stderr
