"""The keys of the files people write for aiwg, as data: one model per file kind.

A model is a tree of `Table` (fixed keys), `Map` (keys a person names: platform ids, kinds) and
`Key` (a leaf with its JSON Schema). The validators take their key lists from a model and the
JSON Schemas of `aiwg schema` are generated from the same model, so a key added to one is in
the other (tests/test_schemas.py checks that both accept and refuse the same documents).

Nothing here imports a schema library: models are plain data, cheap to import from the CLI.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

Schema = dict[str, Any]


@dataclass(frozen=True)
class Key:
    """A leaf value: what it means and the JSON Schema of what is valid there."""

    description: str
    schema: Mapping[str, Any]

    def json_schema(self) -> Schema:
        return {"description": self.description, **self.schema}


@dataclass(frozen=True)
class Table:
    """A table with a fixed set of keys; any other key is refused."""

    description: str
    keys: Mapping[str, Node]
    required: tuple[str, ...] = ()
    # Further JSON Schema constraints across keys (e.g. "exactly one of"), merged in as written.
    constraints: Mapping[str, Any] = field(default_factory=dict)
    # A table may also be written as a bare value (a field spec as its source name).
    shorthand: Mapping[str, Any] | None = None

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(self.keys)

    def table(self, name: str) -> Table:
        """The nested table at `name` (a Map's table values too)."""
        node = self.keys[name]
        while isinstance(node, Map):
            node = node.value
        if not isinstance(node, Table):
            raise KeyError(f"{name} is not a table")
        return node

    def json_schema(self) -> Schema:
        schema: Schema = {
            "description": self.description,
            "type": "object",
            "properties": {name: node.json_schema() for name, node in self.keys.items()},
            "additionalProperties": False,
        }
        if self.required:
            schema["required"] = list(self.required)
        schema.update(self.constraints)
        if self.shorthand is not None:
            description = schema.pop("description")
            return {"description": description, "anyOf": [dict(self.shorthand), schema]}
        return schema


@dataclass(frozen=True)
class Map:
    """A table whose keys a person names (platform ids, kinds), every value of one shape."""

    description: str
    value: Node
    key_names: Mapping[str, Any] | None = None  # the JSON Schema every key must match

    def json_schema(self) -> Schema:
        schema: Schema = {"description": self.description, "type": "object",
                          "additionalProperties": self.value.json_schema()}
        if self.key_names is not None:
            schema["propertyNames"] = dict(self.key_names)
        return schema


Node = Key | Table | Map


# --- value schemas the models share -------------------------------------------------------------

STRING: Schema = {"type": "string"}
NON_EMPTY: Schema = {"type": "string", "pattern": r"\S"}
BOOLEAN: Schema = {"type": "boolean"}
POSITIVE_INT: Schema = {"type": "integer", "minimum": 1}
STRINGS: Schema = {"type": "array", "items": {"type": "string"}}
TABLE: Schema = {"type": "object"}


def one_of(values: Iterable[str]) -> Schema:
    return {"enum": list(values)}


def list_of(values: Iterable[str]) -> Schema:
    return {"type": "array", "items": {"enum": list(values)}}


# --- misspelt keys ------------------------------------------------------------------------------


def one_edit_apart(word: str, other: str) -> bool:
    """Whether `word` is `other` with one letter deleted, inserted, replaced or two neighbours
    swapped: the typo rule that `typo_pattern` spells as a regular expression."""
    if word == other:
        return False
    if len(word) == len(other):
        diffs = [i for i, (a, b) in enumerate(zip(word, other, strict=True)) if a != b]
        return len(diffs) == 1 or (len(diffs) == 2 and diffs[1] == diffs[0] + 1
                                   and word[diffs[0]] == other[diffs[1]]
                                   and word[diffs[1]] == other[diffs[0]])
    shorter, longer = sorted((word, other), key=len)
    if len(longer) - len(shorter) != 1:
        return False
    return any(longer[:i] + longer[i + 1:] == shorter for i in range(len(longer)))


def typo_of(word: str, known: Iterable[str]) -> str | None:
    """The known key `word` is one edit away from (the first, in `known`'s order), if any."""
    if word in known:
        return None
    return next((name for name in known if one_edit_apart(word, name)), None)


# Any one character, newlines included, in both Python's and ECMAScript's regex dialects.
_ANY = r"[\s\S]"
_SPECIAL = re.compile(r"[.^$*+?()\[\]{}|\\/]")


def escape(text: str) -> str:
    r"""`text` as a literal in both dialects (re.escape's `\-` is an error in ECMAScript's)."""
    return _SPECIAL.sub(lambda match: "\\" + match.group(0), text)


def typo_pattern(known: Iterable[str]) -> str:
    """A regex matching every key one edit away from a known key (known keys included: a
    schema allows those by name first)."""
    variants: set[str] = set()
    for word in known:
        for i in range(len(word) + 1):
            variants.add(escape(word[:i]) + _ANY + escape(word[i:]))  # one inserted
        for i in range(len(word)):
            variants.add(escape(word[:i]) + _ANY + escape(word[i + 1:]))  # one replaced
            variants.add(escape(word[:i] + word[i + 1:]))  # one deleted
        for i in range(len(word) - 1):
            variants.add(escape(word[:i] + word[i + 1] + word[i] + word[i + 2:]))  # swapped
    # `(?!…)` rather than `$`, which in Python also matches before a final newline.
    return "^(?:" + "|".join(sorted(variants)) + r")(?![\s\S])"


# --- the JSON type of a value -------------------------------------------------------------------

_JSON_TYPES = {"string": "a string", "boolean": "true or false", "object": "a table",
               "array": "a list", "integer": "an integer", "number": "a number", "null": "nothing"}


def _is(json_type: str, value: object) -> bool:
    if json_type == "integer":
        return isinstance(value, int) and not isinstance(value, bool)
    if json_type == "number":
        return isinstance(value, int | float) and not isinstance(value, bool)
    python = {"string": str, "boolean": bool, "object": dict, "array": list,
              "null": type(None)}[json_type]
    return isinstance(value, python)


def type_problem(node: Node, value: object) -> str | None:
    """"expected a string" when `value` is not of the JSON type the model declares for it;
    None when it is or when the model declares no single type (the caller checks the rest:
    enums, patterns and ranges, with messages that name their values)."""
    if isinstance(node, Table | Map):
        declared: object = "object" if not isinstance(node, Table) or node.shorthand is None \
            else None
    else:
        declared = node.schema.get("type")
    types = [declared] if isinstance(declared, str) else declared
    if not isinstance(types, list) or any(_is(t, value) for t in types):
        return None
    return "expected " + " or ".join(_JSON_TYPES[t] for t in types)
