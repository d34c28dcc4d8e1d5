"""`python manage.py crawl_commons [--resume]`

Crawls Flickr Commons here and now with the same steps the nightly task runs, against the
Flickr API at `FLICKR_API_URL` (the real one, or the sandbox), and reports the calls made
per method, the photos new, updated and removed, the comments fetched and the time taken.
`--resume` continues a crawl whose worker stopped (killed, or interrupted with Ctrl-C)
instead of starting one.

Exit codes: 0 the crawl finished; 1 it failed, or stopped with Flickr unavailable (it stays
running for the sweeper or `--resume`); 2 nothing was crawled (no API key, another crawl is
running, or nothing to resume).
"""

from __future__ import annotations

import time
from collections.abc import Callable

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from commons import crawler
from commons.models import CommonsCrawl, CrawlStatus
from lifeboats.flickr_client import portal_flickr_client

CRAWL_FAILED = 1
NOT_CRAWLED = 2
PROGRESS_EVERY_SECONDS = 10.0


def call_order(method: str) -> tuple[int, str]:
    """Methods in the order a crawl first calls them; any other after, by name."""
    phases = [crawler.INSTITUTIONS, crawler.PEOPLE_INFO, crawler.PUBLIC_PHOTOS, crawler.COMMENTS]
    return (phases.index(method) if method in phases else len(phases), method)


class ProgressLines:
    """A line saying how far the crawl has got, at most every `every` seconds."""

    def __init__(
        self,
        write: Callable[[str], None],
        *,
        every: float = PROGRESS_EVERY_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.write = write
        self.every = every
        self.clock = clock
        self.last = clock()

    def __call__(self, crawl: CommonsCrawl) -> None:
        if self.clock() - self.last < self.every:
            return
        self.last = self.clock()
        summary = crawler.crawl_summary(crawl)
        self.write(
            f"  {summary['members_done']} of {summary['members']} members listed, "
            f"{summary['photos_listed']:,} photos; {summary['comments_fetched']:,} comments "
            f"fetched; {crawl.total_calls:,} calls so far"
        )


class Command(BaseCommand):
    help = (
        "Crawl Flickr Commons now (members, photos, changed comments) and report the calls "
        "made. Exit 0 when finished, 1 when failed or paused, 2 when nothing was crawled."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--resume",
            action="store_true",
            help="continue a crawl whose worker stopped, instead of starting a new one",
        )

    def handle(self, *args, resume: bool, verbosity: int, **options):
        if not settings.FLICKR_API_KEY:
            raise CommandError(
                "FLICKR_API_KEY is not set. Set it to the portal's Flickr API key; to crawl "
                "the sandbox instead, start `python manage.py flickr_sandbox` and set "
                "FLICKR_API_URL=http://127.0.0.1:8100/services/rest/ and any FLICKR_API_KEY.",
                returncode=NOT_CRAWLED,
            )
        progress = ProgressLines(self.stdout.write) if verbosity > 0 else None
        started = time.monotonic()
        with portal_flickr_client(budget_percent=settings.COMMONS_CRAWL_BUDGET_PERCENT) as client:
            try:
                crawl = crawler.crawl_in_process(client=client, resume=resume, on_progress=progress)
            except KeyboardInterrupt:
                raise CommandError(self.interrupted_message(), returncode=CRAWL_FAILED) from None
        if crawl is None:
            raise CommandError(self.not_crawled_message(resume), returncode=NOT_CRAWLED)
        self.report(crawl, seconds=time.monotonic() - started)
        if crawl.status == CrawlStatus.FAILED:
            raise CommandError(f"Crawl {crawl.pk} failed: {crawl.error}", returncode=CRAWL_FAILED)
        if crawl.status == CrawlStatus.RUNNING:
            raise CommandError(
                f"Crawl {crawl.pk} stopped: Flickr stayed unavailable after several retries. "
                "It stays running: the sweeper resumes it within ten minutes, or run "
                "`crawl_commons --resume` later.",
                returncode=CRAWL_FAILED,
            )

    def not_crawled_message(self, resume: bool) -> str:
        running = CommonsCrawl.objects.running().first()
        if running is None:
            return "There is no interrupted crawl to resume; run crawl_commons without --resume."
        stale_at = timezone.localtime(running.heartbeat_at + crawler.stale_after())
        return (
            f"Crawl {running.pk} is running (started {running.started_at:%Y-%m-%d %H:%M}, "
            f"last step at {timezone.localtime(running.heartbeat_at):%H:%M:%S}). Let it "
            f"finish; if its worker has died, run `crawl_commons --resume` after "
            f"{stale_at:%H:%M:%S}."
        )

    def interrupted_message(self) -> str:
        running = CommonsCrawl.objects.running().first()
        name = f"Crawl {running.pk}" if running else "The crawl"
        return f"Interrupted. {name} stays running; `crawl_commons --resume` continues it."

    def report(self, crawl: CommonsCrawl, *, seconds: float) -> None:
        summary = crawler.crawl_summary(crawl)
        heading = f"Crawl {crawl.pk} {crawl.status} in {seconds:,.1f} s."
        style = self.style.SUCCESS if crawl.status == CrawlStatus.FINISHED else self.style.WARNING
        self.stdout.write(style(heading))
        self.stdout.write(f"Flickr API calls: {crawl.total_calls:,}")
        calls = sorted(summary["calls"].items(), key=lambda item: call_order(item[0]))
        width = max((len(method) for method, _count in calls), default=0)
        for method, count in calls:
            self.stdout.write(f"  {method:<{width}}  {count:>9,}")
        self.stdout.write(
            f"Members: {summary['members']:,}. Photos: {summary['photos_listed']:,} listed, "
            f"{summary['photos_new']:,} new, {summary['photos_updated']:,} updated, "
            f"{summary['photos_removed']:,} removed."
        )
        self.stdout.write(f"Comments: {summary['comments_fetched']:,} fetched.")
