"""The TOML editor on issue 14's defects 3 and 14: comments after aiwg's table, inline tables,
null values, CRLF files."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from helpers import aiwg, make_project, write_item

from aiwg.errors import InputError
from aiwg.keyed import DocumentError, editor_for

SERVER = {"command": "npx", "args": ["-y", "pkg"], "env": {"TOKEN": "x"}}
PATH = ("mcp_servers", "aiwg")
AFTER_AIWG = ('model = "o3"\n\n[mcp_servers.aiwg]\ncommand = "old"\n# the next one is mine\n'
              "# (second line)\n\n[mcp_servers.mine]\ncommand = \"mine\" # keep\n")


def test_defect_3_a_comment_after_aiwgs_table_survives_an_update() -> None:
    editor = editor_for("toml")
    text = editor.write(AFTER_AIWG, PATH, SERVER)
    assert text == AFTER_AIWG.replace('command = "old"\n', 'command = "npx"\nargs = ["-y", "pkg"]\n'
                                      'env = {TOKEN = "x"}\n')
    assert tomllib.loads(text)["mcp_servers"]["aiwg"] == SERVER


def test_defect_3_a_comment_after_aiwgs_table_survives_removal() -> None:
    editor = editor_for("toml")
    text = editor.remove(AFTER_AIWG, PATH)
    assert text == AFTER_AIWG.replace('[mcp_servers.aiwg]\ncommand = "old"\n', "")


def test_a_comment_after_aiwgs_table_at_the_end_of_the_file_survives() -> None:
    editor = editor_for("toml")
    original = 'model = "o3"\n'
    text = editor.write(original, PATH, SERVER) + "# added by me\n"
    assert editor.remove(editor.write(text, PATH, {"command": "uvx"}), PATH) == (
        original + "\n# added by me\n")


def test_defect_3_an_inline_mcp_servers_table_gets_aiwgs_server_beside_the_persons() -> None:
    editor = editor_for("toml")
    original = 'model = "o3"\nmcp_servers = { mine = { command = "mine", args = ["a"] } }\n'
    text = editor.write(original, PATH, SERVER)
    assert text.startswith('model = "o3"\nmcp_servers = { mine = { command = "mine", args = ["a"] }')
    data = tomllib.loads(text)
    assert data["mcp_servers"] == {"mine": {"command": "mine", "args": ["a"]}, "aiwg": SERVER}
    assert editor.write(text, PATH, SERVER) == text
    updated = editor.write(text, PATH, {"command": "uvx"})
    assert tomllib.loads(updated)["mcp_servers"]["aiwg"] == {"command": "uvx"}
    assert editor.remove(updated, PATH) == original
    empty = 'mcp_servers = {}\n'
    assert editor.remove(editor.write(empty, PATH, SERVER), PATH) == empty


def test_defect_3_a_null_bound_for_toml_is_refused_naming_the_key() -> None:
    editor = editor_for("toml")
    for value, key in (({"command": "npx", "env": {"TOKEN": None}}, "mcp_servers.aiwg.env.TOKEN"),
                       ({"command": "npx", "args": ["a", None]}, "mcp_servers.aiwg.args.1"),
                       ({"command": None}, "mcp_servers.aiwg.command")):
        with pytest.raises(DocumentError) as raised:
            editor.write(AFTER_AIWG, PATH, value)
        assert str(raised.value) == f"{key}: TOML has no null value; remove the key or give it a value"
    # An input error: the run stops with exit 2 and one line, not exit 70.
    assert issubclass(DocumentError, InputError)


def test_defect_14_crlf_files_stay_crlf_through_write_and_remove() -> None:
    editor = editor_for("toml")
    original = '# Codex\r\nmodel = "o3"\r\n\r\n[mcp_servers.mine]\r\ncommand = "mine"\r\n'
    text = editor.write(original, PATH, SERVER)
    assert "\n" not in text.replace("\r\n", "")
    assert editor.write(text, PATH, {"command": "uvx", "env": {"A": "b"}}).count("\n") == (
        editor.write(text, PATH, {"command": "uvx", "env": {"A": "b"}}).count("\r\n"))
    assert editor.remove(text, PATH) == original


def test_defect_14_a_crlf_codex_config_stays_crlf_end_to_end(tmp_path: Path) -> None:
    root = make_project(tmp_path, "[library]\nbuiltin = false\n[select]\ntags = []\n")
    write_item(root, "mcp/github.yaml", "name: github\ndescription: G.\ncommand: npx\n"
                                        "args: [x]\nenv:\n  TOKEN: ${TOKEN}\n")
    config = root / ".codex/config.toml"
    config.parent.mkdir()
    original = b'# mine\r\nmodel = "o3"\r\n\r\n[mcp_servers.mine]\r\ncommand = "mine"\r\n'
    config.write_bytes(original)
    assert aiwg(root, "deploy", "-p", "codex", "--yes").exit_code == 0
    written = config.read_bytes()
    assert b"[mcp_servers.github]" in written
    assert b"\n" not in written.replace(b"\r\n", b"")
    assert aiwg(root, "remove", "-p", "codex", "--yes").exit_code == 0
    assert config.read_bytes() == original


def test_a_bom_stays_at_the_start() -> None:
    editor = editor_for("toml")
    original = '\ufeffmodel = "o3"\n'
    text = editor.write(original, PATH, SERVER)
    assert text.startswith(original)
    assert editor.remove(text, PATH) == original
    assert editor.read(text, PATH) == SERVER


def test_tables_the_splice_cannot_place_still_read_back_exactly() -> None:
    editor = editor_for("toml")
    for original in ('[mcp_servers]\naiwg.command = "x"\n# mine\n',
                     'mcp_servers.aiwg.command = "x"\n[other]\na = 1\n',
                     '[mcp_servers.aiwg.env]\nA = "b"\n'):
        text = editor.write(original, PATH, SERVER)
        assert tomllib.loads(text)["mcp_servers"]["aiwg"] == SERVER
        assert "aiwg" not in tomllib.loads(editor.remove(text, PATH)).get("mcp_servers", {})


def test_a_key_path_through_a_value_is_a_document_error() -> None:
    with pytest.raises(DocumentError, match="mcp_servers is not a table"):
        editor_for("toml").write("mcp_servers = 3\n", PATH, SERVER)
    with pytest.raises(DocumentError):
        editor_for("toml").read("a = [" * 5000, PATH)


def test_a_bom_before_aiwgs_first_table_stays_when_the_table_goes() -> None:
    # Shrunk from test_toml_edits_touch_only_aiwgs_table: the BOM went with the first line.
    editor = editor_for("toml")
    text = '\ufeff[mcp_servers.aiwg]\ncommand = "x"\n\n[mine]\nk = 1\n'
    assert editor.remove(text, PATH) == "\ufeff\n[mine]\nk = 1\n"
    assert editor.remove(editor.write("\ufeff", PATH, SERVER), PATH) == "\ufeff"


def test_a_last_line_without_a_newline_keeps_having_none() -> None:
    # Shrunk from the same property: write then remove gave the person's file a final newline.
    editor = editor_for("toml")
    for original in ('[mcp_servers.mine]\ncommand = ""', 'model = "o3"\r\n# mine'):
        written = editor.write(original, PATH, SERVER)
        assert not written.endswith("\n")
        assert tomllib.loads(written)["mcp_servers"]["aiwg"] == SERVER
        assert editor.remove(written, PATH) == original
        assert editor.write(written, PATH, {"command": "y"}).startswith(original)
