"""The keys of an adapter file (`adapters/<id>.toml`): the one model `aiwg.adapter_loader`
checks keys against and `aiwg schema adapter` is generated from (docs/adapters.md explains
them). The loader also checks what JSON Schema cannot say (template variables, reads covering
what aiwg writes, the id equal to the file name)."""

from __future__ import annotations

from aiwg.adapter_specs import (
    BUDGET_UNITS,
    CONFIDENCES,
    FIELD_STYLES,
    FORMATS,
    KEY_SYNTAXES,
    STATUSES,
    WALKS,
)
from aiwg.items import HOOK_EVENTS, KINDS
from aiwg.model import (
    BOOLEAN,
    NON_EMPTY,
    POSITIVE_INT,
    STRING,
    STRINGS,
    TABLE,
    Key,
    Map,
    Schema,
    Table,
    one_of,
)

ID: Schema = {"type": "string", "pattern": "^[a-z0-9]+(-[a-z0-9]+)*$"}
DATE: Schema = {"type": "string", "pattern": r"^\d{4}-\d{2}-\d{2}$"}
# A key path: a dotted string ("mcp.servers") or a list of keys.
CONTAINER: Schema = {"anyOf": [STRING, STRINGS]}
ANY: Schema = {}

FIELD = Table(
    "One output key: where its value comes from and how it is written.",
    {
        "from": Key("The item field it comes from: a common field, `scope`, `body`, or any "
                    "other frontmatter key.", STRING),
        "as": Key("How the value is written.", one_of(FIELD_STYLES)),
        "map": Key("Translate the value (a list element by element), e.g. scope names.", TABLE),
        "default": Key("Written when the source is empty.", ANY),
        "value": Key("A constant written as it is.", ANY),
    },
    constraints={"anyOf": [{"required": ["from"]}, {"required": ["value"]}]},
    shorthand={"type": "string", "description": "The item field the value comes from."},
)

MCP = Table(
    "How the platform spells an MCP server entry.",
    {
        "container": Key("Where the servers go: a dotted key or a list of keys.", CONTAINER),
        "stdio_type": Key("The `type` of a local server; omitted when unset.", STRING),
        "remote_type": Key("The `type` of a remote server; omitted when unset.", STRING),
        "command_style": Key("split: command + args; array: command = [cmd, *args].",
                             one_of(("split", "array"))),
        "env_key": Key("The key of the environment table.", STRING),
        "env_style": Key("map: a table of references; forward: a list of variable names.",
                         one_of(("map", "forward"))),
        "url_key": Key("The key of a remote server's URL.", STRING),
        "headers_key": Key("The key of a remote server's headers.", STRING),
        "headers_style": Key("map: headers with references; env-names: the names of variables.",
                             one_of(("map", "env-names"))),
        "env_ref": Key("How an environment reference is written; VAR is the name.",
                       {"type": "string", "pattern": "VAR"}),
    },
    required=("container",),
)

HOOK = Table(
    "How the platform writes a hook: the list it goes in and the shape of one entry.",
    {
        "container": Key("The key of the hook lists: a dotted key or a list of keys.", CONTAINER),
        "events": Map("aiwg's event names -> the platform's.",
                      Key("The platform's name of the event.", STRING),
                      key_names=one_of(HOOK_EVENTS)),
        "shape": Key("grouped: {matcher, hooks: [handler]}; flat: the handler itself; listed: "
                     "one list, each entry naming its event.",
                     one_of(("grouped", "flat", "listed"))),
        "event_key": Key("For listed: the entry key that names the event.", STRING),
        "command_key": Key("The handler key of the command.", STRING),
        "type_value": Key("The handler's `type`, when the platform wants one.", STRING),
        "timeout_key": Key("The handler key of the timeout.", STRING),
        "matcher": Key("Whether the platform filters hooks by tool name.", BOOLEAN),
        "extra": Key("Constant keys on every handler.", TABLE),
        "version": Key("A top-level `version` the file must carry.",
                       {"type": ["integer", "string"]}),
    },
    required=("container", "events"),
)

REGISTER = Table(
    "List the block's file in a config list the platform reads files from (Aider's `read:`).",
    {
        "project": Key("The config file at project scope.", STRING),
        "user": Key("The config file at user scope.", STRING),
        "syntax": Key("The config file's syntax.", one_of(KEY_SYNTAXES)),
        "container": Key("The list's key: a dotted key or a list of keys.", CONTAINER),
    },
    required=("syntax",),
)

READ = Table(
    "One file or glob the platform loads for this kind.",
    {
        "path": Key("A glob template: `*` within a folder, `**` across folders; user paths "
                    "start with a root.", NON_EMPTY),
        "unless_exists": Key("The platform skips the file when one of these exists there or "
                             "above.", STRINGS),
        "walk": Key("root: only there; up: every folder up to the root; down: also in "
                    "subfolders; tree: both.", one_of(WALKS)),
        "note": Key("Said where the read is reported.", NON_EMPTY),
    },
    required=("path",),
    shorthand={"type": "string", "description": "A glob template of a file it loads."},
)

READS = Table(
    "Every file the platform loads as this kind, whoever wrote it; without it, exactly what "
    "aiwg writes.",
    {scope: Key(f"The files it loads at {scope} scope.",
                {"type": "array", "items": READ.json_schema()})
     for scope in ("project", "user")},
)

