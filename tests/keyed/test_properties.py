"""Differential properties of every keyed editor (issue 14, "the proof we expect").

Documents are generated as pieces (the person's keys, comments, blank lines, lists, nested and
empty objects, escapes and surrogate pairs, duplicate keys, inline tables, CRLF, BOM) with aiwg's
key before, between or after the person's. Rendering the same pieces with and without aiwg's key
gives the two texts the editor must move between: the text outside aiwg's span is byte-identical
after write and after remove, the result reads as expected with the format's reference parser
(json, json5, tomllib, PyYAML), and garbage gives DocumentError, never another exception.

AIWG_PROPERTY_EXAMPLES=N runs N examples per property (the default keeps the suite fast).
"""

from __future__ import annotations

import contextlib
import json
import os
import tomllib
from typing import Any

import json5
import pytest
import tomlkit
import yaml
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from aiwg.keyed import DocumentError, editor_for
from aiwg.keyed.toml_doc import _table

EXAMPLES = int(os.environ.get("AIWG_PROPERTY_EXAMPLES", "0"))


def examples(default: int) -> Any:
    return settings(max_examples=EXAMPLES or default, deadline=None,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


KEYS = st.sampled_from(["theme", "model", "a b", "é", "x.y", "on", "n1", "quote\"d", "tab\t"])
TEXT = st.text(alphabet="ab :#-'\"\\/\n\té🚀\u2028", max_size=8)
# A very long line now and then: an editor that scans or wraps by line must not cut it.
LONG = st.integers(2000, 9000).map(lambda n: "é" * (n // 2) + "a\\b" * (n // 8))
SCALARS = st.one_of(TEXT, st.integers(-1000, 1000), st.booleans(), LONG)
JSON_VALUES = st.recursive(st.one_of(SCALARS, st.none()), lambda inner: st.one_of(
    st.lists(inner, max_size=3), st.dictionaries(KEYS, inner, max_size=3)), max_leaves=6)
SERVER = st.fixed_dictionaries({"command": st.sampled_from(["npx", "uvx", "no"]),
                                "args": st.lists(TEXT, max_size=3)},
                               optional={"env": st.dictionaries(st.sampled_from(["A", "B_C"]), TEXT,
                                                                max_size=2)})
COMMENT = st.sampled_from(["// note", "/* block */", "// é 🚀", "/* two\nlines */"])


def _crlf(text: str, crlf: bool) -> str:
    return text.replace("\n", "\r\n") if crlf else text


# --- JSON, JSONC, JSON5 ----------------------------------------------------------------------


@st.composite
def json_documents(draw: st.DrawFn) -> dict[str, Any]:
    syntax = draw(st.sampled_from(["json", "jsonc", "json5"]))
    commented = syntax != "json"
    members = draw(st.lists(st.tuples(KEYS, JSON_VALUES), max_size=4))
    if members and draw(st.booleans()):
        members.append((members[0][0], draw(JSON_VALUES)))  # a duplicate key off aiwg's path
    servers = draw(st.lists(st.tuples(st.sampled_from(["mine", "team", "x\u00e9"]), SERVER),
                            max_size=3, unique_by=lambda p: p[0]))
    return {
        "syntax": syntax, "members": members, "servers": servers,
        "at": draw(st.integers(0, len(members))), "server_at": draw(st.integers(0, len(servers))),
        "ascii": draw(st.booleans()), "trailing": commented and draw(st.booleans()),
        "comments": draw(st.lists(st.one_of(st.none(), COMMENT), min_size=12, max_size=12))
        if commented else [None] * 12,
        # Comments after the last member (before `}`) of the top object and of aiwg's parent,
        # and comments at the end of a member's own line (after its comma).
        "closing": draw(st.lists(st.one_of(st.none(), COMMENT), min_size=2, max_size=2))
        if commented else [None, None],
        "same_line": commented and draw(st.booleans()),
        "eol": draw(st.booleans()),
        "unit": draw(st.sampled_from(["  ", "    ", "\t"])), "crlf": draw(st.booleans()),
        "bom": draw(st.booleans()), "value": draw(SERVER), "new": draw(SERVER),
    }


def _json_object(pairs: list[tuple[str, Any]], indent: str, doc: dict[str, Any],
                 comments: list[str | None], closing: str | None = None) -> str:
    unit = doc["unit"]
    inner = indent + unit
    if not pairs and not comments[0] and not closing:
        return "{}"
    lines = [f"{inner}{comments[0]}\n"] if comments[0] else []
    for index, (key, value) in enumerate(pairs):
        # The comment beside a member goes with its key, so adding aiwg's shifts nothing.
        comment = comments[1 + sum(map(ord, key)) % (len(comments) - 1)]
        if key == "aiwg":
            comment = None
        if comment and not doc["same_line"]:
            lines.append(f"{inner}{comment}\n")
        rendered = value if isinstance(value, _Raw) else json.dumps(
            value, indent=unit, ensure_ascii=doc["ascii"]).replace("\n", "\n" + inner)
        comma = "," if index < len(pairs) - 1 or doc["trailing"] else ""
        tail = f" {comment}" if comment and doc["same_line"] else ""
        lines.append(f"{inner}{json.dumps(key, ensure_ascii=doc['ascii'])}: {rendered}{comma}"
                     f"{tail}\n")
    if closing:
        lines.append(f"{inner}{closing}\n")
    return "{\n" + "".join(lines) + indent + "}"


class _Raw(str):
    """Text already rendered."""


def render_json(doc: dict[str, Any], aiwg: Any | None) -> str:
    servers = list(doc["servers"])
    if aiwg is not None:
        servers.insert(doc["server_at"], ("aiwg", aiwg))
    # aiwg's own value is rendered as aiwg renders it (json.dumps, non-ASCII kept).
    servers = [(k, _Raw(json.dumps(v, indent=doc["unit"], ensure_ascii=False).replace(
        "\n", "\n" + doc["unit"] * 2)) if k == "aiwg" else v) for k, v in servers]
    members = list(doc["members"])
    members.insert(doc["at"], ("servers", _Raw(_json_object(
        servers, doc["unit"], doc, doc["comments"][6:], doc["closing"][1]))))
    head = "".join(f"{c}\n" for c in doc["comments"][:1] if c)
    text = head + _json_object(members, "", doc, [*doc["comments"][1:6], None],
                               doc["closing"][0]) + ("\n" if doc["eol"] else "")
    return ("\ufeff" if doc["bom"] else "") + _crlf(text, doc["crlf"])


def _joined(value: Any) -> Any:
    """The json5 package leaves a surrogate-pair escape as two code points; join them, as
    `json` (and aiwg) do."""
    if isinstance(value, str):
        return value.encode("utf-16", "surrogatepass").decode("utf-16")
    if isinstance(value, dict):
        return {_joined(k): _joined(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_joined(v) for v in value]
    return value


def json_reference(syntax: str, text: str) -> Any:
    text = text.removeprefix("\ufeff")
    return json.loads(text) if syntax == "json" else _joined(json5.loads(text))


@examples(150)
@given(json_documents())
def test_json_family_edits_touch_only_aiwgs_span(doc: dict[str, Any]) -> None:
    editor, path = editor_for(doc["syntax"]), ("servers", "aiwg")
    without, with_aiwg = render_json(doc, None), render_json(doc, doc["value"])
    assert editor.remove(with_aiwg, path) == without
    assert editor.write(with_aiwg, path, doc["new"]) == render_json(doc, doc["new"])
    written = editor.write(without, path, doc["value"])
    expected = json_reference(doc["syntax"], without)
    expected["servers"]["aiwg"] = doc["value"]
    assert json_reference(doc["syntax"], written) == expected
    assert editor.read(written, path) == doc["value"]
    assert editor.remove(written, path) == without


@examples(100)
@given(json_documents(), st.lists(SERVER, max_size=3), SERVER)
def test_json_list_entries_keep_the_persons_elements(doc: dict[str, Any], mine: list[Any],
                                                      aiwg: Any) -> None:
    editor, path = editor_for(doc["syntax"]), ("servers", "list")
    doc = {**doc, "servers": [*doc["servers"], ("list", mine)], "server_at": 0}
    original = render_json(doc, None)
    added = editor.write_list(original, path, [*mine, aiwg])
    assert json_reference(doc["syntax"], added)["servers"]["list"] == [*mine, aiwg]
    if aiwg not in mine:
        assert editor.write_list(added, path, mine) == original


@examples(100)
@given(json_documents())
def test_a_duplicate_on_aiwgs_path_is_refused_with_the_path(doc: dict[str, Any]) -> None:
    editor = editor_for(doc["syntax"])
    text = render_json({**doc, "servers": [("aiwg", {"command": "x"}), *doc["servers"],
                                           ("aiwg", {"command": "y"})], "server_at": 0}, None)
    with pytest.raises(DocumentError, match=r"servers\.aiwg: the key appears"):
        editor.remove(text, ("servers", "aiwg"))


@examples(80)
@given(st.sampled_from(["json", "jsonc", "json5"]),
       st.lists(st.one_of(COMMENT, st.just(""), st.just("  ")), max_size=3), st.booleans(),
       st.booleans(), SERVER)
def test_empty_and_comment_only_json_documents(syntax: str, lines: list[str], bom: bool,
                                               crlf: bool, value: Any) -> None:
    if syntax == "json":
        lines = [line for line in lines if not line.strip()]
    original = ("\ufeff" if bom else "") + _crlf("".join(f"{line}\n" for line in lines), crlf)
    text = editor_for(syntax).write(original, ("mcp", "aiwg"), value)
    assert json_reference(syntax, text) == {"mcp": {"aiwg": value}}
    if original.strip(" \t\r\n\ufeff"):
        assert text.startswith(original)


# --- TOML -------------------------------------------------------------------------------------

# Plain values and arrays: a dict under a key would make tomlkit write a sub-table.
TOML_VALUES = st.one_of(SCALARS, st.lists(SCALARS, max_size=3))
TOML_COMMENTS = st.lists(st.sampled_from(["", "# note", "# é 🚀", "#"]), max_size=2)


def _toml_pairs(pairs: dict[str, Any]) -> str:
    document = tomlkit.document()
    for key, value in pairs.items():
        document[key] = value
    return tomlkit.dumps(document)


@st.composite
def toml_documents(draw: st.DrawFn) -> dict[str, Any]:
    root = draw(st.dictionaries(st.sampled_from(["model", "a b", "on"]), TOML_VALUES, max_size=2))
    tables = draw(st.lists(st.tuples(st.sampled_from(["mcp_servers.mine", "mcp_servers.team",
                                                      "profile", "mcp_servers.\"x y\""]),
                                     st.dictionaries(st.sampled_from(["command", "args"]),
                                                     TOML_VALUES, min_size=1, max_size=2),
                                     TOML_COMMENTS),
                           max_size=3, unique_by=lambda t: t[0]))
    return {"root": root, "tables": tables, "at": draw(st.integers(0, len(tables))),
            "head": draw(TOML_COMMENTS), "crlf": draw(st.booleans()), "bom": draw(st.booleans()),
            # The person's comments right after aiwg's table (before the next table), and a
            # file whose last line has no newline.
            "after": draw(TOML_COMMENTS), "eol": draw(st.booleans()),
            "value": draw(SERVER), "new": draw(SERVER)}


def render_toml(doc: dict[str, Any], aiwg: Any | None) -> str:
    blocks = [(f"[{name}]\n" + _toml_pairs(pairs), comments)
              for name, pairs, comments in doc["tables"]]
    after = doc.get("after", [])
    if aiwg is not None:  # rendered as aiwg renders it (a nested table inline)
        blocks.insert(doc["at"], (_table(("mcp_servers", "aiwg"), aiwg), after))
    elif after:
        blocks.insert(doc["at"], ("", after))
    text = "".join(f"{c}\n" for c in doc["head"]) + _toml_pairs(doc["root"])
    for block, comments in blocks:
        text += block + "".join(f"{c}\n" for c in comments)
    if not doc.get("eol", True):
        text = text.removesuffix("\n")
    return ("\ufeff" if doc["bom"] else "") + _crlf(text, doc["crlf"])


def toml_reference(text: str) -> Any:
    return tomllib.loads(text.removeprefix("\ufeff"))


def _aiwg_ends_the_file(doc: dict[str, Any]) -> bool:
    return doc["at"] == len(doc["tables"]) and not any(c.strip() for c in doc["after"])


@examples(150)
@given(toml_documents())
def test_toml_edits_touch_only_aiwgs_table(doc: dict[str, Any]) -> None:
    editor, path = editor_for("toml"), ("mcp_servers", "aiwg")
    without, with_aiwg = render_toml(doc, None), render_toml(doc, doc["value"])
    # A blank-only file is written as if new and given back blank (as JSON and YAML do).
    blank = not without.strip(" \t\r\n\ufeff")
    if blank:
        assert not editor.remove(editor.write(without, path, doc["value"]), path).strip(
            " \t\r\n\ufeff")
        assert editor.remove(editor.write(without, path, doc["value"]), path).startswith(
            "\ufeff" if doc["bom"] else "")
        return
    before_aiwg = with_aiwg[:with_aiwg.index("[mcp_servers.aiwg]")]
    if _aiwg_ends_the_file(doc) and before_aiwg.endswith(("\n\n", "\r\n\r\n")):
        # aiwg's table last after a blank line: that is how aiwg appends a table, so the blank
        # line goes with it.
        assert editor.remove(with_aiwg, path).rstrip("\r\n") == without.rstrip("\r\n")
    else:
        assert editor.remove(with_aiwg, path) == without
    assert editor.write(with_aiwg, path, doc["new"]) == render_toml(doc, doc["new"])
    written = editor.write(without, path, doc["value"])
    assert toml_reference(written) == {**toml_reference(without), "mcp_servers": {
        **toml_reference(without).get("mcp_servers", {}), "aiwg": doc["value"]}}
    assert editor.read(written, path) == doc["value"]
    assert editor.remove(written, path) == without


@examples(100)
@given(st.dictionaries(st.sampled_from(["mine", "team"]), SERVER, max_size=2), SERVER, SERVER,
       st.booleans())
def test_toml_inline_tables_keep_the_persons_entry(mine: dict[str, Any], value: Any, new: Any,
                                                   crlf: bool) -> None:
    editor, path = editor_for("toml"), ("mcp_servers", "aiwg")
    inline = tomlkit.inline_table()
    for name, server in mine.items():
        entry = tomlkit.inline_table()
        entry.update(server)
        inline[name] = entry
    original = _crlf(f'model = "o3"\nmcp_servers = {inline.as_string()}\n# after\n', crlf)
    written = editor.write(original, path, value)
    assert toml_reference(written)["mcp_servers"] == {**mine, "aiwg": value}
    assert written.startswith(original[:original.index("mcp_servers = ")])
    updated = editor.write(written, path, new)
    assert toml_reference(updated)["mcp_servers"]["aiwg"] == new
    assert editor.remove(updated, path) == original


@examples(60)
@given(toml_documents(), st.sampled_from(["command", "args", "env"]))
def test_toml_null_is_refused_naming_the_key(doc: dict[str, Any], key: str) -> None:
    value = {**doc["value"], key: None}
    with pytest.raises(DocumentError, match=rf"mcp_servers\.aiwg\.{key}: TOML has no null"):
        editor_for("toml").write(render_toml(doc, None), ("mcp_servers", "aiwg"), value)


# --- YAML -------------------------------------------------------------------------------------

YAML_SCALARS = st.one_of(st.text(alphabet="ab -_./é", min_size=1, max_size=6).filter(
    lambda s: s.strip() == s and not s.startswith(("-", "."))), st.integers(-99, 99),
    st.booleans())
YAML_COMMENTS = st.lists(st.sampled_from(["", "# note", "  # indented", "# é"]), max_size=2)


@st.composite
def yaml_documents(draw: st.DrawFn) -> dict[str, Any]:
    names = draw(st.lists(st.sampled_from(["model", "read", "lint", "nested", "other"]),
                          unique=True, max_size=4))
    pieces = []
    for name in names:
        kind = draw(st.sampled_from(["scalar", "list0", "list2", "map"]))
        if kind == "scalar":
            body = f"{name}: {json.dumps(draw(YAML_SCALARS), ensure_ascii=False)}\n"
        elif kind == "map":
            body = f"{name}:\n" + "".join(f"  {k}: {json.dumps(v, ensure_ascii=False)}\n"
                                          for k, v in draw(st.dictionaries(
                                              st.sampled_from(["k", "j"]), YAML_SCALARS,
                                              min_size=1)).items())
        else:
            pad = "" if kind == "list0" else "  "
            body = f"{name}:\n" + "".join(
                f"{pad}- {json.dumps(v, ensure_ascii=False)}\n"
                for v in draw(st.lists(YAML_SCALARS, min_size=1, max_size=3)))
        pieces.append(body + "".join(f"{c}\n" for c in draw(YAML_COMMENTS)))
    return {"pieces": pieces, "at": draw(st.integers(0, len(pieces))),
            "start": draw(st.booleans()), "head": draw(YAML_COMMENTS), "crlf": draw(st.booleans()),
            "bom": draw(st.booleans()), "eol": draw(st.booleans()),
            "after": draw(YAML_COMMENTS),  # the person's, right after aiwg's lines
            "value": draw(SERVER), "new": draw(SERVER)}


def render_yaml(doc: dict[str, Any], aiwg: Any | None) -> str:
    from aiwg.keyed.yaml_doc import _dump

    pieces = list(doc["pieces"])
    after = "".join(f"{c}\n" for c in doc.get("after", []))
    pieces.insert(doc["at"], (_dump({"aiwg": aiwg}) if aiwg is not None else "") + after)
    text = ("---\n" if doc["start"] else "") + "".join(f"{c}\n" for c in doc["head"])
    text += "".join(pieces)
    if not doc.get("eol", True):
        text = text.removesuffix("\n")
    return ("\ufeff" if doc["bom"] else "") + _crlf(text, doc["crlf"])


def yaml_reference(text: str) -> Any:
    return yaml.safe_load(text.removeprefix("\ufeff")) or {}


@examples(150)
@given(yaml_documents())
def test_yaml_edits_touch_only_aiwgs_lines(doc: dict[str, Any]) -> None:
    editor, path = editor_for("yaml"), ("aiwg",)
    without = render_yaml(doc, None)
    assume(without.strip(" \t\r\n\ufeff"))  # a blank-only file is written as if new
    if doc["at"] < len(doc["pieces"]):
        with_aiwg = render_yaml(doc, doc["value"])
        assert editor.remove(with_aiwg, path) == without
        assert editor.write(with_aiwg, path, doc["new"]) == render_yaml(doc, doc["new"])
    written = editor.write(without, path, doc["value"])
    assert yaml_reference(written) == {**yaml_reference(without), "aiwg": doc["value"]}
    assert editor.remove(written, path) == without


@examples(100)
@given(yaml_documents(), st.lists(YAML_SCALARS.map(str), min_size=1, max_size=3),
       st.sampled_from(["", "  "]), st.text(alphabet="ab.mdno", min_size=1, max_size=5))
def test_yaml_list_entries_keep_the_persons_entries(doc: dict[str, Any], mine: list[str],
                                                    pad: str, aiwg: str) -> None:
    editor, path = editor_for("yaml"), ("entries",)
    listed = "entries:\n" + "".join(f"{pad}- {json.dumps(v)}  # mine\n" for v in mine)
    doc = {**doc, "pieces": [*doc["pieces"][:doc["at"]], listed + "# after\n",
                             *doc["pieces"][doc["at"]:]]}
    original = render_yaml(doc, None)
    added = editor.write_list(original, path, [*mine, aiwg])
    assert yaml_reference(added)["entries"] == [*mine, aiwg]
    if aiwg not in mine:
        assert editor.write_list(added, path, mine) == original


# --- garbage ----------------------------------------------------------------------------------


@examples(200)
@given(st.sampled_from(["json", "jsonc", "json5", "toml", "yaml"]), st.data())
def test_garbage_is_a_document_error_never_another_exception(syntax: str, data: Any) -> None:
    base = {"toml": lambda: render_toml(data.draw(toml_documents()), {"command": "x"}),
            "yaml": lambda: render_yaml(data.draw(yaml_documents()), {"command": "x"})}.get(
        syntax, lambda: render_json(data.draw(json_documents()), {"command": "x"}))()
    cut = data.draw(st.integers(0, len(base)))
    noise = data.draw(st.text(alphabet="{}[]\"',:=#\n -\\u&*!|>", max_size=4))
    text = base[:cut] + noise + base[cut + data.draw(st.integers(0, 3)):]
    editor = editor_for(syntax)
    for action in (lambda: editor.read(text, ("servers", "aiwg")),
                   lambda: editor.write(text, ("mcp_servers", "aiwg"), {"command": "y"}),
                   lambda: editor.remove(text, ("servers", "aiwg")),
                   lambda: editor.is_skeleton(text)):
        with contextlib.suppress(DocumentError):
            action()
