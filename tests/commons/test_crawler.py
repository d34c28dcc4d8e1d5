"""The Commons crawler against a sandbox Commons: what it stores, the calls it makes on a
first and a repeat crawl, what changes on Flickr bring, and how it survives being killed."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import time_machine
from django.db import connection
from django.test import override_settings
from django_q.models import Schedule

from commons import crawler, tasks
from commons.models import (
    CommonsComment,
    CommonsCrawl,
    CommonsCrawlMember,
    CommonsMember,
    CommonsPhoto,
    CrawlStatus,
)
from commons.search import plain_words
from flickr.client import FlickrClient
from flickr.sandbox.data import SandboxWorld
from flickr.sandbox.server import SandboxServer
from tests.factories import make_commons_member, make_user

pytestmark = pytest.mark.django_db

WORLD_MEMBERS = 3
WORLD_PHOTOS = 200  # the archive lists 120 photos, the others 51 and 27
BIG_WORLD_PHOTOS = 1200  # the archive lists 924 photos: two pages

INSTITUTIONS = "flickr.commons.getInstitutions"
PEOPLE_INFO = "flickr.people.getInfo"
LISTING = "flickr.people.getPublicPhotos"
COMMENTS = "flickr.photos.comments.getList"


# --- a sandbox Commons of the test's own (its world may be changed) ---------------------------


@pytest.fixture
def serve() -> Iterator[Callable[..., SandboxServer]]:
    started: list[SandboxServer] = []

    def start(world: SandboxWorld, **options: Any) -> SandboxServer:
        server = SandboxServer(world, **options).start()
        started.append(server)
        return server

    yield start
    for server in started:
        server.stop()


@pytest.fixture
def world() -> SandboxWorld:
    return SandboxWorld.generate(photos=WORLD_PHOTOS, seed=1, commons_members=WORLD_MEMBERS)


@pytest.fixture
def server(serve, world) -> SandboxServer:
    return serve(world)


@pytest.fixture
def big_world() -> SandboxWorld:
    return SandboxWorld.generate(photos=BIG_WORLD_PHOTOS, seed=1, commons_members=WORLD_MEMBERS)


@pytest.fixture
def big_server(serve, big_world) -> SandboxServer:
    return serve(big_world)


def sandbox_client(server: SandboxServer, **options: Any) -> FlickrClient:
    """A client on the sandbox with no budget and no waiting between retries."""
    return FlickrClient(
        api_key="test-key", api_url=server.api_url, sleep=lambda _seconds: None, **options
    )


def crawl(server: SandboxServer, *, client: FlickrClient | None = None) -> CommonsCrawl:
    """A whole crawl, in process; the server's call counters start from zero."""
    server.reset_stats()
    with client or sandbox_client(server) as used:
        result = crawler.crawl_in_process(client=used)
    assert result is not None
    return result


class SimulatedKill(BaseException):
    """The worker dies: nothing after this point runs, no handler catches it."""


class DyingClient(FlickrClient):
    """A client whose worker is killed right after Flickr answers its `calls_to_live`th call,
    before the answer is recorded."""

    def __init__(self, *, calls_to_live: int, **options: Any) -> None:
        super().__init__(**options)
        self.calls_to_live = calls_to_live

    def call(self, method: str, **params: Any):
        answer = super().call(method, **params)
        self.calls_to_live -= 1
        if self.calls_to_live <= 0:
            raise SimulatedKill(f"killed after {method}")
        return answer


def dying_client(server: SandboxServer, *, calls_to_live: int) -> DyingClient:
    return DyingClient(
        calls_to_live=calls_to_live,
        api_key="test-key",
        api_url=server.api_url,
        sleep=lambda _seconds: None,
    )


class PageShiftingClient(FlickrClient):
    """A client that loses the first photo of every listing page, as when uploads shift the
    pages of a photostream while it is being read."""

    def call(self, method: str, **params: Any):
        answer = super().call(method, **params)
        if method == LISTING:
            listing = answer.find("photos")
            first = listing.find("photo") if listing is not None else None
            if listing is not None and first is not None:
                listing.remove(first)
        return answer


# --- what the world holds, to compare with ----------------------------------------------------


def listed_photos(world: SandboxWorld) -> dict[str, Any]:
    """Every photo people.getPublicPhotos lists, by photo id."""
    return {
        world.photo_at(index).id: world.photo_at(index)
        for member in world.commons_members()
        for index in world.public_listing(member.nsid)
    }


