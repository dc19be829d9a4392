"""A progress bar on stderr for long runs: shown only on a terminal, only once a run has lasted
DELAY_SECONDS, never with --quiet or --json, and gone (transient) when the run ends.

A run is a sequence of phases (planning, then writing N files). Between phases the bar is taken
down, so a question (`Go on? [y/N]`) or a warning is printed on a clean line. rich is imported
only when a bar is actually drawn: a short run pays nothing.
"""

from __future__ import annotations

import contextlib
import sys
import threading
import time
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

from aiwg import console

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

DELAY_SECONDS = 0.5


def wanted(*, as_json: bool = False, stream: Any = None) -> bool:
    """A bar helps only a person watching a terminal; a pipe, a log or --quiet/--json gets none."""
    stream = sys.stderr if stream is None else stream
    isatty = getattr(stream, "isatty", None)
    return bool(isatty and isatty()) and not console.settings.quiet and not as_json


class RunProgress:
    """The bar of one run. `phase()` opens a phase; the returned callback takes the count done."""

    def __init__(self, enabled: bool, *, delay: float = DELAY_SECONDS,
                 make_console: Callable[[], Any] | None = None) -> None:
        self.enabled = enabled
        self.delay = delay
        self._started = time.monotonic()
        self._make_console = make_console
        self._lock = threading.Lock()
        self._bar: Progress | None = None
        self._task: TaskID | None = None
        self._timer: threading.Timer | None = None
        self._description = ""
        self._total: int | None = None
        self._done = 0
        self.shown = False  # whether a bar was ever drawn (for tests and --verbose)

    @contextlib.contextmanager
    def phase(self, description: str, total: int | None = None) -> Iterator[Callable[[int], None]]:
        """A phase of the run; with a total, the callback moves the bar, else it spins."""
        with self._lock:
            self._description, self._total, self._done = description, total, 0
        if self.enabled:
            wait = max(0.0, self.delay - (time.monotonic() - self._started))
            self._timer = threading.Timer(wait, self._show)
            self._timer.daemon = True
            self._timer.start()
        try:
            yield self._advance
        finally:
            self._end_phase()

    def _advance(self, done: int) -> None:
        with self._lock:
            self._done = done
            if self._bar is not None and self._task is not None:
                self._bar.update(self._task, completed=done)

    def _show(self) -> None:
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            SpinnerColumn,
            TextColumn,
            TimeElapsedColumn,
        )

        with self._lock:
            if self._timer is None:  # the phase ended while the timer fired
                return
            err = self._make_console() if self._make_console else console.err
            # A phase without a total (planning) pulses; one with a total shows done/total.
            counted = [BarColumn(), MofNCompleteColumn()] if self._total is not None else []
            self._bar = Progress(SpinnerColumn(), TextColumn("{task.description}"), *counted,
                                 TimeElapsedColumn(), console=err, transient=True,
                                 redirect_stdout=False, redirect_stderr=False)
            self._task = self._bar.add_task(self._description, total=self._total,
                                            completed=self._done)
            self._bar.start()
            self.shown = True

    def _end_phase(self) -> None:
        with self._lock:
            timer, self._timer = self._timer, None
            bar, self._bar, self._task = self._bar, None, None
        if timer is not None:
            timer.cancel()
        if bar is not None:
            bar.stop()


def for_run(*, as_json: bool = False) -> RunProgress:
    return RunProgress(wanted(as_json=as_json))
