"""Print the sandbox's OpenAPI document of one mode (the committed files are listed in ``DOCUMENTS``).

``python -m o2s_config.sandbox.openapi > schemas/o2s-api.openapi.json``, and with ``--api published``
``> schemas/o2s-api-published.openapi.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from o2s_config.sandbox.app import ApiMode

# the committed document of each mode, relative to the repository
DOCUMENTS: dict[str, str] = {
    "full": "schemas/o2s-api.openapi.json",
    "published": "schemas/o2s-api-published.openapi.json",
}


def render(api: ApiMode = "full") -> str:
    """The OpenAPI document of the ``api`` mode as committed (stable key order, trailing newline)."""
    from o2s_config.sandbox.app import create_app

    with tempfile.TemporaryDirectory() as folder:
        app = create_app(Path(folder) / "openapi.db", api=api)
        text = json.dumps(app.openapi(), indent=2, ensure_ascii=False)
        app.state.store.close()
    return text + "\n"


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Print the sandbox's OpenAPI document.")
    parser.add_argument("--api", choices=sorted(DOCUMENTS), default="full")
    sys.stdout.write(render(parser.parse_args().api))
