"""An imported item as the file(s) of a library layer, in the library's own format."""

from __future__ import annotations

import yaml

from aiwg.formats.markdown import frontmatter_text
from aiwg.importers.model import Imported
from aiwg.items import KIND_DIRS


def library_files(item: Imported) -> dict[str, tuple[bytes, bool]]:
    """Path inside the layer → (bytes, executable) for every file of the item."""
    folder = KIND_DIRS[item.kind]
    if item.kind == "mcp":
        text = yaml.safe_dump(item.meta, sort_keys=False, allow_unicode=True, width=1000)
        return {f"{folder}/{item.name}.yaml": (text.encode("utf-8"), False)}
    document = f"---\n{frontmatter_text(item.meta)}---\n\n{item.body}".encode()
    if item.kind != "skill":
        return {f"{folder}/{item.name}.md": (document, False)}
    files = {f"{folder}/{item.name}/SKILL.md": (document, False)}
    for resource in item.resources:
        files[f"{folder}/{item.name}/{resource.path}"] = (resource.data, resource.executable)
    return files
