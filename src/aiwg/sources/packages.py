"""The package finder: an installed distribution that declares a library through the
`aiwg.libraries` entry point group, so `pip install acme-ai-rules` is enough to share one.

    [project.entry-points."aiwg.libraries"]
    acme = "acme_ai_rules:library"    # the package, then the folder in it that holds the library

The value names a package and, after a colon, a folder inside it (dots for nested folders; no
folder means the package folder itself). aiwg finds that folder with the import system's
finders and never imports the package: installing a library must not make aiwg run its code.
"""

from __future__ import annotations

import importlib.machinery
import importlib.metadata
import importlib.util
import re
from dataclasses import dataclass
from pathlib import Path

from aiwg.errors import InputError

GROUP = "aiwg.libraries"
_VALUE = re.compile(r"^\s*(?P<module>[A-Za-z_][\w.]*)\s*(?::\s*(?P<folder>[\w.]+)\s*)?$")


@dataclass(frozen=True)
class PackageLibrary:
    entry_point: str
    distribution: str
    version: str
    value: str

    def folder(self) -> Path:
        """The library folder, found without importing the package."""
        match = _VALUE.match(self.value)
        if match is None:
            raise InputError(f"package {self.distribution}: entry point {self.entry_point} = "
                             f"{self.value!r} in {GROUP}: expected 'package' or "
                             "'package:folder'")
        package = _package_folder(match["module"])
        if package is None:
            raise InputError(f"package {self.distribution}: {match['module']!r}, named by its "
                             f"{GROUP} entry point {self.entry_point!r}, cannot be found")
        folder = package.joinpath(*(match["folder"] or "").split(".")) if match["folder"] else package
        if not folder.is_dir():
            raise InputError(f"package {self.distribution}: its library folder {folder} does "
                             "not exist")
        return folder


def normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def installed() -> list[PackageLibrary]:
    """Every declared library of the running environment, by distribution and entry point."""
    found: dict[tuple[str, str], PackageLibrary] = {}
    for entry in importlib.metadata.entry_points(group=GROUP):
        dist = entry.dist
        name = dist.metadata["Name"] if dist is not None else "?"
        version = dist.version if dist is not None else "?"
        found.setdefault((normalise(name), entry.name),
                         PackageLibrary(entry.name, name, version, entry.value))
    return [found[key] for key in sorted(found)]


def find_package(name: str, source: str) -> PackageLibrary:
    """The library `name` means: an entry point of that name, or a distribution's only one."""
    libraries = installed()
    wanted = normalise(name)
    matching = [lib for lib in libraries if lib.entry_point == name] or [
        lib for lib in libraries if normalise(lib.distribution) == wanted]
    if len(matching) == 1:
        return matching[0]
    if matching:
        names = ", ".join(lib.entry_point for lib in matching)
        raise InputError(f"source {source!r}: package {name!r} declares several libraries "
                         f"({names}); name one of them as `package`")
    known = ", ".join(f"{lib.entry_point} ({lib.distribution} {lib.version})"
                      for lib in libraries) or "none"
    raise InputError(f"source {source!r}: no installed package declares an aiwg library named "
                     f"{name!r} (entry point group {GROUP}; installed: {known}); install it "
                     "where aiwg runs, e.g. `uv tool install aiwg --with PACKAGE`")


def _package_folder(module: str) -> Path | None:
    """The folder of package `module`. Only a top-level spec is asked of the finders (that runs
    no package code); sub-packages are looked up in their parent's folders by path."""
    top, *rest = module.split(".")
    try:
        spec = importlib.util.find_spec(top)
    except (ImportError, ValueError):
        return None
    if spec is None or not spec.submodule_search_locations:
        return None
    locations = list(spec.submodule_search_locations)
    for index in range(len(rest)):
        name = ".".join([top, *rest[: index + 1]])
        spec = importlib.machinery.PathFinder.find_spec(name, locations)
        if spec is None or not spec.submodule_search_locations:
            return None
        locations = list(spec.submodule_search_locations)
    return Path(locations[0])
