"""Every test runs with a fake home: no test reads or writes the real user's files."""

from __future__ import annotations

from pathlib import Path

import pytest

PLATFORM_HOME_VARIABLES = ("CLAUDE_CONFIG_DIR", "CODEX_HOME", "COPILOT_HOME", "GEMINI_CLI_HOME",
                           "OPENCLAW_PROFILE", "OPENCLAW_STATE_DIR", "OPENCODE_CONFIG_DIR",
                           "CLINE_DATA_DIR", "CLINE_DIR", "OPENCLAW_WORKSPACE_DIR",
                           "XDG_CONFIG_HOME", "AIWG_DEBUG", "AIWG_CACHE_DIR",
                           # CI sets it, and it makes aiwg use only what aiwg.lock pins: each
                           # test that wants frozen mode sets it itself.
                           "CI")


@pytest.fixture(autouse=True)
def fake_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("USERPROFILE", str(home))
    for variable in PLATFORM_HOME_VARIABLES:
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(home / ".local" / "share"))
    monkeypatch.setenv("XDG_STATE_HOME", str(home / ".local" / "state"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / ".config"))
    # Fetched source trees land in the fake home's cache, never the real one.
    monkeypatch.setenv("XDG_CACHE_HOME", str(home / ".cache"))
    return home
