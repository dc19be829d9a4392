"""Defect 13: literal credentials anywhere in an MCP item are found, ordinary values are not."""

from __future__ import annotations

from typing import Any

import pytest

from aiwg.secrets import is_secret_name, secrets_in

LEAKS: list[tuple[dict[str, Any], str]] = [
    ({"url": "https://admin:hunter2@mcp.example.test/"}, "url"),
    ({"url": "https://x.test/?api_key=abc123"}, "url"),
    ({"url": "https://x.test/sse?page=2&access_token=deadbeef"}, "url"),
    ({"url": "wss://x.test/?sig=0a1b2c3d"}, "url"),
    ({"args": ["server", "--api-key", "sk-live-abc123"]}, "args[2]"),
    ({"args": ["--token=abcdef123"]}, "args[0]"),
    ({"args": ["--db-password", "hunter2"]}, "args[1]"),
    ({"args": ["--header", "Authorization: Bearer abcdef123"]}, "args[1]"),
    ({"args": ["-H", "X-Api-Key: abcdef123"]}, "args[1]"),
    ({"args": ["postgres://u:pw@db/x"]}, "args[0]"),
    ({"args": ["AKIAABCDEFGHIJKLMNOP"]}, "args[0]"),
    ({"args": ["ghp_" + "a" * 36]}, "args[0]"),
    ({"env": {"DATABASE_URL": "postgres://admin:hunter2@db/x"}}, "env.DATABASE_URL"),
    ({"env": {"REDIS": "redis://:s3cret@cache:6379/0"}}, "env.REDIS"),
    ({"env": {"SLACK": "xoxb-1234567890-abcdef"}}, "env.SLACK"),
    ({"env": {"PEM": "-----BEGIN RSA PRIVATE KEY-----"}}, "env.PEM"),
    ({"env": {"JWT": "eyJhbGciOiJIUzI1.eyJzdWIiOiIxMjM0.SflKxwRJSMeKKF2QT4"}}, "env.JWT"),
    ({"headers": {"X-Proxy": "Basic dXNlcjpwYXNz"}}, "headers.X-Proxy"),
    ({"headers": {"X-Upstream": "https://u:p4ssw0rd@up.test"}}, "headers.X-Upstream"),
    ({"cursor": {"url": "https://a:b2c3d4@x.test/"}}, "cursor.url"),
    ({"description": "Uses sk-proj-abcdefghijklmnop"}, "description"),
]

CLEAN: list[dict[str, Any]] = [
    {"url": "https://mcp.example.test/v1?page=2&format=json"},
    {"url": "https://${USER}:${PASSWORD}@x.test/"},
    {"url": "https://x.test/?api_key=${API_KEY}"},
    {"args": ["-y", "@modelcontextprotocol/server-github", "--port", "8080"]},
    {"args": ["--key-file", "./certs/key.pem", "--token-limit", "4000"]},
    {"args": ["--api-key", "${API_KEY}", "--password-stdin"]},
    {"args": ["--header", "Authorization: Bearer ${TOKEN}"]},
    {"args": ["--task-runner", "sk-learn", "--skip-checks"]},
    {"args": ["git@github.com:org/repo.git", "mysql://db/x"]},
    {"env": {"DATABASE_URL": "postgres://db.internal:5432/app", "LOG_LEVEL": "debug"}},
    {"env": {"KEYBOARD_LAYOUT": "us", "AUTHOR": "me", "COMPASS": "north"}},
    {"headers": {"Authorization": "Bearer ${API_TOKEN}", "Accept": "text/event-stream"}},
    {"description": "Reads tokens from the vault; never prints a password."},
]


@pytest.mark.parametrize(("fields", "where"), LEAKS, ids=[w for _, w in LEAKS])
def test_defect_13_literal_credentials_are_found_by_field(fields: dict[str, Any],
                                                          where: str) -> None:
    assert [found[0] for found in secrets_in(fields)] == [where]


@pytest.mark.parametrize("fields", CLEAN, ids=[str(i) for i in range(len(CLEAN))])
def test_defect_13_ordinary_values_and_references_are_not_secrets(
        fields: dict[str, Any]) -> None:
    assert list(secrets_in(fields)) == []


def test_defect_13_the_suggested_variable_follows_the_name() -> None:
    [(_, _, option)] = secrets_in({"args": ["--api-key", "sk-live-abc123"]})
    [(_, _, env)] = secrets_in({"env": {"DATABASE_URL": "postgres://a:b@db/x"}})
    assert (option, env) == ("API_KEY", "DATABASE_URL")


@pytest.mark.parametrize(("name", "secret"), [
    ("OPENAI_API_KEY", True), ("--api-key", True), ("apiKey", True), ("x-api-key", True),
    ("GITHUB_TOKEN", True), ("db-password", True), ("--key-file", False),
    ("KEYBOARD", False), ("AUTHOR", False), ("--token-limit", False), ("PORT", False),
])
def test_secret_names_are_word_based(name: str, secret: bool) -> None:
    assert is_secret_name(name) is secret
