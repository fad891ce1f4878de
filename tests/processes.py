"""Processes the tests start for real: `dagbok serve` on an archive, and how any started process is stopped."""

from __future__ import annotations

import re
import subprocess
import time
from pathlib import Path

import requests

from tests.console_scripts import DAGBOK


def stop(process: subprocess.Popen, *, timeout: float = 15) -> None:
    """End `process`: SIGTERM, then SIGKILL when it has not ended within `timeout` seconds."""
    if process.poll() is None:
        process.terminate()
    try:
        process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def start_serving(db: Path, *extra: str, dagbok: str = DAGBOK, cwd: Path | None = None) -> tuple[subprocess.Popen, str]:
    """Run `dagbok serve --port 0`, read the URL it prints, poll until Datasette answers there.

    Returns the running process (stop it with `stop`) and the server's base URL.
    """
    process = subprocess.Popen([dagbok, "serve", "--db", str(db), "--port", "0", *extra], cwd=cwd,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    line = process.stdout.readline()
    match = re.search(r"at (http://\S+/) ", line)
    if not match:
        stop(process)
        raise AssertionError(f"no URL in {line!r}; stderr: {process.stderr.read()}")
    base = match.group(1)
    deadline = time.monotonic() + 60
    while True:  # the socket is bound before the line is printed; wait for Datasette to answer
        try:
            if requests.get(base + "-/versions.json", timeout=5).status_code == 200:
                return process, base
        except requests.ConnectionError:
            if process.poll() is not None or time.monotonic() > deadline:
                stop(process)
                raise AssertionError(f"dagbok serve did not answer; stderr: {process.stderr.read()}") from None
        time.sleep(0.05)
