"""The Commons crawler: keeps the catalogue up to date with Flickr Commons.

A crawl is a `CommonsCrawl` row plus one `CommonsCrawlMember` row per member, and runs as a
series of short steps, each one Flickr call followed by one transaction that records both
the result and the progress:

1. `flickr.commons.getInstitutions`: members upserted, members no longer listed marked
   `is_current=False`, one progress row per listed member;
2. per member, `flickr.people.getInfo` once, then `flickr.people.getPublicPhotos` page after
   page (500 a page, only the extras the catalogue stores). Each page is upserted together
   with the member's `next_page`. When the listing is complete, the member's photos this
   crawl did not see are deleted, but only if the photos seen equal the total Flickr
   reported;
3. `flickr.photos.comments.getList` for each photo whose comment count differs from the
   count when its comments were last fetched, walking the photos in row order;
4. the members' photo and view counts and the catalogue's totals (`crawl.stats`).

A worker killed mid-step loses only that step's call: its transaction never committed, and
the next step starts from the same place. Each step refreshes the crawl's heartbeat; a
running crawl whose heartbeat is stale is taken over by the sweeper or the next start.

`commons.tasks` runs this as django-q2 chunk tasks; `crawl_in_process` runs the same steps
synchronously for the `crawl_commons` command and the tests. See docs/commons-crawler.md.
"""

from __future__ import annotations

import collections
import enum
import logging
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone

from commons.models import (
    CommonsComment,
    CommonsCrawl,
    CommonsCrawlMember,
    CommonsMember,
    CommonsPhoto,
    CrawlStatus,
)
from commons.search import document_for, refresh_search_vectors
from commons.stats import catalogue_stats
from flickr.client import FlickrClient
from flickr.errors import (
    FlickrUnavailable,
    InvalidApiKey,
    InvalidPhotoId,
    InvalidUserId,
    PhotoNotFound,
    ResourceNotFound,
    UnexpectedFlickrError,
    UserDeleted,
)
from flickr.records import Comment, CommonsInstitution, UserInfo
from flickr.walkers import (
    COLLECTION_ERRORS,
    PER_PAGE,
    ImageFile,
    ListedPhoto,
    find_listing,
    int_or_none,
    listed_size,
    parse_listed_photo,
)

logger = logging.getLogger(__name__)

INSTITUTIONS = "flickr.commons.getInstitutions"
PEOPLE_INFO = "flickr.people.getInfo"
PUBLIC_PHOTOS = "flickr.people.getPublicPhotos"
COMMENTS = "flickr.photos.comments.getList"

# The "Small" size (240 px on the longest side, proportions kept) is the catalogue's thumbnail.
THUMBNAIL_EXTRA = "s"
# Only what the catalogue stores; owner names and aliases come from people.getInfo.
PHOTO_EXTRAS = ",".join(
    [
        "description",
        "license",
        "date_upload",
        "date_taken",
        "last_update",
        "tags",
        "views",
        "media",
        "count_comments",
        "count_faves",
        f"url_{THUMBNAIL_EXTRA}",
    ]
)

STALE_MARGIN_SECONDS = 60  # past the cluster timeout, a heartbeat is stale
CHUNK_TIME_SHARE = 0.5  # a chunk starts no new step after this share of the timeout

INVALID_KEY_MESSAGE = "Flickr rejected the API key: check FLICKR_API_KEY"

# Columns a listing page writes; a listed photo whose values all match the stored row is
# only marked as seen.
LISTED_FIELDS = (
    "member_id",
    "title",
    "description",
    "tags",
    "licence_id",
    "media",
    "date_uploaded",
    "date_taken",
    "date_taken_granularity",
    "last_update",
    "views",
    "count_faves",
    "count_comments",
    "comments_fetched_count",
    "thumbnail_url",
    "thumbnail_width",
    "thumbnail_height",
)
WRITTEN_FIELDS = ["member" if name == "member_id" else name for name in LISTED_FIELDS] + [
    "search_text",
    "seen_in_crawl",
]


