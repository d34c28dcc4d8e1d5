"""django-q2 tasks of the Commons crawler: each takes an id (or nothing), calls
`commons.crawler`, and queues what comes next. They run on the default cluster; the
schedules are in migration 0003. See docs/commons-crawler.md."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django_q.tasks import async_task

from commons import crawler
from lifeboats.flickr_client import portal_flickr_client

CHUNK_TASK = "commons.tasks.crawl_chunk"


def crawl_commons() -> str:
    """Scheduled nightly: start a crawl (or take over a stalled one) and queue its first
    chunk. Does nothing while a live crawl is running."""
    crawl = crawler.crawl_start()
    if crawl is None:
        return "a crawl is already running"
    enqueue_chunk(crawl.pk)
    return f"crawl {crawl.pk} queued"


def crawl_chunk(crawl_id: str) -> str:
    """Run the crawl's steps for a share of the cluster timeout; queue the next chunk if
    there is more to do."""
    with portal_flickr_client(budget_percent=settings.COMMONS_CRAWL_BUDGET_PERCENT) as client:
        outcome = crawler.crawl_chunk(
            crawl_id, client=client, time_limit=crawler.chunk_time_limit()
        )
    if outcome is crawler.ChunkOutcome.MORE_WORK:
        enqueue_chunk(crawl_id)
    return outcome.value


def sweep_stalled_crawls() -> int:
    """Scheduled every ten minutes: queue a chunk for a crawl whose heartbeat is stale; on
    a catalogue that was never crawled, start the first crawl rather than wait for the
    night. Returns how many crawls it queued."""
    if crawler.first_crawl_due():
        crawl_commons()
        return 1
    stalled = crawler.sweep_stalled_crawls()
    for crawl_id in stalled:
        enqueue_chunk(crawl_id)
    return len(stalled)


def enqueue_chunk(crawl_id: Any) -> str:
    return async_task(
        CHUNK_TASK,
        str(crawl_id),
        cluster=settings.Q_CLUSTER["name"],
        group=f"commons-crawl-{crawl_id}",
    )
