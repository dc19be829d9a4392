"""`aiwg watch`: a library edit is deployed, a broken item is reported and the watch goes on."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from pathlib import Path

from helpers import make_project

from aiwg.commands import deploy
from aiwg.commands.watch import watch_loop
from aiwg.engine import Context

RULE = "---\nname: {name}\ndescription: {description}\n---\nBody of {name}.\n"


def _wait_for(condition: Callable[[], bool], seconds: float = 15.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return False


def test_watch_redeploys_on_library_and_config_changes_and_survives_errors(
        tmp_path: Path) -> None:
    project = make_project(tmp_path, 'platforms = ["cursor"]\n[library]\nbuiltin = false\n'
                                     "[select]\ntags = []\n")
    library = project / ".aiwg" / "library" / "rules"
    library.mkdir(parents=True)
    (library / "first.md").write_text(RULE.format(name="first", description="The first."))
    runs: list[str] = []

    def run_once(context: Context) -> int:
        try:
            code = deploy.run(context, "sync", [], yes=True)
        except Exception as error:
            runs.append(f"error: {error}")
            raise
        runs.append(f"ok {code}")
        return code

    stop = threading.Event()
    watcher = threading.Thread(target=watch_loop,
                               args=(lambda: Context(project_root=project), run_once, stop),
                               kwargs={"debounce_ms": 50}, daemon=True)
    watcher.start()
    try:
        deployed = project / ".cursor" / "rules"
        assert _wait_for(lambda: (deployed / "first.mdc").is_file())
        settled = len(runs)

        (library / "second.md").write_text(RULE.format(name="second", description="Two."))
        assert _wait_for(lambda: (deployed / "second.mdc").is_file())

        (library / "broken.md").write_text("---\nname: [unclosed\n---\n")
        assert _wait_for(lambda: any(r.startswith("error") for r in runs[settled:]))
        (library / "broken.md").unlink()
        (library / "third.md").write_text(RULE.format(name="third", description="Three."))
        assert _wait_for(lambda: (deployed / "third.mdc").is_file())

        config = project / "aiwg.toml"
        config.write_text(config.read_text().replace('["cursor"]', '["cursor", "codex"]'))
        assert _wait_for(lambda: (project / "AGENTS.md").is_file())
    finally:
        stop.set()
        watcher.join(timeout=10)
    assert not watcher.is_alive()
    # aiwg's own writes (outputs, the manifest) never trigger a run of their own: the watch
    # settles instead of looping.
    count = len(runs)
    time.sleep(0.5)
    assert len(runs) == count