class ChunkOutcome(enum.Enum):
    """How a step or a chunk of steps ended, which says what should happen next."""

    MORE_WORK = "more_work"  # the crawl goes on: run another step
    FINISHED = "finished"  # the crawl is complete
    PAUSED = "paused"  # Flickr stayed unavailable: the crawl stays running for the sweeper
    STOPPED = "stopped"  # the crawl is not running (failed, finished, or unknown)


# --- timing, from the default cluster's settings -----------------------------------------------


def cluster_timeout() -> int:
    """The default django-q2 cluster's task timeout in seconds, where the chunks run."""
    cluster: dict[str, Any] = settings.Q_CLUSTER
    return int(cluster.get("timeout", 300))


def stale_after() -> timedelta:
    """How long a heartbeat stays fresh: longer than any chunk can live."""
    return timedelta(seconds=cluster_timeout() + STALE_MARGIN_SECONDS)


def chunk_time_limit() -> float:
    """Seconds after which a chunk starts no new step, well inside the cluster timeout."""
    return cluster_timeout() * CHUNK_TIME_SHARE


# --- starting, resuming, sweeping -------------------------------------------------------------


def crawl_start(*, now: datetime | None = None) -> CommonsCrawl | None:
    """A new crawl; or the running one if its worker has died (stale heartbeat). None when a
    crawl is running and alive."""
    now = now or timezone.now()
    running = CommonsCrawl.objects.running().first()
    if running is not None:
        if running.heartbeat_at >= now - stale_after():
            logger.info("Commons crawl %s is running; not starting another", running.pk)
            return None
        return _take_over(running, now)
    try:
        with transaction.atomic():
            return CommonsCrawl.objects.create(started_at=now, heartbeat_at=now)
    except IntegrityError:
        logger.info("Another Commons crawl started at the same moment; not starting one")
        return None


def crawl_resume(*, now: datetime | None = None) -> CommonsCrawl | None:
    """The running crawl, taken over, if its heartbeat is stale; None otherwise."""
    now = now or timezone.now()
    stalled = CommonsCrawl.objects.stalled(now - stale_after()).first()
    return _take_over(stalled, now) if stalled is not None else None


def first_crawl_due() -> bool:
    """True while the catalogue has never been crawled (no crawl has even started)."""
    return not CommonsCrawl.objects.exists()


def sweep_stalled_crawls(*, now: datetime | None = None) -> list[int]:
    """The crawls to resume: running, with no heartbeat for longer than a chunk can live.

    Their heartbeat is touched, so a crawl is handed out once per stale period."""
    now = now or timezone.now()
    resumed = [
        crawl.pk
        for crawl in CommonsCrawl.objects.stalled(now - stale_after())
        if _take_over(crawl, now) is not None
    ]
    if resumed:
        logger.warning("Resuming stalled Commons crawls: %s", ", ".join(map(str, resumed)))
    return resumed


def _take_over(crawl: CommonsCrawl, now: datetime) -> CommonsCrawl | None:
    """Touch the heartbeat, unless someone else touched it since `crawl` was read."""
    taken = CommonsCrawl.objects.filter(
        pk=crawl.pk, status=CrawlStatus.RUNNING, heartbeat_at=crawl.heartbeat_at
    ).update(heartbeat_at=now)
    if not taken:
        return None
    crawl.refresh_from_db()
    return crawl


def crawl_release(crawl_id: Any, *, now: datetime | None = None) -> None:
    """Say nobody is working on the crawl any more (its heartbeat is made stale), so that the
    sweeper or `crawl_commons --resume` can continue it at once."""
    now = now or timezone.now()
    CommonsCrawl.objects.filter(pk=crawl_id, status=CrawlStatus.RUNNING).update(
        heartbeat_at=now - stale_after() - timedelta(seconds=1)
    )


def crawl_fail(crawl_id: Any, message: str) -> None:
    """Stop the crawl with `message`, unless it already ended."""
    CommonsCrawl.objects.filter(pk=crawl_id, status=CrawlStatus.RUNNING).update(
        status=CrawlStatus.FAILED, error=message, finished_at=timezone.now()
    )
    logger.error("Commons crawl %s failed: %s", crawl_id, message)


# --- running ----------------------------------------------------------------------------------

