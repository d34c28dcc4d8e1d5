"""`manage.py run_portal` (what `make run` starts): web, workers and sandbox, stopped together."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

ROOT = Path(__file__).resolve().parent.parent.parent


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def development_env(database: Path) -> dict[str, str]:
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "PORTAL_READ_DOTENV": "0",
        "DEBUG": "1",
        "SECRET_KEY": "run-portal-test",
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": f"sqlite:///{database}",
        "FLICKR_API_KEY": "",
    }


def wait_for(url: str, process: subprocess.Popen, timeout: float = 60) -> httpx.Response:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        assert process.poll() is None, "run_portal stopped before it served anything"
        try:
            return httpx.get(url, timeout=2)
        except httpx.TransportError:
            time.sleep(0.3)
    raise AssertionError(f"nothing answered at {url} within {timeout} s")


@pytest.mark.slow
def test_run_portal_serves_the_portal_and_the_sandbox_and_stops_everything(tmp_path):
    """The web server and the sandbox answer; SIGTERM stops every process it started.

    (Ctrl-C in a terminal reaches every process of the group at once; a test runs in the
    background, where SIGINT is ignored, so it sends the SIGTERM a service manager would.)"""
    env = development_env(tmp_path / "run.sqlite3")
    manage = [sys.executable, str(ROOT / "manage.py")]
    subprocess.run([*manage, "migrate", "--no-input"], env=env, check=True, capture_output=True)
    web_port, sandbox_port = free_port(), free_port()
    process = subprocess.Popen(
        [
            *manage,
            "run_portal",
            "--port",
            str(web_port),
            "--sandbox-port",
            str(sandbox_port),
            "--sandbox-photos",
            "20",
        ],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        home = wait_for(f"http://127.0.0.1:{web_port}/", process)
        sandbox = httpx.get(f"http://127.0.0.1:{sandbox_port}/sandbox/stats", timeout=5)
        assert (home.status_code, sandbox.status_code) == (200, 200)
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=60)
    assert "Stopped." in output
    leftovers = subprocess.run(
        ["pgrep", "-g", str(process.pid)], capture_output=True, text=True
    ).stdout.split()
    assert leftovers == []
