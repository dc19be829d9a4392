"""The keys of `aiwg.toml` (and of `[tool.aiwg]` in pyproject.toml): the one model that
`aiwg.config` checks keys against and `aiwg schema config` is generated from.

To add a config key, add it here and read it in `aiwg.config._parse`; the unknown-key check,
the JSON Schema and tests/test_schemas.py's agreement corpus pick it up from this table.
"""

from __future__ import annotations

from aiwg.items import KINDS, SEVERITIES
from aiwg.model import (
    BOOLEAN,
    POSITIVE_INT,
    STRING,
    STRINGS,
    TABLE,
    Key,
    Map,
    Table,
    list_of,
    one_of,
)

# The layers a `[select] layers` entry may name; "project" covers every project path and
# "source" every `[[sources]]` entry.
LAYER_KINDS = ("builtin", "source", "user", "project")

LIBRARY = Table(
    "Which library layers are read. Layers load lowest first; a later one wins by kind and name.",
    {
        "builtin": Key("Read the library shipped with aiwg.", BOOLEAN),
        "user": Key("Also read your personal user library (a project run reads it only when "
                    "this is true; user-scope runs always do).", BOOLEAN),
        "paths": Key("Project library folders, relative to this file; each must exist, later "
                     "paths win. Default: [\".aiwg/library\"].", STRINGS),
    },
)

SELECT = Table(
    "Which library items are deployed. kinds, names and exclude apply to every layer; tags and "
    "min_severity narrow only the layers `layers` names.",
    {
        "kinds": Key("The item kinds to deploy.", list_of(KINDS)),
        "tags": Key("Deploy items of the narrowed layers that carry one of these tags; [] keeps "
                    "them all. Default: [\"core\"].", STRINGS),
        "names": Key("Items always deployed, from any layer (names, kind/name or globs); they "
                     "skip the tag and severity filters.", STRINGS),
        "exclude": Key("Items never deployed (names, kind/name or globs); beats everything.",
                       STRINGS),
        "min_severity": Key("Leave out rules of the narrowed layers below this severity.",
                            one_of(SEVERITIES)),
        "layers": Key("The layers tags and min_severity narrow. Default: [\"builtin\"].",
                      list_of(LAYER_KINDS)),
    },
)

FILTER = Table(
    "Items of the source matching any listed kind, any listed tag and any listed name glob "
    "(an empty list matches everything).",
    {
        "kinds": Key("Item kinds.", list_of(KINDS)),
        "tags": Key("Tags.", STRINGS),
        "names": Key("Names or name globs.", STRINGS),
    },
)

GIT = Table(
    "What aiwg tells git about the files it writes.",
    {
        "linguist": Key("Mark every file aiwg writes whole as linguist-generated in "
                        ".gitattributes (a managed block at the top of the file that sync keeps "
                        "current; your own lines below it win), so code review and language "
                        "statistics fold them away.", BOOLEAN),
    },
)

# `aiwg.sources.spec` reads the keys of an entry from here and checks their values.
SOURCE = Table(
    "A shared library: a git repository (url), a local folder or an installed package; its "
    "items load between the built-in library and your own, pinned in aiwg.lock.",
    {
        "name": Key("The source's name (layer source:<name>); default: the repository's, "
                    "folder's or package's.", {"type": "string",
                                                "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"}),
        "url": Key("A git repository: https://, ssh://, file:// or user@host:path.", STRING),
        "ref": Key("A tag, branch or commit of the repository (default: its HEAD).", STRING),
        "path": Key("A folder inside the repository that holds the library.", STRING),
        "folder": Key("A local folder, relative to this file; it must exist.", STRING),
        "package": Key("An installed package's entry point that names its library folder.",
                       {"type": "string", "pattern": "^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$"}),
        "include": FILTER,
        "exclude": FILTER,
        "overrides": Key("Other sources this one wins over where both define an item.",
                         STRINGS),
    },
    constraints={
        "oneOf": [{"required": ["url"]}, {"required": ["folder"]}, {"required": ["package"]}],
        "if": {"not": {"required": ["url"]}},
        "then": {"not": {"anyOf": [{"required": ["ref"]}, {"required": ["path"]}]}},
    },
)

CONFIG = Table(
    "aiwg's configuration: aiwg.toml at the project root, [tool.aiwg] in pyproject.toml, or the "
    "user's aiwg.toml for user-scope runs.",
    {
        "platforms": Key("Platform ids or aliases `aiwg sync` keeps current (see `aiwg "
                         "platforms`).", STRINGS),
        "ignore": Key("Paths and globs assistants should not read, written into each "
                      "platform's ignore list.", STRINGS),
        "library": LIBRARY,
        "select": SELECT,
        "git": GIT,
        "platform": Map("Options per platform id, e.g. [platform.warp] rules_file = \"WARP.md\"; "
                        "each adapter checks its own options.",
                        Key("The options of one platform (see its adapter's [options]).",
                            TABLE)),
        "budgets": Map("Size limits per platform id: aiwg's share of an always-loaded file.",
                       Map("Budget per item kind, e.g. rule = 20000.",
                           Key("A positive size limit, in the platform's budget unit.",
                               POSITIVE_INT),
                           key_names=one_of(KINDS))),
        "sources": Key("Shared libraries ([[sources]] entries), lowest first.",
                       {"type": "array", "items": SOURCE.json_schema()}),
    },
)