ProgressCallback = Callable[[CommonsCrawl], None]


def crawl_in_process(
    *, client: FlickrClient, resume: bool = False, on_progress: ProgressCallback | None = None
) -> CommonsCrawl | None:
    """Start (or with `resume`, only resume a stale) crawl and run it here to its end.

    None when there is nothing to do: a live crawl is running, or nothing to resume. If
    Flickr stays unavailable, or the process is interrupted (Ctrl-C), the crawl is left
    running and released, for the sweeper or `crawl_commons --resume`."""
    crawl = crawl_resume() if resume else crawl_start()
    if crawl is None:
        return None
    try:
        outcome = crawl_chunk(crawl.pk, client=client, on_progress=on_progress)
    except KeyboardInterrupt:
        crawl_release(crawl.pk)
        raise
    if outcome is ChunkOutcome.PAUSED:
        crawl_release(crawl.pk)
    return CommonsCrawl.objects.get(pk=crawl.pk)


def crawl_chunk(
    crawl_id: Any,
    *,
    client: FlickrClient,
    time_limit: float | None = None,
    max_steps: int | None = None,
    on_progress: ProgressCallback | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> ChunkOutcome:
    """Run steps until the crawl ends or pauses, `max_steps` have run, or `time_limit`
    seconds have passed (MORE_WORK then)."""
    started = clock()
    steps = 0
    while True:
        outcome = crawl_step(crawl_id, client=client)
        steps += 1
        if on_progress is not None:
            on_progress(CommonsCrawl.objects.get(pk=crawl_id))
        if outcome is not ChunkOutcome.MORE_WORK:
            return outcome
        if max_steps is not None and steps >= max_steps:
            return outcome
        if time_limit is not None and clock() - started > time_limit:
            return outcome


def crawl_step(crawl_id: Any, *, client: FlickrClient) -> ChunkOutcome:
    """Do the next piece of work of a running crawl: one Flickr call, one transaction."""
    crawl = CommonsCrawl.objects.filter(pk=crawl_id, status=CrawlStatus.RUNNING).first()
    if crawl is None:
        return ChunkOutcome.STOPPED
    step = _Step(crawl, client, CallMeter(client))
    try:
        return _run_next_step(step)
    except InvalidApiKey:
        _record_calls(step)
        crawl_fail(crawl.pk, INVALID_KEY_MESSAGE)
        return ChunkOutcome.STOPPED
    except FlickrUnavailable as exc:
        _record_calls(step)
        logger.warning("Commons crawl %s paused, Flickr is unavailable: %s", crawl.pk, exc)
        return ChunkOutcome.PAUSED
    except _Overtaken:
        logger.warning("Commons crawl %s: another worker did this step first", crawl.pk)
        return ChunkOutcome.MORE_WORK


@dataclass
class _Step:
    crawl: CommonsCrawl
    client: FlickrClient
    calls: CallMeter


class _Overtaken(Exception):
    """Another worker recorded this step first; ours is rolled back."""


class CallMeter:
    """The calls a client made since the meter was created, by method."""

    def __init__(self, client: FlickrClient) -> None:
        self.client = client
        self.recorded: collections.Counter[str] = collections.Counter(client.calls)

    def take(self) -> dict[str, int]:
        """Calls made since the last take (or since the start)."""
        now = collections.Counter(self.client.calls)
        made = now - self.recorded
        self.recorded = now
        return dict(made)


def _run_next_step(step: _Step) -> ChunkOutcome:
    crawl = step.crawl
    if crawl.members_listed_at is None:
        _list_members(step)
        return ChunkOutcome.MORE_WORK
    progress = (
        CommonsCrawlMember.objects.filter(crawl=crawl, done=False)
        .select_related("member")
        .order_by("member__date_launch", "pk")
        .first()
    )
    if progress is not None:
        if not progress.info_fetched:
            _fetch_member_info(step, progress)
        else:
            _fetch_photo_page(step, progress)
        return ChunkOutcome.MORE_WORK
    waiting = next_photo_needing_comments(after=crawl.comments_after)
    if waiting is not None:
        _fetch_comments(step, waiting)
        return ChunkOutcome.MORE_WORK
    _finish(step)
    return ChunkOutcome.FINISHED


def _record_progress(step: _Step, **changes: Any) -> None:
    """Within the step's transaction: the calls made, the heartbeat, and `changes` (counters
    given as F() expressions or values)."""
    crawl = CommonsCrawl.objects.select_for_update().only("calls").get(pk=step.crawl.pk)
    calls = collections.Counter(crawl.calls) + collections.Counter(step.calls.take())
    CommonsCrawl.objects.filter(pk=crawl.pk).update(
        calls=dict(sorted(calls.items())), heartbeat_at=timezone.now(), **changes
    )


def _record_calls(step: _Step) -> None:
    with transaction.atomic():
        _record_progress(step)


# --- members ----------------------------------------------------------------------------------


def _list_members(step: _Step) -> None:
    try:
        institutions = step.client.list_commons_institutions()
    except UnexpectedFlickrError as exc:
        _record_calls(step)
        crawl_fail(
            step.crawl.pk,
            f"Flickr answered commons.getInstitutions with an error ({exc}); the crawl "
            "cannot go on without the list of members. Try again later.",
        )
        return
    with transaction.atomic():
        members = upsert_members(institutions)
        CommonsCrawlMember.objects.bulk_create(
            [CommonsCrawlMember(crawl=step.crawl, member=member) for member in members],
            ignore_conflicts=True,
        )
        _record_progress(step, members_listed_at=timezone.now())


def upsert_members(institutions: Iterable[CommonsInstitution]) -> list[CommonsMember]:
    """Write the listed members; every member not listed is no longer current. Returns the
    listed members as stored."""
    rows = {
        institution.nsid: CommonsMember(
            nsid=institution.nsid,
            name=institution.name[:255],
            date_launch=institution.date_launch,
            website_url=_fitting_url(institution.site_url),
            licence_url=_fitting_url(institution.licence_url),
            flickr_url=_fitting_url(institution.flickr_url),
            is_current=True,
        )
        for institution in institutions
    }
    CommonsMember.objects.bulk_create(
        list(rows.values()),
        update_conflicts=True,
        unique_fields=["nsid"],
        update_fields=[
            "name",
            "date_launch",
            "website_url",
            "licence_url",
            "flickr_url",
            "is_current",
            "updated_at",
        ],
    )
    CommonsMember.objects.filter(is_current=True).exclude(nsid__in=rows).update(
        is_current=False, updated_at=timezone.now()
    )
    return list(CommonsMember.objects.filter(nsid__in=rows))


def _fitting_url(url: str | None, max_length: int = 500) -> str:
    """The URL, or "" when there is none or it is too long to store whole."""
    return url if url and len(url) <= max_length else ""


def _fetch_member_info(step: _Step, progress: CommonsCrawlMember) -> None:
    member = progress.member
    try:
        info = step.client.get_user(member.nsid)
    except (UserDeleted, ResourceNotFound, UnexpectedFlickrError, InvalidUserId) as exc:
        _skip_member(step, progress, f"people.getInfo failed ({exc}); photos kept as they were")
        return
    with transaction.atomic():
        CommonsMember.objects.filter(pk=member.pk).update(**member_profile(info))
        CommonsCrawlMember.objects.filter(pk=progress.pk).update(info_fetched=True)
        _record_progress(step)


def member_profile(info: UserInfo) -> dict[str, Any]:
    """The member's fields that people.getInfo gives."""
    return {
        "username": info.username[:255],
        "realname": (info.realname or "")[:255],
        "path_alias": (info.path_alias or "")[:100],
        "description": info.description or "",
        "location": (info.location or "")[:255],
        "icon_server": info.icon_server or "",
        "icon_farm": info.icon_farm,
        "updated_at": timezone.now(),
    }


def _skip_member(step: _Step, progress: CommonsCrawlMember, note: str) -> None:
    """Leave the member's photos as they are for this crawl and go on with the others."""
    logger.warning("Commons crawl %s skips member %s: %s", step.crawl.pk, progress.member, note)
    with transaction.atomic():
        CommonsCrawlMember.objects.filter(pk=progress.pk).update(done=True, note=note[:255])
        _record_progress(step)


# --- photos -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class CommonsListedPhoto:
    """One photo of a member's listing, with the catalogue's thumbnail."""

    listed: ListedPhoto
    thumbnail: ImageFile | None


@dataclass(frozen=True)
class PhotoPage:
    photos: list[CommonsListedPhoto]
    pages: int
    total: int


def fetch_photo_page(client: FlickrClient, nsid: str, page: int) -> PhotoPage:
    """One page of a member's public photos, with the extras the catalogue stores."""
    rsp = client.call(
        PUBLIC_PHOTOS,
        error_map=COLLECTION_ERRORS,
        user_id=nsid,
        extras=PHOTO_EXTRAS,
        per_page=PER_PAGE,
        page=page,
    )
    container = find_listing(rsp)
    photos = [
        CommonsListedPhoto(
            listed=parse_listed_photo(photo, container),
            thumbnail=listed_size(photo, THUMBNAIL_EXTRA),
        )
        for photo in container.findall("photo")
    ]
    return PhotoPage(
        photos=photos,
        pages=int_or_none(container.get("pages")) or 0,
        total=int_or_none(container.get("total")) or 0,
    )


@dataclass(frozen=True)
class UpsertCounts:
    new: int
    updated: int


def _fetch_photo_page(step: _Step, progress: CommonsCrawlMember) -> None:
    member, number = progress.member, progress.next_page
    try:
        page = fetch_photo_page(step.client, member.nsid, number)
    except (UserDeleted, ResourceNotFound, UnexpectedFlickrError) as exc:
        _skip_member(
            step, progress, f"people.getPublicPhotos page {number} failed ({exc}); photos kept"
        )
        return
    last_page = number >= page.pages or not page.photos
    with transaction.atomic():
        counts = upsert_photo_page(member, page.photos, crawl_id=step.crawl.pk)
        moved = CommonsCrawlMember.objects.filter(pk=progress.pk, next_page=number).update(
            next_page=number + 1,
            pages=page.pages,
            total=page.total,
            seen=F("seen") + len(page.photos),
        )
        if not moved:
            raise _Overtaken
        removed = _close_listing(step.crawl, progress, total=page.total) if last_page else 0
        _record_progress(
            step,
            photos_new=F("photos_new") + counts.new,
            photos_updated=F("photos_updated") + counts.updated,
            photos_removed=F("photos_removed") + removed,
        )


def upsert_photo_page(
    member: CommonsMember, photos: Iterable[CommonsListedPhoto], *, crawl_id: int
) -> UpsertCounts:
    """Write one listing page: new photos created, changed ones updated, all marked as seen
    in this crawl. A photo whose comment count is 0 has no comments to fetch."""
    rows = {row.photo_id: row for row in (photo_row(member, photo) for photo in photos)}
    stored = {
        values["photo_id"]: values
        for values in CommonsPhoto.objects.filter(photo_id__in=rows).values(
            "pk", "photo_id", *LISTED_FIELDS
        )
    }
    new, changed, unchanged = [], [], []
    for photo_id, row in rows.items():
        before = stored.get(photo_id)
        if before is None:
            new.append(row)
            continue
        if row.count_comments:
            row.comments_fetched_count = before["comments_fetched_count"]
        if any(getattr(row, name) != before[name] for name in LISTED_FIELDS):
            changed.append(row)
        else:
            unchanged.append(photo_id)
    stored_pks = {photo_id: values["pk"] for photo_id, values in stored.items()}
    _drop_comments_of_silent_photos(changed, stored_pks)
    _fill_search_text(new, changed, stored_pks)
    for row in new + changed:
        row.seen_in_crawl = crawl_id
    CommonsPhoto.objects.bulk_create(
        new + changed,
        update_conflicts=True,
        unique_fields=["photo_id"],
        update_fields=WRITTEN_FIELDS,
    )
    CommonsPhoto.objects.filter(photo_id__in=unchanged).update(seen_in_crawl=crawl_id)
    written = [row.photo_id for row in new + changed]
    refresh_search_vectors(
        CommonsPhoto.objects.filter(photo_id__in=written).values_list("pk", flat=True)
    )
    return UpsertCounts(new=len(new), updated=len(changed))


def photo_row(member: CommonsMember, photo: CommonsListedPhoto) -> CommonsPhoto:
    """An unsaved CommonsPhoto with the listing's values. Comments are known to be none
    when the count is 0; otherwise they are still to be fetched."""
    listed, thumbnail = photo.listed, photo.thumbnail
    taken = listed.date_taken
    count_comments = listed.count_comments or 0
    return CommonsPhoto(
        photo_id=listed.id,
        member=member,
        title=listed.title or "",
        description=listed.description or "",
        tags=" ".join(listed.tags),
        licence_id=listed.licence_id,
        media=listed.media,
        date_uploaded=listed.date_uploaded or listed.last_update or timezone.now(),
        # Flickr's taken dates carry no time zone: kept as the wall-clock time, marked UTC.
        date_taken=taken.value.replace(tzinfo=UTC) if taken else None,
        date_taken_granularity=taken.granularity if taken else "",
        last_update=listed.last_update,
        views=listed.views or 0,
        count_faves=listed.count_faves or 0,
        count_comments=count_comments,
        comments_fetched_count=0 if count_comments == 0 else None,
        thumbnail_url=_fitting_url(thumbnail.url if thumbnail else None),
        thumbnail_width=thumbnail.width if thumbnail else None,
        thumbnail_height=thumbnail.height if thumbnail else None,
    )


def _drop_comments_of_silent_photos(changed: list[CommonsPhoto], pks: dict[str, int]) -> None:
    """Photos whose comment count fell to 0 keep no comments."""
    silent = [pks[row.photo_id] for row in changed if row.count_comments == 0]
    if silent:
        CommonsComment.objects.filter(photo_id__in=silent).delete()


def _fill_search_text(
    new: list[CommonsPhoto], changed: list[CommonsPhoto], pks: dict[str, int]
) -> None:
    """Search text from the listing, plus the comments already stored for changed photos."""
    texts = comment_texts(pks[row.photo_id] for row in changed if row.count_comments)
    for row in new + changed:
        comments = texts.get(pks[row.photo_id], []) if row.photo_id in pks else []
        row.search_text = search_text_for(row, comments)


def comment_texts(photo_pks: Iterable[int]) -> dict[int, list[str]]:
    texts: dict[int, list[str]] = collections.defaultdict(list)
    pks = list(photo_pks)
    if pks:
        rows = CommonsComment.objects.filter(photo_id__in=pks).order_by("date_created", "pk")
        for photo_pk, text in rows.values_list("photo_id", "text"):
            texts[photo_pk].append(text)
    return texts


def search_text_for(photo: CommonsPhoto, comments: Iterable[str]) -> str:
    return document_for(
        title=photo.title, description=photo.description, tags=photo.tags, comments=comments
    )


def _close_listing(crawl: CommonsCrawl, progress: CommonsCrawlMember, *, total: int) -> int:
    """The member's listing is complete: remove the photos this crawl did not see, if every
    photo Flickr counted was seen. Returns how many were removed."""
    member = progress.member
    photos = CommonsPhoto.objects.filter(member=member)
    seen = photos.filter(seen_in_crawl=crawl.pk).count()
    removed, note = 0, ""
    if seen == total:
        _, deleted = photos.exclude(seen_in_crawl=crawl.pk).delete()
        removed = deleted.get(CommonsPhoto._meta.label, 0)
    else:
        note = f"Flickr counted {total} photos but {seen} were listed; none removed"
        logger.warning("Commons crawl %s, member %s: %s", crawl.pk, member.nsid, note)
    CommonsCrawlMember.objects.filter(pk=progress.pk).update(done=True, seen=seen, note=note)
    return removed


# --- comments ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class WaitingPhoto:
    """A photo whose comments are to be fetched, with the words of its search text."""

    pk: int
    photo_id: str
    count_comments: int
    title: str
    description: str
    tags: str


def next_photo_needing_comments(*, after: int) -> WaitingPhoto | None:
    """The first photo past row id `after` whose comments are not known for its current
    comment count."""
    values = (
        CommonsPhoto.objects.filter(pk__gt=after)
        .filter(
            Q(comments_fetched_count__isnull=True) | ~Q(comments_fetched_count=F("count_comments"))
        )
        .order_by("pk")
        .values_list("pk", "photo_id", "count_comments", "title", "description", "tags")
        .first()
    )
    return WaitingPhoto(*values) if values is not None else None


def _fetch_comments(step: _Step, photo: WaitingPhoto) -> None:
    try:
        comments = step.client.list_comments(photo.photo_id)
    except (PhotoNotFound, InvalidPhotoId) as exc:
        # Deleted since the listing: not asked again until its count changes; the next
        # listing drops it if it is gone.
        logger.info("Comments of photo %s skipped: %s", photo.photo_id, exc)
        with transaction.atomic():
            CommonsPhoto.objects.filter(pk=photo.pk).update(
                comments_fetched_count=photo.count_comments
            )
            _record_progress(step, comments_after=photo.pk)
        return
    except UnexpectedFlickrError as exc:
        logger.warning("Comments of photo %s not fetched this crawl: %s", photo.photo_id, exc)
        with transaction.atomic():
            _record_progress(step, comments_after=photo.pk)
        return
    with transaction.atomic():
        fetched = replace_comments(photo, comments)
        _record_progress(
            step, comments_after=photo.pk, comments_fetched=F("comments_fetched") + fetched
        )


def replace_comments(photo: WaitingPhoto, comments: list[Comment]) -> int:
    """Store the photo's comments in place of those it had, with its new search text and
    the comment count they answer. Returns how many were stored."""
    unique = {comment.id: comment for comment in comments}
    CommonsComment.objects.filter(photo_id=photo.pk).delete()
    CommonsComment.objects.bulk_create(
        [comment_row(photo.pk, comment) for comment in unique.values()]
    )
    ordered = sorted(unique.values(), key=lambda comment: comment.date)
    search_text = document_for(
        title=photo.title,
        description=photo.description,
        tags=photo.tags,
        comments=(comment.text for comment in ordered),
    )
    CommonsPhoto.objects.filter(pk=photo.pk).update(
        search_text=search_text, comments_fetched_count=photo.count_comments
    )
    refresh_search_vectors([photo.pk])
    return len(unique)


def comment_row(photo_pk: int, comment: Comment) -> CommonsComment:
    return CommonsComment(
        photo_id=photo_pk,
        comment_id=comment.id[:64],
        author_nsid=comment.author_nsid[:32],
        author_name=(comment.author_name or comment.author_realname or "")[:255],
        author_path_alias=(comment.author_path_alias or "")[:100],
        text=comment.text,
        date_created=comment.date,
        permalink=_fitting_url(comment.permalink),
    )


# --- finishing --------------------------------------------------------------------------------


def _finish(step: _Step) -> None:
    with transaction.atomic():
        update_member_counts()
        now = timezone.now()
        _record_progress(
            step, status=CrawlStatus.FINISHED, finished_at=now, stats=catalogue_stats()
        )
    logger.info("Commons crawl %s finished", step.crawl.pk)


def update_member_counts() -> None:
    """Every member's catalogued photos and their views."""
    photos = CommonsPhoto.objects.filter(member=OuterRef("pk")).order_by().values("member")
    CommonsMember.objects.update(
        photo_count=Coalesce(Subquery(photos.annotate(n=Count("pk")).values("n")), 0),
        view_count=Coalesce(Subquery(photos.annotate(n=Sum("views")).values("n")), 0),
    )


# --- reporting --------------------------------------------------------------------------------


def crawl_summary(crawl: CommonsCrawl) -> Mapping[str, Any]:
    """What a crawl did, for the command and the admin."""
    members = crawl.members.all()
    return {
        "members": members.count(),
        "members_done": members.filter(done=True).count(),
        "photos_listed": sum(members.values_list("seen", flat=True)),
        "photos_new": crawl.photos_new,
        "photos_updated": crawl.photos_updated,
        "photos_removed": crawl.photos_removed,
        "comments_fetched": crawl.comments_fetched,
        "calls": dict(crawl.calls),
    }
