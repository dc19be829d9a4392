"""Every adapter's paths are unique per (scope, kind) across the registry, unless each adapter
writing the same path declares it shared (one output, several readers), and no two kinds of
one adapter write the same per-item file."""

from __future__ import annotations

from collections import defaultdict

from aiwg.adapters import Adapter, KindSpec, default_registry
from aiwg.items import KINDS

SCOPES = ("project", "user")


def resolved(adapter: Adapter, template: str) -> str:
    """The path with roots and options filled in, as the platform finds it by default."""
    for name, root in adapter.roots.items():
        template = template.replace("{" + name + "}", root.default)
    for name, option in adapter.options.items():
        template = template.replace("{" + name + "}", option.default)
    return template


def writers() -> dict[tuple[str, str, str], list[tuple[Adapter, KindSpec]]]:
    paths: dict[tuple[str, str, str], list[tuple[Adapter, KindSpec]]] = defaultdict(list)
    for adapter in default_registry().adapters:
        for kind in KINDS:
            spec = adapter.kinds.get(kind)
            if spec is None or spec.emulate:
                continue
            for scope in SCOPES:
                template = adapter.path_template(spec, scope)
                if template is not None:
                    paths[(scope, kind, resolved(adapter, template))].append((adapter, spec))
    return paths


def test_paths_are_unique_per_scope_and_kind_unless_declared_shared() -> None:
    undeclared = []
    for (scope, kind, path), users in sorted(writers().items()):
        if len(users) > 1:
            undeclared += [f"{a.id} {scope} {kind} {path}" for a, spec in users if not spec.shared]
    assert not undeclared, "shared without `shared = true`:\n" + "\n".join(undeclared)


def test_adapters_sharing_a_keyed_file_write_the_same_shape() -> None:
    """Two platforms that own entries of one file must spell them alike, or they would fight."""
    for (_, _, path), users in writers().items():
        shapes = {repr((spec.format, spec.syntax, spec.mcp, spec.hook, spec.container))
                  for _, spec in users}
        assert len(shapes) == 1, f"{path}: written in different shapes by {[a.id for a, _ in users]}"


def test_no_two_per_item_kinds_of_one_adapter_write_one_path() -> None:
    for adapter in default_registry().adapters:
        for scope in SCOPES:
            seen: dict[str, str] = {}
            for kind, spec in adapter.kinds.items():
                template = None if spec.emulate else adapter.path_template(spec, scope)
                if template is None or "{name}" not in template:
                    continue
                assert template not in seen, f"{adapter.id}: {kind} and {seen[template]} at {template}"
                seen[template] = kind


def test_the_check_finds_an_undeclared_shared_path() -> None:
    """The uniqueness test is not vacuous: several adapters do share paths, all declared."""
    shared = [key for key, users in writers().items() if len(users) > 1]
    assert any(path == ".agents/skills/{name}" for _, _, path in shared)
    assert any(path == "AGENTS.md" for _, _, path in shared)
