"""The console scripts tests run as a user would: `dagbok` itself (installed, or in this process), `warcio`, `wacz`
and `cog`."""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from click.testing import CliRunner, Result

from archive.cli import cli


def script(name: str) -> str:
    """The console script `name` installed beside this Python (the venv's), else the one on PATH."""
    beside = Path(sys.executable).with_name(name)
    found = str(beside) if beside.exists() else shutil.which(name)
    assert found, f"the {name} entry point is not installed (pip install -e '.[test]')"
    return found


DAGBOK = script("dagbok")
WARCIO = script("warcio")
WACZ = script("wacz")


def invoke(*args: str) -> Result:
    """`dagbok ARGS` run in this process through click, as a user types it; exceptions are not caught."""
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)
