"""dagbok installed from its wheel (no `-e`, no checkout on the path) finds its own data.

The wheel is built from a copy of the sources as `pip install .` builds it, and installed
with `--no-deps` into a fresh virtual environment made in a temporary directory. The
dependencies (requests, lxml, Datasette, …) are borrowed from this environment through a
`.pth` line, so the test needs no package index for them; dagbok itself is imported only
from the fresh environment, which the first check makes sure of. The commands then run
in an empty working directory, where a `data/` folder of the checkout cannot help them.
"""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import sysconfig
import venv
from pathlib import Path

import pytest
import requests

from tests.processes import start_serving, stop

ROOT = Path(__file__).resolve().parent.parent
SOURCES = ("pyproject.toml", "README.md", "scraper", "archive")
TIMEOUT = 300

pytestmark = pytest.mark.slow


def run(argv: list[str], *, cwd: Path, timeout: float = TIMEOUT) -> subprocess.CompletedProcess:
    done = subprocess.run(argv, cwd=cwd, capture_output=True, text=True, timeout=timeout)
    assert done.returncode == 0, f"{' '.join(argv)} → {done.returncode}\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Path:
    """The bin/ directory of a fresh virtual environment with dagbok's wheel installed."""
    base = tmp_path_factory.mktemp("wheel")
    source = base / "source"
    source.mkdir()
    for name in SOURCES:
        if (ROOT / name).is_dir():
            shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy(ROOT / name, source / name)
    run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(base / "dist"), str(source)], cwd=base)
    [wheel] = (base / "dist").glob("dagbok-*.whl")

    env_dir = base / "env"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    site_packages = Path(run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             cwd=base).stdout.strip())
    (site_packages / "borrowed-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps", str(wheel)], cwd=base)
    return env_dir / "bin"


def test_every_data_file_is_installed(installed):
    """Whatever is put in scraper/data/ later ships too (pyproject's package-data globs the folder)."""
    source = ROOT / "scraper" / "data"
    shipped = Path(run([str(installed / "python"), "-c", "import scraper; print(scraper.__file__)"],
                       cwd=installed).stdout.strip()).parent / "data"
    wanted = sorted(path.relative_to(source) for path in source.rglob("*") if path.is_file())
    assert wanted and sorted(path.relative_to(shipped) for path in shipped.rglob("*") if path.is_file()) == wanted


def test_the_installed_package_is_the_one_imported(installed, tmp_path):
    done = run([str(installed / "python"), "-c", "import scraper, archive; print(scraper.__file__, archive.__file__)"],
               cwd=tmp_path)
    for path in done.stdout.split():
        assert Path(path).is_relative_to(installed.parent), path
        assert not Path(path).is_relative_to(ROOT), path


def test_demo_query_and_serve_work_from_the_installed_wheel(installed, tmp_path):
    dagbok = str(installed / "dagbok")

    demo = run([dagbok, "demo"], cwd=tmp_path)  # the sample site's posts and pages, the lab vocabulary
    assert "posts per lab: Boden" in demo.stdout, demo.stdout
    db = tmp_path / "data" / "demo" / "dagbok.db"  # the default: data/ in the working directory
    assert db.is_file()

    query = run([dagbok, "query", "--db", "data/demo/dagbok.db", "--lab", "Boden", "--format", "json"], cwd=tmp_path)
    posts = json.loads(query.stdout)
    assert posts and all(post["lab"] == "Boden" for post in posts)

    serving, base = start_serving(db, dagbok=dagbok, cwd=tmp_path)
    try:
        # The Datasette metadata shipped in the package: descriptions and canned queries.
        metadata = requests.get(base + "-/metadata.json", timeout=5)
        assert metadata.status_code == 200
        assert "posts_by_author" in metadata.json()["databases"]["dagbok"]["queries"]
        canned = requests.get(base + "dagbok/posts_by_lab.json", params={"lab": "Boden", "_shape": "array"}, timeout=10)
        assert canned.status_code == 200 and canned.json()
    finally:
        stop(serving)
