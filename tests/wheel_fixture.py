"""Build the wheel of tests/fixtures/acme-ai-rules with zipfile alone (a wheel is a zip with a
dist-info folder), so tests install it with a real `pip install --no-index` and no build backend."""

from __future__ import annotations

import base64
import hashlib
import tomllib
import zipfile
from pathlib import Path

FIXTURE = Path(__file__).parent / "fixtures" / "acme-ai-rules"


def _record_line(name: str, data: bytes) -> str:
    digest = base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode()
    return f"{name},sha256={digest},{len(data)}"


def build_wheel(folder: Path, version: str | None = None) -> Path:
    project = tomllib.loads((FIXTURE / "pyproject.toml").read_text())["project"]
    name, version = project["name"], version or project["version"]
    dist = f"{name.replace('-', '_')}-{version}"
    files: dict[str, bytes] = {}
    for path in sorted((FIXTURE / "acme_ai_rules").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            files[path.relative_to(FIXTURE).as_posix()] = path.read_bytes()
    points = "".join(f"{key} = {value}\n" for key, value in
                     project["entry-points"]["aiwg.libraries"].items())
    files[f"{dist}.dist-info/METADATA"] = (f"Metadata-Version: 2.1\nName: {name}\nVersion: "
                                           f"{version}\nSummary: {project['description']}\n").encode()
    files[f"{dist}.dist-info/WHEEL"] = (b"Wheel-Version: 1.0\nGenerator: aiwg-tests\n"
                                        b"Root-Is-Purelib: true\nTag: py3-none-any\n")
    files[f"{dist}.dist-info/entry_points.txt"] = f"[aiwg.libraries]\n{points}".encode()
    record = [_record_line(n, d) for n, d in files.items()] + [f"{dist}.dist-info/RECORD,,"]
    files[f"{dist}.dist-info/RECORD"] = ("\n".join(record) + "\n").encode()
    wheel = folder / f"{dist}-py3-none-any.whl"
    with zipfile.ZipFile(wheel, "w") as archive:
        for file_name, data in files.items():
            archive.writestr(file_name, data)
    return wheel
