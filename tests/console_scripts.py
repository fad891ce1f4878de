"""The console scripts tests run as a user would: `dagbok` itself, `warcio`, `wacz` and `cog`."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path


def script(name: str) -> str:
    """The console script `name` installed beside this Python (the venv's), else the one on PATH."""
    beside = Path(sys.executable).with_name(name)
    found = str(beside) if beside.exists() else shutil.which(name)
    assert found, f"the {name} entry point is not installed (pip install -e '.[test]')"
    return found


DAGBOK = script("dagbok")
WARCIO = script("warcio")
WACZ = script("wacz")