KIND = Table(
    "Where and how the platform reads one kind.",
    {
        "format": Key("How the output is written.", one_of(FORMATS)),
        "project": Key("The path relative to the project root, with {name}; omit when none.",
                       NON_EMPTY),
        "user": Key("The user-scope path, starting with a root ({home}/...); omit when none.",
                    NON_EMPTY),
        "fields": Map("Output keys, in order: a source field name or a table.", FIELD),
        "arguments": Key("The platform's placeholder for all the user's arguments.", STRING),
        "emulate": Key("Render this kind through another kind's spec.", one_of(KINDS)),
        "block": Key("The managed block's id (format block).", STRING),
        "syntax": Key("The file's syntax (formats keys and entries).", one_of(KEY_SYNTAXES)),
        "mcp": MCP,
        "hook": HOOK,
        "constants": Key("Keys the file must carry besides aiwg's entries.", TABLE),
        "container": Key("Where list entries go (format entries).", CONTAINER),
        "register": REGISTER,
        "comment": Key("The marker style of a managed block.", one_of(("html", "hash"))),
        "budget": Key("The size limit of an always-loaded output.", POSITIVE_INT),
        "budget_unit": Key("The unit of budget.", one_of(BUDGET_UNITS)),
        "extra_fields": Key("Pass keys of an item's platform override block through.", BOOLEAN),
        "note": Key("Said in the loss report (why emulated, what is reduced).", STRING),
        "user_format": Key("The format at user scope when it differs.", one_of(FORMATS)),
        "user_budget": Key("The budget at user scope when it differs.", ANY),
        "confidence": Key("official: vendor docs or source; peer: another tool's code; "
                          "observed: seen with the real client.", one_of(CONFIDENCES)),
        "sources": Key("Where this kind's facts come from (required unless emulated).",
                       {**STRINGS, "minItems": 1}),
        "verified": Key("When these facts were last checked (YYYY-MM-DD); the adapter's date "
                        "otherwise.", DATE),
        "reads": READS,
        "shared": Key("Other adapters write this path for this kind too (a block is shared by "
                      "default).", BOOLEAN),
    },
    constraints={"if": {"required": ["emulate"]}, "then": {},
                 "else": {"required": ["format", "confidence", "sources"]}},
)

ROOT_KEYS = {
    "default": Key("The folder when no variable moves it (~ is the home folder).", NON_EMPTY),
    "env": Key("The environment variable that moves the root.", STRING),
    "env_path": Key("The root when the variable is set; {env} is its value.", STRING),
    "env_ignore": Key("Values of the variable that do not move the root.", STRINGS),
}
FALLBACKS: Schema = {"type": "array", "items": {"type": "object", "required": ["env"]}}
FALLBACK = Table("A further variable that moves the root when `env` is unset.",
                 {**ROOT_KEYS, "fallbacks": Key("Further variables after this one.", FALLBACKS)},
                 required=("env",))
ROOT = Table(
    "A user-scope root folder and the environment variable that moves it.",
    {**ROOT_KEYS,
     "fallbacks": Key("Further variables, checked in order when `env` is unset.",
                      {"type": "array", "items": FALLBACK.json_schema()})},
    required=("default",),
    shorthand={"type": "string", "minLength": 1, "description": "The root folder."},
)

OPTION = Table(
    "An option users set in aiwg.toml [platform.<id>].",
    {
        "default": Key("The value when the config does not set it.", ANY),
        "choices": Key("The values it may take; any when empty.", STRINGS),
    },
    required=("default",),
)

IGNORE = Table(
    "Where the config's `ignore` patterns go.",
    {
        "format": Key("block: a managed block in an ignore file; entries: one entry per pattern "
                      "in a settings list.", one_of(("block", "entries"))),
        "project": Key("The file at project scope.", STRING),
        "user": Key("The file at user scope.", STRING),
        "syntax": Key("The settings file's syntax (format entries).", one_of(KEY_SYNTAXES)),
        "container": Key("The settings list's key: a dotted key or a list of keys.", CONTAINER),
        "template": Key("One entry, with {pattern}.", {"type": "string", "pattern": "{pattern}"}),
    },
    required=("format",),
)

ADAPTER = Table(
    "An aiwg adapter: every fact aiwg knows about one platform (adapters/<id>.toml).",
    {
        "id": Key("Equals the file name; lowercase words joined by '-'.", ID),
        "name": Key("The platform's name as people write it.", NON_EMPTY),
        "aliases": Key("Other names --platform accepts, case-insensitive.", STRINGS),
        "detect": Key("Files or folders whose presence means the project uses it.", STRINGS),
        "roots": Map("User-scope roots; every user path starts with one.", ROOT),
        "kinds": Map("Where and how the platform reads each kind.", KIND, key_names=one_of(KINDS)),
        "sources": Key("Where the adapter's general facts come from.", {**STRINGS, "minItems": 1}),
        "verified": Key("When these facts were last checked (YYYY-MM-DD).", DATE),
        "options": Map("Per-platform options users set in aiwg.toml [platform.<id>].", OPTION),
        "notes": Key("Shown by `aiwg platforms --json`.", STRINGS),
        "ignore": IGNORE,
        "status": Key("active, deprecated (on its way out) or end-of-life.", one_of(STATUSES)),
        "successor": Key("The adapter id users should move to.", ID),
        "status_date": Key("When the status took effect (YYYY-MM-DD); needed unless active.",
                           DATE),
    },
    required=("id", "name", "verified", "sources"),
    constraints={"if": {"required": ["status"],
                        "properties": {"status": one_of(s for s in STATUSES if s != "active")}},
                 "then": {"required": ["status_date"]}},
)
