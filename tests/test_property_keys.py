"""Property: owned-key edits in JSON, JSONC, JSON5, TOML and YAML keep the user's keys, values
and comments; removing what aiwg added gives back the user's file byte for byte."""

from __future__ import annotations

import json
import os
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from aiwg.keyed import MISSING, editor_for

NAMES = st.sampled_from(["alpha", "beta", "gamma", "delta", "srv-1", "srv_2"])
SCALARS = st.one_of(st.text(alphabet="abc xyz-_/", max_size=8), st.integers(-5, 99), st.booleans())
VALUES = st.recursive(SCALARS, lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(NAMES, inner, max_size=3)), max_leaves=6)
SERVER = st.fixed_dictionaries({"command": st.sampled_from(["npx", "uvx", "docker"]),
                                "args": st.lists(st.sampled_from(["-y", "pkg", "--flag"]),
                                                 max_size=3)})

USER_DOCUMENTS = {
    "json": '{\n  "theme": "dark",\n  "mcpServers": {\n    "mine": {"command": "mine"}\n  },\n'
            '  "numStartups": 7\n}\n',
    "jsonc": '{\n  // editor settings\n  "servers": {\n    "mine": {"type": "stdio", '
             '"command": "mine"}, // keep\n  },\n  "inputs": [],\n}\n',
    "json5": "// gateway\n{\n  gateway: { port: 18789 },\n  mcp: {\n    servers: {\n"
             "      mine: { command: 'mine' },\n    },\n  },\n}\n",
    "toml": '# Codex\nmodel = "o3"\n\n[mcp_servers.mine]\ncommand = "mine" # keep\n',
    "yaml": "# continue\nname: mine\nmcpServers:\n  mine:\n    command: mine  # keep\n",
}
# AIWG_PROPERTY_EXAMPLES=N raises every property here to N examples, as in tests/keyed/.
EXAMPLES = int(os.environ.get("AIWG_PROPERTY_EXAMPLES", "0"))

CONTAINERS = {"json": ("mcpServers",), "jsonc": ("servers",), "json5": ("mcp", "servers"),
              "toml": ("mcp_servers",), "yaml": ("mcpServers",)}


@settings(max_examples=EXAMPLES or 40, deadline=None)
@given(syntax=st.sampled_from(sorted(USER_DOCUMENTS)),
       operations=st.lists(st.tuples(st.sampled_from(["write", "remove"]), NAMES, SERVER),
                           min_size=1, max_size=8))
def test_random_owned_key_edits_keep_the_users_part(syntax: str,
                                                    operations: list[tuple[str, str, Any]]) -> None:
    editor = editor_for(syntax)
    original = USER_DOCUMENTS[syntax]
    user_data = editor.parse(original)
    container = CONTAINERS[syntax]
    text = original
    owned: dict[str, Any] = {}
    for op, name, value in operations:
        path = (*container, name)
        if op == "write":
            text = editor.write(text, path, value)
            owned[name] = value
        else:
            text = editor.remove(text, path)
            owned.pop(name, None)
        data = editor.parse(text)
        # The user's own server and every other top-level key are untouched.
        assert editor.read(text, (*container, "mine")) == editor.read(original, (*container, "mine"))
        for key, val in user_data.items():
            if key != container[0]:
                assert data[key] == val
        for name_, val in owned.items():
            assert editor.read(text, (*container, name_)) == val
    for name in list(owned):
        text = editor.remove(text, (*container, name))
    assert editor.parse(text) == user_data
    if syntax in ("json", "jsonc", "json5", "yaml"):
        assert text == original


@settings(max_examples=EXAMPLES or 25, deadline=None)
@given(syntax=st.sampled_from(["json", "jsonc", "json5", "toml"]),
       servers=st.dictionaries(NAMES, SERVER, min_size=2, max_size=5))
def test_write_many_equals_writes_one_by_one(syntax: str, servers: dict[str, Any]) -> None:
    editor = editor_for(syntax)
    container = CONTAINERS[syntax]
    edits = [((*container, name), value) for name, value in servers.items()]
    one_by_one = USER_DOCUMENTS[syntax]
    for path, value in edits:
        one_by_one = editor.write(one_by_one, path, value)
    together = editor.write_many(USER_DOCUMENTS[syntax], edits)
    assert editor.parse(together) == editor.parse(one_by_one)
    for path, value in edits:
        assert editor.read(together, path) == value
    assert json.dumps(editor.read(together, (*container, "mine")), sort_keys=True) == json.dumps(
        editor.read(USER_DOCUMENTS[syntax], (*container, "mine")), sort_keys=True)


def test_missing_key_reads_missing() -> None:
    for syntax, text in USER_DOCUMENTS.items():
        assert editor_for(syntax).read(text, (*CONTAINERS[syntax], "nope")) is MISSING


@settings(max_examples=EXAMPLES or 60, deadline=None)
@given(st.text(max_size=40))
def test_garbage_is_a_document_error_never_a_crash(text: str) -> None:
    import contextlib

    from aiwg.keyed import DocumentError

    for syntax in ("json", "json5", "toml", "yaml"):
        with contextlib.suppress(DocumentError):  # any other exception fails the test
            editor_for(syntax).read(text, ("a", "b"))