def expected_first_crawl_calls(world: SandboxWorld) -> dict[str, int]:
    members = world.commons_members()
    photos = listed_photos(world).values()
    return {
        INSTITUTIONS: 1,
        PEOPLE_INFO: len(members),
        LISTING: sum(max(1, math.ceil(len(world.public_listing(m.nsid)) / 500)) for m in members),
        COMMENTS: sum(1 for photo in photos if photo.comment_count > 0),
    }


def catalogue_snapshot() -> dict[str, Any]:
    """The catalogue as plain values, to compare two crawls' results."""
    return {
        "members": sorted(
            CommonsMember.objects.values_list(
                "nsid", "name", "path_alias", "is_current", "photo_count", "view_count"
            )
        ),
        "photos": sorted(
            CommonsPhoto.objects.values_list(
                "photo_id",
                "member__nsid",
                "title",
                "tags",
                "count_comments",
                "comments_fetched_count",
                "search_text",
            )
        ),
        "comments": sorted(
            CommonsComment.objects.values_list("comment_id", "photo__photo_id", "text")
        ),
    }


def clear_catalogue() -> None:
    CommonsCrawl.objects.all().delete()
    CommonsMember.objects.all().delete()


def photo_with_comments(world: SandboxWorld) -> Any:
    return next(
        photo
        for photo in listed_photos(world).values()
        if photo.is_available and 0 < photo.comment_count < 5
    )


# --- the first crawl --------------------------------------------------------------------------


def test_first_crawl_makes_exactly_the_calls_the_catalogue_needs(big_world, big_server):
    """1 getInstitutions, 1 getInfo per member, one listing call per 500 photos of each
    member, one comments call per photo that has comments; the crawl counts them too."""
    result = crawl(big_server)

    expected = expected_first_crawl_calls(big_world)
    assert result.status == CrawlStatus.FINISHED
    assert dict(big_server.calls) == expected
    assert result.calls == expected
    assert expected[LISTING] == 4  # the archive's 924 photos take two pages


def test_first_crawl_fills_members_photos_and_comments(world, server):
    """Every listed photo is catalogued with its member, and the comments of every photo
    that has some are stored."""
    result = crawl(server)

    photos = listed_photos(world)
    assert set(CommonsPhoto.objects.values_list("photo_id", flat=True)) == set(photos)
    assert result.photos_new == len(photos)
    available = [photo for photo in photos.values() if photo.is_available]
    expected_comments = sum(len(world.comments(photo)) for photo in available)
    assert CommonsComment.objects.count() == expected_comments == result.comments_fetched
    for member in world.commons_members():
        stored = CommonsMember.objects.get(nsid=member.nsid)
        assert stored.photo_count == len(world.public_listing(member.nsid))
        assert stored.is_current


def test_members_carry_the_institution_and_profile_details(world, server):
    """Name, launch date and URLs from getInstitutions; alias, description, location and
    icon from people.getInfo; a member without a website keeps none."""
    crawl(server)

    archive = world.commons_members()[0]
    stored = CommonsMember.objects.get(nsid=archive.nsid)
    assert stored.name == (archive.realname or archive.username)
    assert stored.date_launch == datetime.fromtimestamp(archive.commons_launch, tz=UTC)
    assert stored.website_url == "https://example.org/sandbox-archive/"
    assert stored.licence_url == "https://www.flickr.com/commons/usage/"
    assert stored.path_alias == "sandbox-archive"
    assert stored.username == archive.username
    assert stored.location == archive.location
    assert stored.icon_server == str(archive.iconserver)
    without_site = [m for m in world.commons_members() if not m.commons_site_url]
    assert without_site
    assert CommonsMember.objects.get(nsid=without_site[0].nsid).website_url == ""


def test_photos_carry_the_listing_details_and_search_text(world, server):
    """Title, tags, licence, counts, thumbnail and dates come from the listing; the search
    text holds the title, the tags and the comments."""
    crawl(server)

    photo = photo_with_comments(world)
    stored = CommonsPhoto.objects.get(photo_id=photo.id)
    assert stored.title == photo.title
    assert stored.tags.split() == [tag.normalized for tag in photo.tags]
    assert stored.views == photo.views
    assert stored.count_comments == stored.comments_fetched_count == photo.comment_count
    assert stored.date_uploaded == datetime.fromtimestamp(photo.date_upload, tz=UTC)
    assert stored.thumbnail_url.endswith(f"{photo.id}_{photo.secret}_m.jpg")
    assert stored.thumbnail_width == 240 or stored.thumbnail_height == 240
    assert photo.title in stored.search_text
    assert "sandbox" in stored.search_text.split()
    for comment in world.comments(photo):
        assert plain_words(comment.text) in stored.search_text


