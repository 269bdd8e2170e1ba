"""Print the sandbox's OpenAPI document: ``python -m o2s_config.sandbox.openapi > schemas/o2s-api.openapi.json``."""

from __future__ import annotations

import json
import sys
import tempfile
from pathlib import Path


def render() -> str:
    """The OpenAPI document as committed (stable key order, trailing newline)."""
    from o2s_config.sandbox.app import create_app

    with tempfile.TemporaryDirectory() as folder:
        app = create_app(Path(folder) / "openapi.db")
        text = json.dumps(app.openapi(), indent=2, ensure_ascii=False)
        app.state.store.close()
    return text + "\n"


if __name__ == "__main__":
    sys.stdout.write(render())
