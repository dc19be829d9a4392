"""The YAML editor on issue 14's defect 3: comments after aiwg's key, comment-only files, the
person's list indentation and a leading `---`."""

from __future__ import annotations

import pytest
import yaml

from aiwg.keyed import DocumentError, editor_for

AIDER = ("---\n# my aider settings\nmodel: sonnet\nread:\n- NOTES.md   # mine\n"
         "# the next setting matters\nauto-commits: false\nlint-cmd:\n- ruff check\n")


def test_defect_3_a_comment_after_aiwgs_entry_survives_adding_and_removing_it() -> None:
    editor = editor_for("yaml")
    text = editor.write_list(AIDER, ("read",), ["NOTES.md", "CONVENTIONS.md"])
    assert text == AIDER.replace("- NOTES.md   # mine\n", "- NOTES.md   # mine\n- CONVENTIONS.md\n")
    assert editor.write_list(text, ("read",), ["NOTES.md"]) == AIDER


def test_defect_3_a_comment_after_aiwgs_key_survives_update_and_removal() -> None:
    editor = editor_for("yaml")
    original = "model: sonnet\n"
    written = editor.write(original, ("aiwg",), {"a": 1}) + "# my note after it\nother: 2\n"
    updated = editor.write(written, ("aiwg",), {"a": 2, "b": [1]})
    assert updated.endswith("# my note after it\nother: 2\n")
    assert yaml.safe_load(updated)["aiwg"] == {"a": 2, "b": [1]}
    assert editor.remove(updated, ("aiwg",)) == "model: sonnet\n# my note after it\nother: 2\n"


def test_defect_3_a_comment_only_yaml_file_keeps_every_comment() -> None:
    editor = editor_for("yaml")
    original = "# Aider settings for this repository\n# (see the team wiki)\n"
    text = editor.write_list(original, ("read",), ["CONVENTIONS.md"])
    assert text.startswith(original)
    assert yaml.safe_load(text) == {"read": ["CONVENTIONS.md"]}
    assert editor.remove(text, ("read",)) == original


def test_defect_3_writes_never_reindent_the_persons_lists_and_keep_the_leading_marker() -> None:
    editor = editor_for("yaml")
    for path, value in ((("aiwg",), {"x": [1, 2]}), (("model",), "opus")):
        text = editor.write(AIDER, path, value)
        assert text.startswith("---\n# my aider settings\n")
        assert "read:\n- NOTES.md   # mine\n" in text and "lint-cmd:\n- ruff check\n" in text
        assert yaml.safe_load(text)[path[0]] == value


def test_an_emptied_mapping_stays_a_mapping_and_takes_new_keys_again() -> None:
    editor = editor_for("yaml")
    original = "mcpServers:\n  mine:\n    command: mine  # keep\n"
    text = editor.remove(original, ("mcpServers", "mine"))
    assert text == "mcpServers: {}\n"
    again = editor.write(text, ("mcpServers", "aiwg"), {"command": "npx"})
    assert yaml.safe_load(again) == {"mcpServers": {"aiwg": {"command": "npx"}}}
    assert editor.write("mcpServers:\n", ("mcpServers", "aiwg"), {"command": "npx"}) == (
        "mcpServers:\n  aiwg:\n    command: npx\n")


def test_crlf_stays_crlf_and_a_bom_stays() -> None:
    editor = editor_for("yaml")
    original = "\ufeffcustomModes:\r\n  - slug: mine\r\n    name: Mine\r\n"
    text = editor.write_list(original, ("customModes",),
                             [{"slug": "mine", "name": "Mine"}, {"slug": "aiwg", "groups": ["read"]}])
    assert text.startswith(original)
    assert "\n" not in text.replace("\r\n", "")
    assert editor.write_list(text, ("customModes",), [{"slug": "mine", "name": "Mine"}]) == original


def test_strings_a_yaml_11_reader_would_misread_are_quoted() -> None:
    editor = editor_for("yaml")
    text = editor.write_list("read: NOTES.md\n", ("read",), ["NOTES.md", "no", "0755", "on"])
    assert yaml.safe_load(text) == {"read": ["NOTES.md", "no", "0755", "on"]}


def test_a_flow_list_stays_flow() -> None:
    editor = editor_for("yaml")
    assert editor.write_list("read: [a, b]  # mine\n", ("read",), ["a", "b", "c"]).startswith(
        "read: [a, b, c]")


def test_an_alias_bomb_is_a_document_error_not_a_hang() -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n"
    for level in "bcdefghij":
        previous = chr(ord(level) - 1)
        bomb += f"{level}: &{level} [" + ", ".join([f"*{previous}"] * 9) + "]\n"
    with pytest.raises(DocumentError, match="aliases"):
        editor_for("yaml").parse(bomb)


def test_a_bom_file_whose_key_is_on_the_first_line_is_spliced_and_keeps_the_bom() -> None:
    # Shrunk from test_yaml_edits_touch_only_aiwgs_lines: the BOM made the first line's key
    # look misplaced, so the edit fell back to ruamel's round trip, which drops the BOM.
    editor = editor_for("yaml")
    original = '\ufeffmodel:   "_"  # keep\n'
    written = editor.write(original, ("aiwg",), {"command": "npx"})
    assert written == original + "aiwg:\n  command: npx\n"
    assert editor.remove(written, ("aiwg",)) == original
    assert editor.remove("\ufeffaiwg:\n  command: npx\nmodel: x\n", ("aiwg",)) == "\ufeffmodel: x\n"


def test_a_last_line_without_a_newline_keeps_having_none() -> None:
    editor = editor_for("yaml")
    for original in ('model: "_"', "# only a comment", "list:\r\n- a  # mine"):
        written = editor.write(original, ("aiwg",), {"command": "npx"})
        assert not written.endswith("\n")
        assert editor.remove(written, ("aiwg",)) == original
    # A block scalar ending the file would gain a line break: its meaning wins over the byte.
    written = editor.write("a: |\n  text", ("aiwg",), {"command": "npx"})
    assert yaml.safe_load(written) == {"a": "text", "aiwg": {"command": "npx"}}