def test_a_photo_deleted_after_the_listing_has_its_comments_skipped(world, server):
    """A listed photo whose comments Flickr refuses (deleted since) is not asked about again
    while its comment count stays the same."""
    result = crawl(server)

    deleted = [p for p in listed_photos(world).values() if p.state == "deleted" and p.comment_count]
    assert deleted
    stored = CommonsPhoto.objects.get(photo_id=deleted[0].id)
    assert stored.comments_fetched_count == stored.count_comments
    assert not stored.comments.exists()
    assert result.status == CrawlStatus.FINISHED


def test_members_no_longer_listed_are_no_longer_current(server):
    """A member commons.getInstitutions stops listing stays in the catalogue, not current."""
    former = make_commons_member(name="Former Member Archive")

    crawl(server)

    former.refresh_from_db()
    assert not former.is_current
    assert CommonsMember.objects.filter(is_current=True).count() == WORLD_MEMBERS


def test_finished_crawl_stores_the_catalogue_totals(world, server):
    """The crawl records photos, views, members and licences as they were when it finished."""
    result = crawl(server)

    photos = listed_photos(world)
    assert result.stats["photos"] == len(photos)
    assert result.stats["views"] == sum(photo.views for photo in photos.values())
    assert result.stats["members"] == WORLD_MEMBERS
    assert sum(result.stats["licences"].values()) == len(photos)
    assert result.finished_at is not None


@pytest.mark.skipif(connection.vendor != "postgresql", reason="full-text search is PostgreSQL's")
def test_search_vectors_are_filled_on_postgresql(world, server):
    """Every photo written gets its tsvector, so full-text search finds it at once."""
    from django.contrib.postgres.search import SearchQuery

    from commons.search import SEARCH_CONFIG

    crawl(server)

    assert not CommonsPhoto.objects.filter(search_vector__isnull=True).exists()
    found = CommonsPhoto.objects.filter(search_vector=SearchQuery("sandbox", config=SEARCH_CONFIG))
    assert found.count() == CommonsPhoto.objects.count()


# --- incremental crawls -----------------------------------------------------------------------


def test_second_crawl_with_nothing_changed_makes_only_the_listing_calls(world, server):
    """Nothing changed on Flickr: no comments call, nothing new, updated or removed, and a
    small fraction of the first crawl's calls."""
    first = crawl(server)

    second = crawl(server)

    expected = expected_first_crawl_calls(world)
    del expected[COMMENTS]
    assert dict(server.calls) == expected == second.calls
    assert (second.photos_new, second.photos_updated, second.photos_removed) == (0, 0, 0)
    assert second.comments_fetched == 0
    assert second.total_calls < first.total_calls / 10


def test_a_second_crawl_leaves_the_catalogue_as_it_was(world, server):
    """Re-listing unchanged photos rewrites nothing the pages show."""
    crawl(server)
    before = catalogue_snapshot()

    crawl(server)

    assert catalogue_snapshot() == before


def test_after_a_new_comment_only_that_photos_comments_are_fetched(world, server):
    """One new comment: one comments call, for that photo; the comment is stored and found."""
    crawl(server)
    photo = photo_with_comments(world)
    author = world.commons_members()[1].nsid
    comment_id = world.add_comment(photo.id, author_nsid=author, text="Lighthousekeeper's cottage")

    result = crawl(server)

    assert server.calls[COMMENTS] == 1
    stored = CommonsPhoto.objects.get(photo_id=photo.id)
    assert stored.count_comments == stored.comments_fetched_count == photo.comment_count + 1
    assert stored.comments.filter(comment_id=comment_id, author_nsid=author).exists()
    assert "Lighthousekeeper's cottage" in stored.search_text
    assert (result.photos_updated, result.comments_fetched) == (1, photo.comment_count + 1)


