"""django-q2 tasks of the builder: each takes an id, calls `lifeboats.builder`, and queues
what comes next. Chunks run on the dedicated build cluster (`Q_CLUSTER_NAME=builds
python manage.py qcluster`); see docs/building.md."""

from __future__ import annotations

from typing import Any

from django_q.tasks import async_task

from lifeboats import builder
from lifeboats.flickr_client import portal_flickr_client

CHUNK_TASK = "lifeboats.tasks.build_chunk"


def build_lifeboat(lifeboat_id: str) -> int:
    """Start the build of an approved lifeboat: queue its first chunks. Returns how many."""
    lifeboat = builder.build_begin(lifeboat_id)
    if lifeboat is None:
        return 0
    chunks = builder.chunks_to_start(lifeboat)
    for _ in range(chunks):
        enqueue_chunk(lifeboat_id)
    return chunks


def build_chunk(lifeboat_id: str) -> str:
    """Fetch a chunk of photos (or assemble the package); queue the next chunk if needed."""
    with portal_flickr_client() as client:
        outcome = builder.build_chunk(
            lifeboat_id, client=client, time_limit=builder.chunk_time_limit()
        )
    if outcome is builder.ChunkOutcome.MORE_WORK:
        enqueue_chunk(lifeboat_id)
    return outcome.value


def sweep_stalled_builds() -> int:
    """Scheduled: queue a chunk for every build whose heartbeat is stale. Returns how many."""
    stalled = builder.sweep_stalled_builds()
    for lifeboat_id in stalled:
        enqueue_chunk(lifeboat_id)
    return len(stalled)


def enqueue_chunk(lifeboat_id: Any) -> str:
    return async_task(
        CHUNK_TASK,
        str(lifeboat_id),
        cluster=builder.BUILD_CLUSTER,
        group=f"lifeboat-{lifeboat_id}",
    )
