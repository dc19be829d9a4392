"""The JSON/JSONC/JSON5 editor on the inputs issue 14 (defect 2) found it breaking on."""

from __future__ import annotations

import json

import json5
import pytest

from aiwg.keyed import DocumentError, editor_for, is_skeleton

SERVER = {"command": "npx", "args": ["-y", "pkg"]}


@pytest.mark.parametrize("syntax", ["json", "jsonc", "json5"])
def test_defect_2_a_comment_only_file_becomes_a_valid_document_keeping_the_comment(
        syntax: str) -> None:
    editor = editor_for(syntax)
    original = "// my editor's MCP servers\n"
    text = editor.write(original, ("servers", "aiwg"), SERVER)
    assert text.startswith(original)
    assert json5.loads(text) == {"servers": {"aiwg": SERVER}}
    assert editor.read(text, ("servers", "aiwg")) == SERVER
    # A second run reads what the first wrote: no exit 2 on the next sync.
    assert editor.write(text, ("servers", "aiwg"), SERVER) == text


def test_defect_2_a_comment_only_file_without_a_final_newline_and_with_crlf() -> None:
    editor = editor_for("jsonc")
    text = editor.write("/* servers */\r\n// more", ("servers", "a"), 1)
    assert text.startswith("/* servers */\r\n// more\r\n{\r\n")
    assert "\n" not in text.replace("\r\n", "")
    assert json5.loads(text) == {"servers": {"a": 1}}


def test_defect_2_a_comment_inside_an_empty_object_is_kept_on_write_and_remove() -> None:
    editor = editor_for("jsonc")
    original = '{\n  "servers": {\n    // none yet\n  }\n}\n'
    text = editor.write(original, ("servers", "aiwg"), SERVER)
    assert "// none yet" in text
    assert json5.loads(text) == {"servers": {"aiwg": SERVER}}
    assert editor.remove(text, ("servers", "aiwg")) == original


def test_defect_2_a_comment_in_an_object_aiwg_empties_is_kept() -> None:
    editor = editor_for("jsonc")
    text = ('{\n  "servers": {\n    // the team server goes here\n    "aiwg": {"command": "npx"}\n'
            '  }\n}\n')
    result = editor.remove(text, ("servers", "aiwg"))
    assert result == '{\n  "servers": {\n    // the team server goes here\n  }\n}\n'
    # Emptied without a comment, the object closes up to `{}` as before.
    assert editor.remove('{\n  "servers": {\n    "aiwg": 1\n  }\n}\n', ("servers", "aiwg")) == (
        '{\n  "servers": {}\n}\n')


def test_defect_2_comments_inside_a_removed_member_stay_where_it_was() -> None:
    editor = editor_for("jsonc")
    text = ('{\n  "servers": {\n    "mine": 1,\n    "aiwg": { // pinned by me\n      "command": '
            '"npx" /* v2 */\n    }\n  }\n}\n')
    result = editor.remove(text, ("servers", "aiwg"))
    assert "// pinned by me" in result and "/* v2 */" in result
    assert json5.loads(result) == {"servers": {"mine": 1}}


@pytest.mark.parametrize("syntax", ["json", "jsonc", "json5"])
def test_defect_2_surrogate_pair_escapes_parse_and_round_trip(syntax: str) -> None:
    editor = editor_for(syntax)
    original = json.dumps({"name": "launch \U0001f680", "servers": {}}) + "\n"
    assert "\\ud83d\\ude80" in original
    assert editor.parse(original) == json.loads(original)
    text = editor.write(original, ("servers", "aiwg"), {"note": "\U0001f680"})
    assert text.startswith(original[:original.index("servers")])
    assert json.loads(text)["name"] == "launch \U0001f680"
    assert editor.remove(text, ("servers", "aiwg")) == original
    text.encode("utf-8")  # nothing unencodable reaches the disk


def test_defect_2_an_unpaired_surrogate_is_a_document_error() -> None:
    for bad in ('{"a": "\\ud83d"}', '{"a": "\\ude80"}', '{"a": "\\ud83d\\u0041"}'):
        with pytest.raises(DocumentError, match="unpaired surrogate"):
            editor_for("json").parse(bad)


def test_defect_2_a_duplicated_key_on_aiwgs_path_is_refused_naming_it_never_value_error() -> None:
    editor = editor_for("json")
    text = '{\n  "mcpServers": {\n    "aiwg": {"command": "a"},\n    "aiwg": {"command": "b"}\n  }\n}\n'
    for action in (lambda: editor.remove(text, ("mcpServers", "aiwg")),
                   lambda: editor.write(text, ("mcpServers", "aiwg"), SERVER),
                   lambda: editor.read(text, ("mcpServers", "aiwg"))):
        with pytest.raises(DocumentError) as raised:
            action()
        assert "mcpServers.aiwg: the key appears 2 times (lines 3 and 4)" in str(raised.value)
        assert raised.value.line == 4


def test_a_duplicated_key_elsewhere_is_the_persons_and_kept() -> None:
    editor = editor_for("json")
    text = '{\n  "theme": "a",\n  "theme": "b",\n  "mcpServers": {}\n}\n'
    written = editor.write(text, ("mcpServers", "aiwg"), SERVER)
    assert written.startswith('{\n  "theme": "a",\n  "theme": "b",\n')
    assert editor.remove(written, ("mcpServers", "aiwg")) == text


@pytest.mark.parametrize("opener", ["[", '{"a":', '{"a": ['])
def test_defect_2_deep_nesting_is_a_document_error_not_recursion_error(opener: str) -> None:
    text = opener * 100_000
    with pytest.raises(DocumentError, match="nested deeper than"):
        editor_for("json").read(text, ("mcpServers", "x"))


def test_an_integer_too_long_to_convert_is_a_document_error() -> None:
    with pytest.raises(DocumentError, match="number out of range"):
        editor_for("json").parse('{"a": ' + "9" * 5000 + "}")


def test_bom_and_crlf_are_kept() -> None:
    editor = editor_for("json")
    original = '\ufeff{\r\n  "theme": "dark"\r\n}\r\n'
    text = editor.write(original, ("mcpServers", "aiwg"), SERVER)
    assert text.startswith('\ufeff{\r\n  "theme": "dark",\r\n')
    assert "\n" not in text.replace("\r\n", "")
    assert json.loads(text.removeprefix("\ufeff"))["mcpServers"]["aiwg"] == SERVER
    assert editor.remove(editor.remove(text, ("mcpServers", "aiwg")), ("mcpServers",)) == original
    assert editor.write("\ufeff", ("a",), 1) == '\ufeff{\n  "a": 1\n}\n'


def test_defect_5_only_aiwgs_own_skeleton_counts_as_empty() -> None:
    assert is_skeleton("{}\n", "json")
    assert is_skeleton('{\n  "mcpServers": {}\n}\n', "json")
    assert is_skeleton('{\r\n  "mcp": {\r\n    "servers": {}\r\n  }\r\n}\r\n', "json5")
    assert is_skeleton("\n", "jsonc")
    for kept in ('// my note\n{}\n', '{\n  "mcpServers": {} // mine\n}\n', '{"mcpServers": {}}',
                 '{\n  "mcpServers": {\n  }\n}\n', '{\n  "a": []\n}\n', '\ufeff{}\n', "[]\n",
                 "{ not json"):
        assert not is_skeleton(kept, "jsonc"), kept
