"""Literal credentials in an MCP server item, wherever they are written.

A deployed MCP config is a file people commit, so a password or token in it is a leak.
Secrets are recognised by where they sit (after `--api-key` in `args`, in a URL's userinfo or
a query parameter named like a key, after `Bearer`) and by the shapes well-known tokens have
(`ghp_…`, `sk-live-…`, `AKIA…`, a private-key header). Ordinary values (`--port 8080`,
`--key-file ./k.pem`, `postgres://db/x`, `https://api.test/?page=2`) are left alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from typing import Any

_REFERENCE = re.compile(r"\$\{[A-Za-z_][A-Za-z0-9_]*\}")
# Words that make a name (an option, a query parameter, a header) a credential's name.
SECRET_WORDS = frozenset({"key", "apikey", "token", "secret", "password", "passwd", "pass",
                          "pwd", "pat", "credential", "credentials", "auth", "authorization",
                          "sig", "signature", "cookie"})
# Words that, last in a name, make it about a credential but not one (`--key-file`).
_NOT_A_VALUE = frozenset({"file", "path", "dir", "name", "id", "env", "var", "type", "url",
                          "header", "stdin", "length", "size", "limit", "count", "mode", "ttl"})
_USERINFO = re.compile(r"\b[A-Za-z][A-Za-z0-9+.-]*://([^/\s@:?#]*):([^/\s@?#]+)@")
_QUERY = re.compile(r"[?&;]([A-Za-z0-9_.\-\[\]]+)=([^&#;\s]+)")
_SCHEME = re.compile(r"(?i)\b(bearer|basic|token|digest)\s+([^\s,;]+)")
_HEADER_ARG = re.compile(r"^\s*([A-Za-z0-9-]+)\s*:\s*(.+)$")
_TOKEN_SHAPES = re.compile(
    r"(?<![A-Za-z0-9])("
    r"(?:sk|rk|pk)[-_](?:live|test|proj|ant|svcacct)[-_][A-Za-z0-9_-]{6,}"
    r"|sk-[A-Za-z0-9]{20,}"
    r"|gh[pousr]_[A-Za-z0-9]{20,}|github_pat_[A-Za-z0-9_]{20,}"
    r"|xox[abposr]-[A-Za-z0-9-]{10,}|glpat-[A-Za-z0-9_-]{20,}"
    r"|AKIA[0-9A-Z]{16}|AIza[0-9A-Za-z_-]{35}|npm_[A-Za-z0-9]{36}|pypi-[A-Za-z0-9_-]{50,}"
    r"|eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"
    r"|-----BEGIN [A-Z ]*PRIVATE KEY-----)")


def name_words(name: str) -> list[str]:
    """`OPENAI_API_KEY`, `--api-key`, `apiKey`, `x-api-key` → their lowercase words."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return [word.lower() for word in re.split(r"[^A-Za-z0-9]+", spaced) if word]


def is_secret_name(name: str) -> bool:
    words = name_words(name)
    return bool(words) and words[-1] not in _NOT_A_VALUE and any(
        word in SECRET_WORDS or word.endswith(("apikey", "token", "secret", "password"))
        for word in words)


def is_reference(value: str) -> bool:
    """Nothing left but `${NAME}` references and punctuation."""
    return bool(_REFERENCE.search(value)) and not any(
        ch.isalnum() for ch in _REFERENCE.sub("", value))


def _literal(value: str) -> bool:
    return bool(value) and not is_reference(value) and not value.startswith("$")


def value_secret(value: str) -> str | None:
    """What in a string is a literal credential, or None."""
    for match in _USERINFO.finditer(value):
        if _literal(match.group(2)):
            return "a password in the URL"
    for match in _QUERY.finditer(value):
        if is_secret_name(match.group(1)) and _literal(match.group(2)):
            return f"a credential in the query parameter {match.group(1)!r}"
    for match in _SCHEME.finditer(value):
        if _literal(match.group(2)) and len(match.group(2)) >= 6:
            return f"a literal {match.group(1)} credential"
    shaped = _TOKEN_SHAPES.search(value)
    if shaped:
        return f"a token ({shaped.group(1)[:6]}…)"
    return None


def _variable(name: str) -> str | None:
    """`--api-key` → API_KEY, `GITHUB_TOKEN` → GITHUB_TOKEN: the variable to suggest."""
    words = name_words(name)
    return "_".join(words).upper() if words else None


def _arg_secrets(args: list[Any]) -> Iterator[tuple[int, str, str | None]]:
    """(index, what, variable) for each argument that carries a literal credential."""
    flagged: set[int] = set()
    for index, arg in enumerate(args):
        if not isinstance(arg, str) or index in flagged:
            continue
        option, equals, inline = arg.partition("=")
        if option.startswith("-") and is_secret_name(option):
            value = inline if equals else (args[index + 1] if index + 1 < len(args) else "")
            if isinstance(value, str) and _literal(value) and not value.startswith("-"):
                at = index if equals else index + 1
                flagged.add(at)
                yield at, f"the value of {option}", _variable(option)
                continue
        header = _HEADER_ARG.match(arg)
        if header and is_secret_name(header.group(1)) and _literal(header.group(2).strip()) \
                and not _SCHEME.search(header.group(2)):
            yield index, f"a {header.group(1)} header", _variable(header.group(1))
            continue
        found = value_secret(arg)
        if found:
            yield index, found, None


def secrets_in(meta: Mapping[str, Any], prefix: str = ""
               ) -> Iterator[tuple[str, str, str | None]]:
    """(field, what, variable to suggest) for every literal credential in an item's fields."""
    for key, value in meta.items():
        where = f"{prefix}{key}"
        if key == "args" and isinstance(value, list):
            for index, what, variable in _arg_secrets(value):
                yield f"{where}[{index}]", what, variable
        elif isinstance(value, Mapping):
            if key in ("env", "headers"):
                for name, entry in value.items():
                    if isinstance(entry, str) and (found := value_secret(entry)):
                        hint = _variable(str(name)) if key == "env" else None
                        yield f"{where}.{name}", found, hint
            else:
                yield from secrets_in(value, f"{where}.")
        elif isinstance(value, list):
            for index, entry in enumerate(value):
                if isinstance(entry, str) and (found := value_secret(entry)):
                    yield f"{where}[{index}]", found, None
        elif isinstance(value, str) and (found := value_secret(value)):
            yield where, found, None
