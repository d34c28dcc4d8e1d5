"""Fixtures for tests that need a running Flickr sandbox.

    from tests.flickr import sandbox_helpers

    sandbox = sandbox_helpers.sandbox  # the fixture, under the name tests ask for

    def test_something(sandbox):
        server = sandbox(photos=100, error_rate=0.1)   # started on a free port
        client = FlickrClient(api_key="any", api_url=server.api_url)
        ...
        assert server.calls["flickr.photos.getInfo"] == 1

Every server the factory started is stopped when the test ends. Worlds are cached per
(photos, seed), since they never change once generated.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from flickr.sandbox.data import SandboxWorld
from flickr.sandbox.server import SandboxServer


@functools.lru_cache(maxsize=8)
def sandbox_world(photos: int = 200, seed: int = 1) -> SandboxWorld:
    """A shared, read-only world for tests."""
    return SandboxWorld.generate(photos=photos, seed=seed)


@pytest.fixture
def sandbox() -> Iterator[Callable[..., SandboxServer]]:
    """A factory: `sandbox(photos=200, seed=1, **SandboxServer options)` -> a started server."""
    started: list[SandboxServer] = []

    def start(photos: int = 200, seed: int = 1, **options: Any) -> SandboxServer:
        server = SandboxServer(sandbox_world(photos, seed), **options).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()