def test_a_retitled_photo_gets_its_new_title_and_search_text(world, server):
    """The listing shows the new title; the row and its search text follow, comments kept."""
    crawl(server)
    photo = photo_with_comments(world)
    world.retitle_photo(photo.id, "Harbour master's lantern")

    result = crawl(server)

    stored = CommonsPhoto.objects.get(photo_id=photo.id)
    assert stored.title == "Harbour master's lantern"
    assert "Harbour master's lantern" in stored.search_text
    assert photo.title not in stored.search_text
    assert stored.comments.count() == photo.comment_count
    assert result.photos_updated == 1
    assert server.calls[COMMENTS] == 0
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchQuery

        from commons.search import SEARCH_CONFIG

        query = SearchQuery("lantern", config=SEARCH_CONFIG)
        assert CommonsPhoto.objects.filter(search_vector=query, pk=stored.pk).exists()


def test_a_removed_photo_leaves_the_catalogue(world, server):
    """A photo deleted from Flickr is gone after the next crawl, with its comments."""
    crawl(server)
    photo = photo_with_comments(world)
    world.remove_photo(photo.id)

    result = crawl(server)

    assert not CommonsPhoto.objects.filter(photo_id=photo.id).exists()
    assert not CommonsComment.objects.filter(comment_id__contains=photo.id).exists()
    assert result.photos_removed == 1
    owner = CommonsMember.objects.get(nsid=photo.owner)
    assert owner.photo_count == len(world.public_listing(photo.owner))


def test_nothing_is_removed_when_fewer_photos_are_listed_than_flickr_counts(world, server):
    """Pages that shift while they are read list fewer photos than Flickr's total: the
    photos not seen are kept, and the member's progress says why."""
    crawl(server)
    photo = photo_with_comments(world)
    world.remove_photo(photo.id)

    result = crawl(server, client=PageShiftingClient(api_key="test-key", api_url=server.api_url))

    assert CommonsPhoto.objects.filter(photo_id=photo.id).exists()
    assert result.photos_removed == 0
    notes = CommonsCrawlMember.objects.filter(crawl=result).exclude(note="")
    assert notes.count() == WORLD_MEMBERS
    assert "none removed" in notes.first().note


# --- interruptions, concurrency, the sweeper --------------------------------------------------


def interrupted_crawl(server: SandboxServer, *, calls_to_live: int) -> CommonsCrawl:
    """A crawl whose worker is killed after `calls_to_live` calls; left running."""
    server.reset_stats()
    with pytest.raises(SimulatedKill), dying_client(server, calls_to_live=calls_to_live) as dying:
        crawler.crawl_in_process(client=dying)
    crawl_row = CommonsCrawl.objects.get()
    assert crawl_row.status == CrawlStatus.RUNNING
    return crawl_row


def resume(server: SandboxServer, crawl_row: CommonsCrawl) -> CommonsCrawl:
    with sandbox_client(server) as client:
        outcome = crawler.crawl_chunk(crawl_row.pk, client=client)
    assert outcome is crawler.ChunkOutcome.FINISHED
    return CommonsCrawl.objects.get(pk=crawl_row.pk)


def test_a_crawl_killed_mid_listing_resumes_from_the_page_in_flight(big_world, big_server):
    """Killed when the archive's second page came back (after getInstitutions, the archive's
    getInfo and its first page), the crawl repeats only that page: nothing finished is
    asked again."""
    killed = interrupted_crawl(big_server, calls_to_live=4)
    archive = CommonsCrawlMember.objects.get(crawl=killed, member__nsid=big_world.archive.nsid)
    assert (archive.info_fetched, archive.next_page, archive.done) == (True, 2, False)
    assert CommonsPhoto.objects.count() == 500

    resume(big_server, killed)

    expected = expected_first_crawl_calls(big_world)
    assert big_server.calls[INSTITUTIONS] == 1
    assert big_server.calls[PEOPLE_INFO] == WORLD_MEMBERS
    assert big_server.calls[LISTING] == expected[LISTING] + 1
    assert big_server.calls[COMMENTS] == expected[COMMENTS]
    assert CommonsPhoto.objects.count() == len(listed_photos(big_world))


def test_a_crawl_killed_mid_comments_repeats_only_the_photo_in_flight(world, server):
    """Killed while fetching comments, the crawl resumes with the photo it was on."""
    expected = expected_first_crawl_calls(world)
    before_comments = expected[INSTITUTIONS] + expected[PEOPLE_INFO] + expected[LISTING]
    killed = interrupted_crawl(server, calls_to_live=before_comments + 10)
    assert killed.comments_after > 0

    resume(server, killed)

    assert server.calls[COMMENTS] == expected[COMMENTS] + 1
    assert server.calls[LISTING] == expected[LISTING]


