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

import functools
from collections.abc import Callable, Iterator
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
