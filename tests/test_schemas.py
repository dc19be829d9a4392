"""The JSON Schemas of `aiwg schema` against the validators they are generated with: both accept
and refuse the same documents (corpora of values at every key, misspelt keys, random key
names), every example in the docs validates, and the checked-in schemas/ files are current."""

from __future__ import annotations

import json
import os
import re
import tomllib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import frontmatter
import jsonschema
import pytest
import tomli_w
import yaml
from helpers import RUNNER
from hypothesis import given, settings
from hypothesis import strategies as st

from aiwg.adapter_loader import AdapterFile, parse_adapter
from aiwg.adapter_model import ADAPTER
from aiwg.adapters import default_registry
from aiwg.cli import app
from aiwg.config import load_config
from aiwg.config_model import CONFIG, FILTER, SOURCE
from aiwg.errors import InputError
from aiwg.item_model import COMMON, KNOWN_FIELDS
from aiwg.items import COMMON_FIELDS, KIND_DIRS, KINDS, YAML_KINDS
from aiwg.library import Layer, load_library
from aiwg.model import Key, Map, Table, one_edit_apart, typo_of
from aiwg.resources import adapters_dir, builtin_library_dir
from aiwg.schemas import SCHEMA_KINDS, file_name, schema, text
from aiwg.validate import validate_library

ROOT = Path(__file__).resolve().parent.parent
PLATFORMS = sorted(default_registry().keys())


def validator(kind: str) -> jsonschema.Draft7Validator:
    return jsonschema.Draft7Validator(schema(kind))


def schema_accepts(kind: str, document: object) -> bool:
    return validator(kind).is_valid(document)


# --- the documents themselves ---------------------------------------------------------------------


@pytest.mark.parametrize("kind", SCHEMA_KINDS)
def test_checked_in_schema_is_what_the_model_generates(kind: str) -> None:
    path = ROOT / "schemas" / file_name(kind)
    if os.environ.get("AIWG_UPDATE_GOLDEN"):
        path.write_text(text(kind), encoding="utf-8")
    assert path.read_text(encoding="utf-8") == text(kind), (
        f"schemas/{file_name(kind)} is stale; rewrite it with AIWG_UPDATE_GOLDEN=1")


@pytest.mark.parametrize("kind", SCHEMA_KINDS)
def test_schema_is_draft_7_with_an_id_title_and_a_description_for_every_key(kind: str) -> None:
    document = schema(kind)
    jsonschema.Draft7Validator.check_schema(document)
    assert document["$id"].endswith(f"/schemas/{kind}.schema.json")
    assert document["title"] and document["description"]
    missing = [path for path, node in _properties(document) if "description" not in node
               and "$ref" not in node]
    assert missing == [], f"{kind}: keys without a description (editors show it): {missing}"