def test_an_interrupted_crawl_ends_with_the_same_catalogue_as_an_uninterrupted_one(server):
    """Kill it twice, resume it twice: the catalogue is what one clean crawl makes."""
    crawl(server)
    clean = catalogue_snapshot()
    clear_catalogue()

    killed = interrupted_crawl(server, calls_to_live=5)
    with pytest.raises(SimulatedKill), dying_client(server, calls_to_live=40) as dying:
        crawler.crawl_chunk(killed.pk, client=dying)
    resumed = resume(server, killed)

    assert resumed.status == CrawlStatus.FINISHED
    assert catalogue_snapshot() == clean


def test_a_second_crawl_is_refused_while_one_is_running(server):
    """A live crawl (fresh heartbeat) blocks a new one; nothing is called."""
    running = crawler.crawl_start()
    assert running is not None
    server.reset_stats()

    with sandbox_client(server) as client:
        assert crawler.crawl_in_process(client=client) is None
    assert crawler.crawl_start() is None
    assert sum(server.calls.values()) == 0
    assert CommonsCrawl.objects.count() == 1


def test_starting_takes_over_a_crawl_whose_worker_died(server):
    """A running crawl with a stale heartbeat is continued instead of a new one started."""
    killed = interrupted_crawl(server, calls_to_live=3)

    with time_machine.travel(timezone_now() + crawler.stale_after() + timedelta(seconds=5)):
        taken = crawler.crawl_start()

    assert taken is not None
    assert taken.pk == killed.pk


def test_resume_only_takes_a_stale_crawl(server):
    """`crawl_resume` leaves a live crawl alone and takes over a stale one."""
    killed = interrupted_crawl(server, calls_to_live=3)

    assert crawler.crawl_resume() is None
    with time_machine.travel(timezone_now() + crawler.stale_after() + timedelta(seconds=5)):
        resumed = crawler.crawl_resume()
    assert resumed is not None
    assert resumed.pk == killed.pk


def test_the_sweeper_resumes_a_stale_crawl_to_its_end(world, server):
    """The scheduled sweeper hands a crawl with a stale heartbeat to a chunk task, which (on
    the synchronous test cluster) crawls to the end; a live crawl is left alone."""
    killed = interrupted_crawl(server, calls_to_live=6)
    assert tasks.sweep_stalled_crawls() == 0

    later = timezone_now() + crawler.stale_after() + timedelta(seconds=5)
    with portal_settings_for(server), time_machine.travel(later, tick=True):
        assert tasks.sweep_stalled_crawls() == 1

    killed.refresh_from_db()
    assert killed.status == CrawlStatus.FINISHED
    assert CommonsPhoto.objects.count() == len(listed_photos(world))


def test_the_sweeper_starts_the_first_crawl_of_an_empty_catalogue(world, server):
    """A new installation does not wait for the night: the first sweep after the worker
    starts crawls; once any crawl exists, sweeping starts none."""
    with portal_settings_for(server):
        assert tasks.sweep_stalled_crawls() == 1
        assert tasks.sweep_stalled_crawls() == 0

    assert CommonsCrawl.objects.get().status == CrawlStatus.FINISHED
    assert CommonsPhoto.objects.count() == len(listed_photos(world))


def test_the_nightly_task_runs_a_whole_crawl(world, server):
    """The scheduled task starts a crawl and its chunks run it to the end."""
    with portal_settings_for(server):
        tasks.crawl_commons()

    finished = CommonsCrawl.objects.get()
    assert finished.status == CrawlStatus.FINISHED
    assert finished.calls == expected_first_crawl_calls(world)


def test_an_invalid_api_key_fails_the_crawl_with_a_clear_message_after_one_call(serve, world):
    """Flickr's error 100 stops the crawl at once, saying what to check."""
    server = serve(world, api_key="the-right-key")

    result = crawl(server)

    assert result.status == CrawlStatus.FAILED
    assert result.error == "Flickr rejected the API key: check FLICKR_API_KEY"
    assert result.calls == {INSTITUTIONS: 1}
    assert CommonsCrawl.objects.running().count() == 0


