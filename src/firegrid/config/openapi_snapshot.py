"""Write the committed OpenAPI snapshot: `python -m firegrid.config.openapi_snapshot`.

The snapshot (docs/openapi.json) is the API contract; `config/tests/test_openapi.py` fails with a
diff whenever the generated document drifts from it, so API changes are reviewed as changes.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

SNAPSHOT_PATH = Path(__file__).resolve().parents[3] / "docs" / "openapi.json"
REGENERATE_HINT = "python -m firegrid.config.openapi_snapshot"


def render(schema: dict[str, Any]) -> str:
    """Pretty, key-sorted, UTF-8 (Chinese kept readable), newline-terminated."""
    return json.dumps(schema, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def current() -> str:
    from firegrid.config.api import api

    return render(api.get_openapi_schema())


def main(argv: list[str] | None = None) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "firegrid.config.settings.base")
    import django

    django.setup()
    args = sys.argv[1:] if argv is None else argv
    target = Path(args[0]) if args else SNAPSHOT_PATH
    target.write_text(current(), encoding="utf-8")
    print(f"wrote {target}")  # noqa: T201
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
