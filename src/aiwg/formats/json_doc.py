"""A whole JSON document per item (Kiro CLI agents)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any


def render_json(fields: Mapping[str, Any]) -> str:
    return json.dumps(dict(fields), indent=2, ensure_ascii=False) + "\n"