def test_flickr_unavailable_leaves_the_crawl_running_for_the_sweeper(serve, world):
    """Past the client's retries, the crawl stays running, released so the sweeper (or
    `--resume`) continues it at its next run; the failed attempts are counted."""
    server = serve(world, error_rate=1.0, failure_kinds=("http_500",))

    result = crawl(
        server,
        client=FlickrClient(
            api_key="test-key", api_url=server.api_url, max_attempts=2, sleep=lambda _s: None
        ),
    )

    assert result.status == CrawlStatus.RUNNING
    assert result.calls == {INSTITUTIONS: 2}
    assert crawler.sweep_stalled_crawls() == [result.pk]


def test_the_schedules_exist_after_migrate():
    """The nightly crawl runs daily with its next run at 02:30 UTC; the sweeper every ten
    minutes."""
    nightly = Schedule.objects.get(func="commons.tasks.crawl_commons")
    assert (nightly.schedule_type, nightly.repeats) == (Schedule.DAILY, -1)
    next_run = nightly.next_run.astimezone(UTC)
    assert (next_run.hour, next_run.minute) == (2, 30)
    sweeper = Schedule.objects.get(func="commons.tasks.sweep_stalled_crawls")
    assert (sweeper.schedule_type, sweeper.minutes, sweeper.repeats) == (Schedule.MINUTES, 10, -1)


def test_the_schedule_migration_does_not_duplicate_or_move_the_nightly_run():
    """Running the migration's code again keeps one schedule each and the chosen next run."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("commons.migrations.0003_crawl_schedules")
    moved = datetime(2030, 1, 1, 4, 0, tzinfo=UTC)
    Schedule.objects.filter(func="commons.tasks.crawl_commons").update(next_run=moved)

    migration.add_schedules(apps, None)

    assert Schedule.objects.filter(func__startswith="commons.tasks.").count() == 2
    assert Schedule.objects.get(func="commons.tasks.crawl_commons").next_run == moved


# --- helpers used above -----------------------------------------------------------------------


def timezone_now() -> datetime:
    from django.utils import timezone

    return timezone.now()


def portal_settings_for(server: SandboxServer):
    """The portal's Flickr settings pointing at the sandbox, with a budget that never waits."""
    return override_settings(FLICKR_API_URL=server.api_url, FLICKR_RATE_LIMIT_PER_HOUR=100_000_000)


class InterruptedClient(FlickrClient):
    """Someone presses Ctrl-C while the `interrupt_at`th call is on its way."""

    def __init__(self, *, interrupt_at: int, **options: Any) -> None:
        super().__init__(**options)
        self.interrupt_at = interrupt_at

    def call(self, method: str, **params: Any):
        self.interrupt_at -= 1
        if self.interrupt_at <= 0:
            raise KeyboardInterrupt
        return super().call(method, **params)


def test_an_interrupted_run_releases_the_crawl_for_an_immediate_resume(world, server):
    """Ctrl-C leaves the crawl running but released: it can be resumed at once, and the
    resumed crawl finishes."""
    client = InterruptedClient(interrupt_at=6, api_key="test-key", api_url=server.api_url)
    with pytest.raises(KeyboardInterrupt), client:
        crawler.crawl_in_process(client=client)

    with sandbox_client(server) as fresh:
        resumed = crawler.crawl_in_process(client=fresh, resume=True)

    assert resumed is not None
    assert resumed.status == CrawlStatus.FINISHED
    assert CommonsPhoto.objects.count() == len(listed_photos(world))


def test_the_admin_shows_crawls_and_the_catalogue_read_only(world, server, client):
    """Staff see a crawl's calls by method, its totals and its members' progress, and find a
    photo by its id; nothing can be added, changed or deleted."""
    result = crawl(server)
    photo = photo_with_comments(world)
    client.force_login(make_user(is_staff=True, is_superuser=True))

    page = client.get(f"/admin/commons/commonscrawl/{result.pk}/change/")
    found = client.get("/admin/commons/commonsphoto/", {"q": photo.id})
    photo_page = client.get(
        f"/admin/commons/commonsphoto/{CommonsPhoto.objects.get(photo_id=photo.id).pk}/change/"
    )

    assert page.status_code == found.status_code == photo_page.status_code == 200
    text = page.content.decode()
    assert f"&quot;{COMMENTS}&quot;: {result.calls[COMMENTS]}" in text
    assert "&quot;photos&quot;: " in text
    assert 'name="_save"' not in text
    assert found.context["cl"].result_count == 1
    assert photo.title in photo_page.content.decode()
    assert client.get("/admin/commons/commonscrawl/add/").status_code == 403