def _properties(node: object, path: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    if isinstance(node, dict):
        for name, inner in node.get("properties", {}).items():
            yield f"{path}.{name}", inner
        for key, inner in node.items():
            if key in ("if", "then", "else", "not"):
                continue  # constraints between keys, not keys an editor shows
            if key != "properties":
                yield from _properties(inner, f"{path}/{key}")
            else:
                for name, child in inner.items():
                    yield from _properties(child, f"{path}.{name}")
    elif isinstance(node, list):
        for inner in node:
            yield from _properties(inner, path)


def test_item_model_covers_every_common_field() -> None:
    assert set(COMMON) == set(COMMON_FIELDS)


# --- aiwg schema ----------------------------------------------------------------------------------


def test_aiwg_schema_prints_each_kind_and_lists_them() -> None:
    for kind in SCHEMA_KINDS:
        result = RUNNER.invoke(app, ["schema", kind])
        assert result.exit_code == 0 and result.stdout == text(kind)
    listed = RUNNER.invoke(app, ["schema", "--list"])
    assert listed.exit_code == 0
    assert [line.split()[0] for line in listed.stdout.splitlines()] == list(SCHEMA_KINDS)


@pytest.mark.parametrize(("argv", "message"), [
    (["schema", "confg"], "aiwg: schema: unknown kind 'confg'; did you mean 'config'?"),
    (["schema"], "aiwg: schema: name a kind (config, rule, agent, command, skill, mcp, hook, "
                 "adapter) or pass --list"),
])
def test_aiwg_schema_refuses_an_unknown_kind_in_one_line(argv: list[str], message: str) -> None:
    result = RUNNER.invoke(app, argv)
    assert result.exit_code == 2 and result.stderr.strip() == message and result.stdout == ""


# --- the config: both accept and refuse the same documents ---------------------------------------

# Values of every shape a TOML file can hold, and the enumerated words the model knows.
VALUES: list[object] = [
    "x", "", "medium", "rule", "builtin", "https://x.test", 0, 1, 20000, -3, 1.5, True, False,
    [], ["x"], ["x", ""], ["rule", "skill"], ["builtin", "project"], ["rules"], [1], [True],
    [["x"]], {}, {"x": 1}, {"rule": 5}, {"rule": 0}, {"rules": 5}, {"codex": {"rule": 1}},
    {"codex": {"rule": "x"}}, {"codex": 1},
]


def _leaf_paths(node: Table | Map | Key, path: tuple[str, ...] = (),
                under_map: bool = False) -> Iterator[tuple[tuple[str, ...], bool]]:
    """Every key path of a model (a Map's keys stand as a sample name), tables included, and
    whether its last key is one a person names."""
    if path:
        yield path, under_map
    if isinstance(node, Table):
        for name, child in node.keys.items():
            yield from _leaf_paths(child, (*path, name))
    elif isinstance(node, Map):
        names = (node.key_names or {}).get("enum") or ["codex"]
        yield from _leaf_paths(node.value, (*path, names[0]), under_map=True)


CONFIG_PATHS = list(_leaf_paths(CONFIG))


def _nest(path: tuple[str, ...], value: object) -> dict[str, Any]:
    document: Any = value
    for name in reversed(path):
        document = {name: document}
    return dict(document)


def _config_accepts(tmp_path: Path, document: dict[str, Any]) -> bool:
    (tmp_path / "aiwg.toml").write_text(tomli_w.dumps(document), encoding="utf-8")
    try:
        load_config(tmp_path)
    except InputError:
        return False
    return True


@pytest.mark.parametrize("path", [p for p, _ in CONFIG_PATHS], ids=".".join)
def test_config_validator_and_schema_agree_on_every_value_at_every_key(
        tmp_path: Path, path: tuple[str, ...]) -> None:
    for folder in ("x", "rule", "skill", "builtin", "project", "medium", "rules"):
        (tmp_path / folder).mkdir(exist_ok=True)
    for value in VALUES:
        document = _nest(path, value)
        if "" in _strings(value) and path == ("library", "paths"):
            continue  # "" is the project folder itself: a path that exists
        assert _config_accepts(tmp_path, document) == schema_accepts("config", document), (
            f"{'.'.join(path)} = {value!r}: validator and schema disagree")


def _strings(value: object) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


@pytest.mark.parametrize("path", [p for p, named in CONFIG_PATHS if not named], ids=".".join)
def test_a_misspelt_config_key_is_refused_by_both(tmp_path: Path, path: tuple[str, ...]) -> None:
    known = CONFIG.names if len(path) == 1 else CONFIG.table(path[0]).names
    for misspelt in {path[-1] + "s", path[-1][:-1], path[-1][1:] + path[-1][0]} - set(known):
        document = _nest((*path[:-1], misspelt), ["x"])
        assert not _config_accepts(tmp_path, document), misspelt
        assert not schema_accepts("config", document), misspelt


@pytest.mark.parametrize("key", [*SOURCE.names, *(f"include.{k}" for k in FILTER.names)])
def test_a_misspelt_key_of_a_sources_entry_is_refused_by_both(tmp_path: Path, key: str) -> None:
    (tmp_path / "org").mkdir()
    entry: dict[str, Any] = {"folder": "org"}
    assert _config_accepts(tmp_path, {"sources": [entry]})
    assert schema_accepts("config", {"sources": [entry]})
    table, _, name = key.rpartition(".")
    misspelt = {name + "s": ["x"]}
    document = {"sources": [{**entry, **({table: misspelt} if table else misspelt)}]}
    assert not _config_accepts(tmp_path, document) and not schema_accepts("config", document)


def test_the_same_schema_validates_tool_aiwg_in_pyproject(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(
        '[project]\nname = "x"\n[tool.aiwg]\nplatforms = ["codex"]\n[tool.aiwg.select]\n'
        'tags = []\n', encoding="utf-8")
    table = tomllib.loads((tmp_path / "pyproject.toml").read_text())["tool"]["aiwg"]
    assert load_config(tmp_path).platforms == ("codex",) and schema_accepts("config", table)


def test_the_config_aiwg_init_writes_names_its_schema_and_validates(tmp_path: Path) -> None:
    from aiwg.commands.init import config_text

    written = config_text(["codex"], ["codex", "cursor"])
    assert written.splitlines()[0] == "#:schema " + schema("config")["$id"]
    assert schema_accepts("config", tomllib.loads(written))


# --- adapters -------------------------------------------------------------------------------------

ADAPTER_FILES = sorted(adapters_dir().glob("*.toml"))


def _adapter_accepts(raw: dict[str, Any], stem: str) -> bool:
    text_ = tomli_w.dumps(raw)
    try:
        parse_adapter(AdapterFile(Path(f"{stem}.toml"), text_), raw)
    except InputError:
        return False
    except Exception as error:  # a crash is a loader bug: bad input must be one line
        raise AssertionError(f"the loader crashed on {raw}: {error!r}") from error
    return True


@pytest.mark.parametrize("path", ADAPTER_FILES, ids=lambda p: p.stem)
def test_every_shipped_adapter_validates_against_the_schema(path: Path) -> None:
    raw = tomllib.loads(path.read_text(encoding="utf-8"))
    errors = [e.message for e in validator("adapter").iter_errors(raw)]
    assert errors == []


def _tables_in(raw: object, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    if isinstance(raw, dict):
        yield path
        for name, inner in raw.items():
            yield from _tables_in(inner, (*path, name))


def _model_table(path: tuple[str, ...]) -> Table | None:
    """The model Table a path of a real adapter lands in (None: a Map's free-named table)."""
    node: Table | Map | Key = ADAPTER
    for name in path:
        if isinstance(node, Table) and name in node.keys:
            node = node.keys[name]
        elif isinstance(node, Map):
            node = node.value
        else:
            return None
    return node if isinstance(node, Table) else None


def test_a_misspelt_key_in_any_table_of_any_adapter_is_refused_by_both() -> None:
    checked = 0
    for path in ADAPTER_FILES:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
        for where in _tables_in(raw):
            table = _model_table(where)
            if table is None:
                continue
            mutated = json.loads(json.dumps(raw))
            target = mutated
            for name in where:
                target = target[name]
            key = next(iter(target), None) or table.names[0]
            target[key + "x"] = target.get(key, "x")
            assert not _adapter_accepts(mutated, path.stem), (path.stem, where, key)
            assert not schema_accepts("adapter", mutated), (path.stem, where, key)
            checked += 1
    assert checked > 300


def test_whatever_the_adapter_loader_accepts_the_schema_accepts() -> None:
    """Values at each key of a real adapter: the loader checks more than JSON Schema can say
    (template variables, reads covering writes), never less, so an editor never flags a file
    aiwg loads."""
    raw = tomllib.loads((adapters_dir() / "cursor.toml").read_text(encoding="utf-8"))
    disagreements = []
    for where in _leaf_keys(raw):
        for value in VALUES:
            mutated = json.loads(json.dumps(raw))
            target = mutated
            for name in where[:-1]:
                target = target[name]
            target[where[-1]] = value
            if _adapter_accepts(mutated, "cursor") and not schema_accepts("adapter", mutated):
                disagreements.append((".".join(where), value))
    assert disagreements == [], "\n".join(map(repr, disagreements))


def _leaf_keys(raw: object, path: tuple[str, ...] = ()) -> Iterator[tuple[str, ...]]:
    if isinstance(raw, dict):
        for name, inner in raw.items():
            yield from _leaf_keys(inner, (*path, name)) if isinstance(inner, dict) else [
                (*path, name)]


# --- item frontmatter -----------------------------------------------------------------------------


def _item_problem_fields(tmp_path: Path, kind: str, meta: dict[str, Any]) -> set[str]:
    folder = tmp_path / KIND_DIRS[kind]  # type: ignore[index]
    folder.mkdir(parents=True, exist_ok=True)
    name = str(meta.get("name", "a"))
    if kind in YAML_KINDS:
        path = folder / f"{name}.yaml"
        path.write_text(yaml.safe_dump(meta, sort_keys=False), encoding="utf-8")
    else:
        path = folder / name / "SKILL.md" if kind == "skill" else folder / f"{name}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("---\n" + yaml.safe_dump(meta, sort_keys=False) + "---\n\nBody.\n",
                        encoding="utf-8")
    library = load_library([Layer("project", tmp_path)], PLATFORMS)
    problems = validate_library(library, set(PLATFORMS))
    for file in folder.rglob("*"):
        if file.is_file():
            file.unlink()
    # Whether a relation names an item of the library is a question about the library, not
    # about the file: no schema of one file can answer it.
    return {problem.field or "" for problem in problems
            if not problem.message.startswith(("unknown item", "requires cycle"))}


BASE = {
    "rule": {}, "agent": {}, "command": {}, "skill": {},
    "mcp": {"command": "npx"},
    "hook": {"event": "stop", "command": "make lint"},
}
ITEM_VALUES: list[object] = [
    "x", " ", "a, b", "one\ntwo", 1, 0, -2, 2.5, True, None, [], ["x"], ["x", 1], {}, {"x": "y"},
    {"codex": "gpt"}, {"codex": 1}, "high", "hihg", "stop", "https://x.test", "ftp://x",
    {"LOG": "debug"}, {"bad name": "x"}, {"LOG": 1},
]


@pytest.mark.parametrize("kind", KINDS)
def test_frontmatter_validator_and_schema_agree_on_every_value_of_every_field(
        tmp_path: Path, kind: str) -> None:
    disagreements = []
    for field in KNOWN_FIELDS:
        if field == "name":
            continue  # the name must also equal the file name, which no schema can see
        for value in ITEM_VALUES:
            meta = {"name": "a", "description": "Does a thing.", **BASE[kind], field: value}
            flagged = bool({f for f in _item_problem_fields(tmp_path, kind, meta)
                            if f == field or f.startswith(f"{field}.")})
            errors = [e for e in validator(kind).iter_errors(meta)
                      if _error_field(e) == field]
            if flagged == bool(errors):
                continue
            disagreements.append((field, value, flagged))
    assert disagreements == [], "\n".join(map(repr, disagreements))


def _error_field(error: jsonschema.ValidationError) -> str | None:
    if error.absolute_path:
        return str(error.absolute_path[0])
    if error.validator == "required" or error.validator == "oneOf":
        missing = re.search(r"'([^']+)' is a required property", error.message)
        return missing.group(1) if missing else "command"
    return None


@pytest.mark.parametrize("kind", KINDS)
def test_names_the_validator_refuses_the_schema_refuses(tmp_path: Path, kind: str) -> None:
    for name in ("a", "ab-c", "a.b", "a_b", "A", "-a", "a..b", "a--b", "a" * 65, "a" * 129):
        meta = {"name": name, "description": "Does a thing.", **BASE[kind]}
        flagged = "name" in _item_problem_fields(tmp_path, kind, meta)
        assert flagged == (not schema_accepts(kind, meta)), (kind, name)


@settings(max_examples=300, deadline=None)
@given(st.one_of(
    st.sampled_from([*KNOWN_FIELDS, *PLATFORMS]).flatmap(
        lambda word: st.tuples(st.just(word), st.integers(0, len(word)),
                               st.sampled_from(["del", "ins", "sub", "swap"]),
                               st.characters(min_codepoint=32, max_codepoint=0x2FF))).map(
        lambda t: _mutate(*t)),
    st.text(min_size=1, max_size=12),
))
def test_a_key_is_a_typo_for_the_validator_exactly_when_the_schema_refuses_it(key: str) -> None:
    known = [*KNOWN_FIELDS, *PLATFORMS]
    expected_typo = typo_of(key, known) is not None
    names = validator("rule").schema["propertyNames"]
    schema_refuses = not jsonschema.Draft7Validator({"propertyNames": names}).is_valid({key: 1})
    assert expected_typo == schema_refuses, key


def _mutate(word: str, at: int, how: str, char: str) -> str:
    at = min(at, len(word) - 1) if how != "ins" else at
    if how == "del":
        return word[:at] + word[at + 1:]
    if how == "ins":
        return word[:at] + char + word[at:]
    if how == "sub":
        return word[:at] + char + word[at + 1:]
    return word[:at] + word[at + 1:at + 2] + word[at:at + 1] + word[at + 2:]


def test_one_edit_apart_is_the_classic_typo_rule() -> None:
    assert one_edit_apart("tgas", "tags") and one_edit_apart("tag", "tags")
    assert one_edit_apart("tagz", "tags") and one_edit_apart("xtags", "tags")
    assert not one_edit_apart("tags", "tags") and not one_edit_apart("gast", "tags")


@pytest.mark.parametrize("kind", KINDS)
def test_every_built_in_item_validates_against_its_schema(kind: str) -> None:
    folder = builtin_library_dir() / KIND_DIRS[kind]  # type: ignore[index]
    files = sorted(folder.glob("*/SKILL.md" if kind == "skill" else "*.*"))
    for path in files:
        meta = (yaml.safe_load(path.read_text(encoding="utf-8")) if kind in YAML_KINDS
                else frontmatter.loads(path.read_text(encoding="utf-8")).metadata)
        errors = [e.message for e in validator(kind).iter_errors(meta)]
        assert errors == [], path


# --- every example in the docs --------------------------------------------------------------------

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
# Files of other tools the docs show; their own tools check them.
OTHER_TOOLS = (".pre-commit-config.yaml", ".github/workflows/")
_FENCE = re.compile(r"^```(\w+)\n(.*?)^```", re.MULTILINE | re.DOTALL)


def _examples() -> Iterator[tuple[str, str, str]]:
    for doc in DOCS:
        for match in _FENCE.finditer(doc.read_text(encoding="utf-8")):
            language, body = match.groups()
            line = doc.read_text(encoding="utf-8")[:match.start()].count("\n") + 1
            yield f"{doc.name}:{line}", language, body


def _classify(language: str, body: str) -> tuple[str, object] | None:
    """(schema kind, parsed document) of a docs example; None for a shell session or another
    tool's file."""
    if language in ("sh", "bash", "console", "text") or body.startswith(f"# {OTHER_TOOLS}"):
        return None
    if language == "yaml" and any(body.startswith(f"# {name}") for name in OTHER_TOOLS):
        return None
    if language == "toml":
        document = tomllib.loads(body)
        if "project" in document or "tool" in document:  # a pyproject.toml
            aiwg = document.get("tool", {}).get("aiwg")
            return None if aiwg is None else ("config", aiwg)
        return ("adapter" if "id" in document else "config"), document
    if language == "yaml":
        document = yaml.safe_load(body)
        return ("hook" if "event" in document else "mcp"), document
    if language in ("markdown", "md"):
        meta = frontmatter.loads(body).metadata
        kind = str(meta.pop("x-kind", "rule"))
        return kind, meta
    raise AssertionError(f"an example in a language the schema test does not know: {language}")


EXAMPLES = [(where, *found) for where, language, body in _examples()
            if (found := _classify(language, body)) is not None]


def test_the_docs_have_examples_of_the_config_an_adapter_and_an_mcp_server() -> None:
    assert {kind for _, kind, _ in EXAMPLES} >= {"config", "adapter", "mcp"}


@pytest.mark.parametrize(("where", "kind", "document"), EXAMPLES, ids=[e[0] for e in EXAMPLES])
def test_every_example_in_the_docs_validates_and_a_misspelt_key_is_refused(
        where: str, kind: str, document: dict[str, Any]) -> None:
    errors = [e.message for e in validator(kind).iter_errors(document)]
    assert errors == [], f"{where}: {errors}"
    first = next(iter(document))
    misspelt = {(first[:-1] + first[-1] * 2): document[first],
                **{k: v for k, v in document.items() if k != first}}
    assert not schema_accepts(kind, misspelt), f"{where}: {first!r} misspelt was accepted"
