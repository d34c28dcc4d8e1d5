"""Fixtures for tests that need a running Flickr sandbox.

    from tests.flickr import sandbox_helpers

    sandbox = sandbox_helpers.sandbox  # the fixture, under the name tests ask for

    def test_something(sandbox):
        server = sandbox(photos=100, error_rate=0.1)   # started on a free port
        client = FlickrClient(api_key="any", api_url=server.api_url)
        ...
        assert server.calls["flickr.photos.getInfo"] == 1

Every server the factory started is stopped when the test ends. Worlds are cached per
(photos, seed, commons_members) and shared between tests, so they must never change: a test
that calls `add_comment`, `remove_photo` or `retitle_photo` generates its own world and
serves that one:

    world = SandboxWorld.generate(photos=300, commons_members=5)
    server = sandbox(world=world)
    world.add_comment(photo_id, author_nsid=world.users[7].nsid, text="Seen it!")
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from flickr.sandbox.data import SandboxWorld
from flickr.sandbox.server import SandboxServer


@functools.lru_cache(maxsize=8)
def sandbox_world(
    photos: int = 200, seed: int = 1, commons_members: int | None = None
) -> SandboxWorld:
    """A shared, read-only world for tests: never change it (see the module docstring)."""
    return SandboxWorld.generate(photos=photos, seed=seed, commons_members=commons_members)


@pytest.fixture
def sandbox() -> Iterator[Callable[..., SandboxServer]]:
    """A factory: `sandbox(photos=200, seed=1, commons_members=None, **SandboxServer options)`
    -> a started server over the shared world; `sandbox(world=...)` serves a world of the
    test's own instead."""
    started: list[SandboxServer] = []

    def start(
        photos: int = 200,
        seed: int = 1,
        *,
        commons_members: int | None = None,
        world: SandboxWorld | None = None,
        **options: Any,
    ) -> SandboxServer:
        served = world if world is not None else sandbox_world(photos, seed, commons_members)
        server = SandboxServer(served, **options).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


PROJECT_ROOT = Path(__file__).resolve().parents[2]


@contextlib.contextmanager
def sandbox_command(*arguments: str) -> Iterator[tuple[subprocess.Popen, str, str]]:
    """`manage.py flickr_sandbox --port 0 ARGUMENTS` in a child process, once it listens:
    yields (the process, the banner it printed, its API URL). A process still running when
    the block ends is killed."""
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "tests.settings", "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "manage.py", "flickr_sandbox", "--port", "0", *arguments]
    with subprocess.Popen(
        command,
        cwd=PROJECT_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    ) as process:
        try:
            lines = []
            assert process.stdout is not None
            for line in process.stdout:
                lines.append(line)
                if "Ctrl-C stops it." in line:
                    break
            banner = "".join(lines)
            match = re.search(r"FLICKR_API_URL=(\S+)", banner)
            assert match is not None, f"The sandbox printed no API URL: {banner!r}"
            yield process, banner, match.group(1)
        finally:
            if process.poll() is None:
                process.kill()
                process.communicate()
