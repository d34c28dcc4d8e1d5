"""`manage.py crawl_commons`: crawls the Commons at FLICKR_API_URL, reports calls, photos,
comments and time; `--resume`; exit codes 0 / 1 / 2 with messages that say what to do."""

from __future__ import annotations

import io
import re
from datetime import timedelta

import httpx
import pytest
import time_machine
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.utils import timezone

from commons import crawler
from commons.management.commands import crawl_commons
from commons.management.commands.crawl_commons import ProgressLines
from commons.models import CommonsCrawl, CommonsPhoto, CrawlStatus
from flickr.client import FlickrClient
from flickr.sandbox.data import SandboxWorld
from flickr.sandbox.server import SandboxServer

pytestmark = pytest.mark.django_db

WORLD_PHOTOS = 200
WORLD_MEMBERS = 3


@pytest.fixture
def world() -> SandboxWorld:
    return SandboxWorld.generate(photos=WORLD_PHOTOS, seed=1, commons_members=WORLD_MEMBERS)


@pytest.fixture
def flickr_sandbox(world):
    """The sandbox, with the portal's settings pointing at it (and a budget that never waits)."""
    with (
        SandboxServer(world) as server,
        override_settings(FLICKR_API_URL=server.api_url, FLICKR_RATE_LIMIT_PER_HOUR=100_000_000),
    ):
        yield server


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("crawl_commons", *args, stdout=out)
    return out.getvalue()


def test_the_command_crawls_and_reports_calls_photos_comments_and_time(world, flickr_sandbox):
    """A first crawl: every call per method, the photos new, the comments fetched, the time."""
    output = run()

    crawl = CommonsCrawl.objects.get()
    assert crawl.status == CrawlStatus.FINISHED
    assert re.search(rf"Crawl {crawl.pk} finished in [0-9.,]+ s\.", output)
    assert f"Flickr API calls: {crawl.total_calls}" in output
    listed = re.findall(r"^  (flickr\.\S+)\s+([0-9,]+)$", output, flags=re.MULTILINE)
    assert [method for method, _count in listed] == [
        "flickr.commons.getInstitutions",
        "flickr.people.getInfo",
        "flickr.people.getPublicPhotos",
        "flickr.photos.comments.getList",
    ]
    assert {method: int(count) for method, count in listed} == flickr_sandbox.calls
    photos = CommonsPhoto.objects.count()
    assert f"Photos: {photos} listed, {photos} new, 0 updated, 0 removed." in output
    assert f"Comments: {crawl.comments_fetched:,} fetched." in output


def test_a_repeat_crawl_reports_nothing_new(world, flickr_sandbox):
    """With nothing changed on Flickr, the second run reports no new, updated or removed
    photos, no comments and no comments call."""
    run()

    output = run()

    assert "0 new, 0 updated, 0 removed." in output
    assert "Comments: 0 fetched." in output
    assert "flickr.photos.comments.getList" not in output


def test_the_command_reports_a_removed_photo(world, flickr_sandbox):
    """A photo deleted on Flickr is counted as removed."""
    run()
    photo_id = CommonsPhoto.objects.order_by("pk").values_list("photo_id", flat=True).first()
    world.remove_photo(photo_id)

    output = run()

    assert "0 new, 0 updated, 1 removed." in output


def test_without_an_api_key_it_says_what_to_set(flickr_sandbox):
    """No FLICKR_API_KEY: exit 2, naming the setting and how to use the sandbox instead."""
    with override_settings(FLICKR_API_KEY=""), pytest.raises(CommandError) as raised:
        run()

    assert raised.value.returncode == 2
    assert "FLICKR_API_KEY is not set" in str(raised.value)
    assert "flickr_sandbox" in str(raised.value)
    assert sum(flickr_sandbox.calls.values()) == 0


def test_a_running_crawl_is_not_started_twice(flickr_sandbox):
    """While a crawl is alive, the command exits 2 and says when --resume may take it over."""
    running = crawler.crawl_start()
    assert running is not None

    with pytest.raises(CommandError) as raised:
        run()

    assert raised.value.returncode == 2
    assert f"Crawl {running.pk} is running" in str(raised.value)
    assert "--resume" in str(raised.value)
    assert sum(flickr_sandbox.calls.values()) == 0


def test_resume_with_nothing_to_resume_exits_2(flickr_sandbox):
    """--resume never starts a crawl of its own."""
    with pytest.raises(CommandError) as raised:
        run("--resume")

    assert raised.value.returncode == 2
    assert "no interrupted crawl to resume" in str(raised.value)
    assert not CommonsCrawl.objects.exists()


def test_resume_continues_a_crawl_whose_worker_died(world, flickr_sandbox):
    """A crawl stopped mid-way, whose heartbeat went stale, is finished by --resume, not
    started again."""
    stopped = crawler.crawl_start()
    assert stopped is not None
    with FlickrClient(api_key="test-key", api_url=flickr_sandbox.api_url) as client:
        crawler.crawl_chunk(stopped.pk, client=client, max_steps=5)
    flickr_sandbox.reset_stats()

    later = timezone.now() + crawler.stale_after() + timedelta(seconds=5)
    with time_machine.travel(later, tick=True):
        output = run("--resume")

    assert f"Crawl {stopped.pk} finished" in output
    assert CommonsCrawl.objects.get().status == CrawlStatus.FINISHED
    assert flickr_sandbox.calls["flickr.commons.getInstitutions"] == 0


def test_an_invalid_key_exits_1_with_the_reason(world):
    """Flickr refusing the key fails the crawl: exit 1, the message says what to check."""
    with (
        SandboxServer(world, api_key="the-right-key") as server,
        override_settings(FLICKR_API_URL=server.api_url, FLICKR_RATE_LIMIT_PER_HOUR=100_000_000),
        pytest.raises(CommandError) as raised,
    ):
        run()

    assert raised.value.returncode == 1
    assert "check FLICKR_API_KEY" in str(raised.value)
    assert CommonsCrawl.objects.get().status == CrawlStatus.FAILED


def test_progress_lines_are_written_at_most_every_interval(flickr_sandbox):
    """Progress is a line per interval, however many steps run in between."""
    crawl = crawler.crawl_start()
    assert crawl is not None
    lines: list[str] = []
    now = [0.0]
    progress = ProgressLines(lines.append, every=10.0, clock=lambda: now[0])

    for moment in (1.0, 5.0, 10.5, 12.0, 21.0):
        now[0] = moment
        progress(crawl)

    assert len(lines) == 2
    assert "0 of 0 members listed" in lines[0]


def test_ctrl_c_exits_1_and_says_how_to_resume(flickr_sandbox, monkeypatch):
    """Interrupted, the command says the crawl stays running and how to continue it."""

    def interrupting_client(**options) -> FlickrClient:
        def refuse(request):
            raise KeyboardInterrupt

        http = httpx.Client(transport=httpx.MockTransport(refuse))
        return FlickrClient(api_key="test-key", api_url=flickr_sandbox.api_url, http=http)

    monkeypatch.setattr(crawl_commons, "portal_flickr_client", interrupting_client)

    with pytest.raises(CommandError) as raised:
        run()

    crawl = CommonsCrawl.objects.get()
    assert raised.value.returncode == 1
    assert f"Crawl {crawl.pk} stays running" in str(raised.value)
    assert "crawl_commons --resume" in str(raised.value)
    assert crawler.crawl_resume() is not None
