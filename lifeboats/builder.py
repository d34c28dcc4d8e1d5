"""The builder: turns an approved lifeboat's pending photos into a stored package (DESIGN 6.4).

A build is a series of short chunks (`build_chunk`). Each chunk claims one pending photo at a
time in a short transaction (`select_for_update(skip_locked=True)`), then, with no
transaction open, fetches the photo's record from Flickr (raw responses cached per photo and
`last_update` in `FlickrResponseCache`), streams its original and thumbnail into the
lifeboats storage, and finally records the result and the progress in one short
transaction. A photo's claim goes stale after the build cluster's timeout plus a margin, so
a photo held by a killed worker is claimed again later; nothing is ever lost or counted
twice (the final write only changes a row that is still pending).

When no pending photo is left, one chunk, and only one (it takes the assembly with a
conditional UPDATE), writes the package with `lifeboats.package.writer.write_package` and
moves the lifeboat to ready. Permanent per-photo errors exclude that photo with a reason;
an invalid API key or a storage failure stops the build with a visible message; Flickr being
unavailable past the client's retries leaves the photo pending for the sweeper.

`lifeboats.tasks` runs this on the django-q2 build cluster; `build_in_process` runs the same
code synchronously for the `build_lifeboat` command. See docs/building.md.
"""

from __future__ import annotations

import enum
import hashlib
import logging
import math
import os
import socket
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from email.utils import parseaddr
from typing import IO, Any
from xml.etree import ElementTree
from xml.etree.ElementTree import Element

import defusedxml.ElementTree
from django.conf import settings
from django.core.files.storage import Storage
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from flickr.client import ErrorMap, FlickrClient
from flickr.errors import (
    FlickrUnavailable,
    InvalidApiKey,
    InvalidPhotoId,
    ResourceNotFound,
    UnexpectedFlickrError,
    UserDeleted,
)
from flickr.photo_record import PhotoRecord, PhotoRecordFetcher, photo_record_to_package_dict
from legal.consent import build_may_start, consent_for_photo, licence_decision
from legal.models import LicenceDecision
from legal.optouts import photo_is_opted_out
from lifeboats import services
from lifeboats.media import StorageFailure, download_to_storage, stored_file_matches, stored_size
from lifeboats.media import storage_writer as open_storage_writer
from lifeboats.models import (
    ExclusionReason,
    FlickrResponseCache,
    Lifeboat,
    LifeboatPhoto,
    LifeboatStatus,
    PhotoState,
)
from lifeboats.package.metadata import (
    PhotoContext,
    original_path,
    photo_context_from_record,
    thumbnail_path,
)
from lifeboats.package.writer import (
    PackageAgreement,
    PackageCreator,
    PackageError,
    PackageLifeboat,
    PackagePhoto,
    PackageResult,
    PhotoConsent,
    ReadmeAnswers,
    StoredFile,
    write_package,
)
from lifeboats.selection import listed_photo_from_json
from lifeboats.storage import lifeboat_storage, package_key, work_prefix
from portal.errors import InvalidTransition

logger = logging.getLogger(__name__)

S = LifeboatStatus

BUILD_CLUSTER = "builds"
CHUNK_PHOTOS = 25  # photos one chunk task takes at most
PARALLEL_CHUNKS = 2  # chunk chains a build starts with
STALE_MARGIN_SECONDS = 60  # past the cluster timeout, a claim or heartbeat is stale
CHUNK_TIME_SHARE = 0.5  # a chunk stops taking photos after this share of the timeout
HEARTBEAT_EVERY_SECONDS = 30.0  # while assembling
CACHE_KEEP_DAYS = 30
ASSEMBLY_BATCH = 100

INVALID_KEY_MESSAGE = "Flickr rejected the API key: check FLICKR_API_KEY"
NO_AGREEMENT_TEXT = (
    "This lifeboat was built by the foundation with the `build_lifeboat` command, outside "
    "the request workflow, so no organisation signed an agreement for it."
)


class ChunkOutcome(enum.Enum):
    """How a chunk ended, which says what should happen next."""

    MORE_WORK = "more_work"  # stopped at its limit with photos still pending: run another
    WAITING = "waiting"  # nothing left to claim, but other workers hold photos or the assembly
    READY = "ready"  # this chunk wrote the package
    PAUSED = "paused"  # Flickr stayed unavailable: the photo is pending again, the sweeper resumes
    STOPPED = "stopped"  # the lifeboat is not building (failed, or never started)


# --- timing, from the build cluster's settings -------------------------------------------------


def build_cluster_timeout() -> int:
    """The build cluster's task timeout in seconds (Q_CLUSTER ALT_CLUSTERS["builds"])."""
    cluster: dict[str, Any] = settings.Q_CLUSTER
    alternatives: dict[str, dict[str, Any]] = cluster.get("ALT_CLUSTERS") or {}
    alternative = alternatives.get(BUILD_CLUSTER) or {}
    return int(alternative.get("timeout", cluster.get("timeout", 300)))


def stale_after() -> timedelta:
    """How long a claim or a heartbeat stays fresh: longer than any chunk can live."""
    return timedelta(seconds=build_cluster_timeout() + STALE_MARGIN_SECONDS)


def chunk_time_limit() -> float:
    """Seconds after which a chunk takes no new photo, well inside the cluster timeout."""
    return build_cluster_timeout() * CHUNK_TIME_SHARE


def worker_name() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


# --- Flickr responses cached per photo and last_update -----------------------------------------


class CachingFlickrClient(FlickrClient):
    """A FlickrClient that answers per-photo calls from `FlickrResponseCache` when it can.

    It keeps FlickrClient's typed methods, and sends every request that misses the cache,
    and every download, through the client it wraps, whose `calls` counter it shares (so
    `calls` counts only what really went to Flickr). Per-photo calls are cached under the
    photo id and its `last_update` as set with `scope_to`; the licence table under the UTC
    day. Errors are never cached.
    """

    @classmethod
    def around(cls, client: FlickrClient) -> CachingFlickrClient:
        cached = cls(
            api_key=client.api_key,
            api_url=client.api_url,
            budget=client.budget,
            http=client._http,  # never used: every request goes through `client`
            max_attempts=client.max_attempts,
        )
        cached.inner = client
        cached.calls = client.calls
        return cached

    inner: FlickrClient
    photo_id: str = ""
    last_update: str = ""

    def scope_to(self, photo_id: str, last_update: datetime | None) -> None:
        """Cache calls about `photo_id` from now on (not at all if its last_update is unknown)."""
        self.photo_id = photo_id
        self.last_update = str(int(last_update.timestamp())) if last_update else ""

    def call(self, method: str, *, error_map: ErrorMap | None = None, **params: object) -> Element:
        key = self._cache_key(method, params)
        if key is None:
            return self.inner.call(method, error_map=error_map, **params)
        body = FlickrResponseCache.objects.filter(**key).values_list("body", flat=True).first()
        if body is not None:
            return defusedxml.ElementTree.fromstring(body)
        rsp = self.inner.call(method, error_map=error_map, **params)
        FlickrResponseCache.objects.get_or_create(
            **key, defaults={"body": ElementTree.tostring(rsp, encoding="unicode")}
        )
        return rsp

    def download(self, url: str, dest_file: Any) -> tuple[int, str, str]:
        return self.inner.download(url, dest_file)

    def _cache_key(self, method: str, params: dict[str, object]) -> dict[str, str] | None:
        rest = sorted((name, str(value)) for name, value in params.items() if value is not None)
        params_key = _sha256("&".join(f"{name}={value}" for name, value in rest))
        if method == "flickr.photos.licenses.getInfo":
            day = timezone.now().date().isoformat()
            return {"photo_id": "", "last_update": day, "method": method, "params_key": params_key}
        photo_id = str(params.get("photo_id", ""))
        if not self.last_update or not photo_id or photo_id != self.photo_id:
            return None
        return {
            "photo_id": photo_id,
            "last_update": self.last_update,
            "method": method,
            "params_key": params_key,
        }


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- starting a build ---------------------------------------------------------------------------


def build_begin(lifeboat_id: Any) -> Lifeboat | None:
    """Move an approved lifeboat to building and count its photos; None if it is not to be
    built. A duplicated delivery that finds the lifeboat already building just continues."""
    lifeboat = Lifeboat.objects.filter(pk=lifeboat_id).first()
    if lifeboat is None:
        logger.warning("Asked to build lifeboat %s, which does not exist", lifeboat_id)
        return None
    if lifeboat.status == S.APPROVED and not build_may_start(lifeboat):
        logger.info("Lifeboat %s waits for photographers' consent before building", lifeboat.pk)
        return None
    if lifeboat.status == S.APPROVED:
        try:
            services.lifeboat_start_build(lifeboat)
        except InvalidTransition:
            lifeboat.refresh_from_db()
        else:
            _reset_progress(lifeboat)
    if lifeboat.status != S.BUILDING:
        logger.info("Lifeboat %s is %s; not building it", lifeboat.pk, lifeboat.status)
        return None
    return lifeboat


def _reset_progress(lifeboat: Lifeboat) -> None:
    """Counts from the rows themselves: photos decided before (an earlier, failed attempt, or
    excluded before the build) are done already. Any assembly claim left over is dropped."""
    rows = LifeboatPhoto.objects.filter(lifeboat=lifeboat)
    Lifeboat.objects.filter(pk=lifeboat.pk).update(
        photos_total=rows.count(),
        photos_done=rows.exclude(state=PhotoState.PENDING).count(),
        package_path="",
        heartbeat_at=timezone.now(),
    )
    lifeboat.refresh_from_db()


def chunks_to_start(lifeboat: Lifeboat) -> int:
    """How many chunk chains to start: enough for the pending photos, at most PARALLEL_CHUNKS,
    and at least one (which assembles the package if nothing is pending)."""
    pending = LifeboatPhoto.objects.filter(lifeboat=lifeboat).pending().count()
    return max(1, min(PARALLEL_CHUNKS, math.ceil(pending / CHUNK_PHOTOS)))


# --- one chunk ----------------------------------------------------------------------------------

ProgressCallback = Callable[[Lifeboat], None]


@dataclass
class _Chunk:
    lifeboat: Lifeboat
    client: CachingFlickrClient
    storage: Storage
    worker: str = field(default_factory=worker_name)


@dataclass(frozen=True)
class _Included:
    metadata: dict[str, Any]
    context: dict[str, Any]
    files: dict[str, Any]


@dataclass(frozen=True)
class _Excluded:
    reason: str


def build_chunk(
    lifeboat_id: Any,
    *,
    client: FlickrClient,
    max_photos: int = CHUNK_PHOTOS,
    time_limit: float | None = None,
    on_progress: ProgressCallback | None = None,
    clock: Callable[[], float] = time.monotonic,
) -> ChunkOutcome:
    """Fetch up to `max_photos` pending photos (fewer once `time_limit` seconds have passed),
    one at a time, then assemble the package if none is left."""
    lifeboat = Lifeboat.objects.filter(pk=lifeboat_id, status=S.BUILDING).first()
    if lifeboat is None:
        return ChunkOutcome.STOPPED
    chunk = _Chunk(lifeboat, CachingFlickrClient.around(client), lifeboat_storage())
    started = clock()
    for _ in range(max_photos):
        if time_limit is not None and clock() - started > time_limit:
            break
        row = claim_next_photo(lifeboat.pk, worker=chunk.worker)
        if row is None:
            return finish_when_complete(lifeboat.pk)
        outcome = _build_photo(chunk, row)
        if outcome is not None:
            return outcome
        if on_progress is not None:
            lifeboat.refresh_from_db()
            on_progress(lifeboat)
    if LifeboatPhoto.objects.filter(lifeboat_id=lifeboat.pk).pending().exists():
        return ChunkOutcome.MORE_WORK
    return finish_when_complete(lifeboat.pk)


def claim_next_photo(lifeboat_id: Any, *, worker: str) -> LifeboatPhoto | None:
    """Claim the first pending photo nobody holds (or whose claim is stale), in a short
    transaction that skips rows other workers have locked. None when there is none."""
    now = timezone.now()
    with transaction.atomic():
        row = (
            LifeboatPhoto.objects.filter(
                lifeboat_id=lifeboat_id, lifeboat__status=S.BUILDING, state=PhotoState.PENDING
            )
            .filter(Q(claimed_at__isnull=True) | Q(claimed_at__lt=now - stale_after()))
            .order_by("position", "pk")
            .select_for_update(skip_locked=True, of=("self",))
            .first()
        )
        if row is None:
            return None
        row.claimed_at, row.claimed_by = now, worker
        row.save(update_fields=["claimed_at", "claimed_by"])
        Lifeboat.objects.filter(pk=lifeboat_id).update(heartbeat_at=now)
    return row


def _build_photo(chunk: _Chunk, row: LifeboatPhoto) -> ChunkOutcome | None:
    """Fetch, store and record one claimed photo; an outcome only when the chunk must stop."""
    calls_before = sum(chunk.client.calls.values())

    def calls_made() -> int:
        return sum(chunk.client.calls.values()) - calls_before

    try:
        result = _fetch_and_store(chunk, row)
    except InvalidApiKey:
        _release_claim(row, worker=chunk.worker, calls=calls_made())
        _fail(chunk.lifeboat, INVALID_KEY_MESSAGE)
        return ChunkOutcome.STOPPED
    except StorageFailure as exc:
        _release_claim(row, worker=chunk.worker, calls=calls_made())
        _fail(
            chunk.lifeboat,
            f"The build could not write to the lifeboats storage ({exc}). "
            "Fix the storage, then retry the build.",
        )
        return ChunkOutcome.STOPPED
    except (FlickrUnavailable, UnexpectedFlickrError) as exc:
        logger.warning(
            "Photo %s of lifeboat %s left pending: %s", row.photo_id, row.lifeboat_id, exc
        )
        _release_claim(row, worker=chunk.worker, calls=calls_made())
        return ChunkOutcome.PAUSED
    _record(row, result, calls=calls_made())
    return None


def exclusion_reason_for(row: LifeboatPhoto) -> str | None:
    """Why a photo must be left out at build time, or None to fetch it.

    The one place for build-time exclusions: a photo removed at its owner's request, and a
    photo whose owner opted out, even if the opt-out arrived after the request was submitted.
    """
    if row.removed_at is not None:
        return ExclusionReason.REMOVED
    if photo_is_opted_out(photo_id=row.photo_id, owner_nsid=row.owner_nsid):
        return ExclusionReason.OPTED_OUT
    if built_outside_review(row.lifeboat) and _policy_for(row) == LicenceDecision.BLOCK:
        return ExclusionReason.LICENCE_BLOCKED
    return None


def built_outside_review(lifeboat: Lifeboat) -> bool:
    """A lifeboat the foundation builds itself (`build_lifeboat`) was never submitted, so no
    licence review asked anyone: it carries no agreement signature."""
    return lifeboat.agreement_signature_id is None


def _policy_for(row: LifeboatPhoto) -> str:
    if row.owner_nsid in row.lifeboat.organisation.flickr_nsids:
        return LicenceDecision.INCLUDE
    return licence_decision(row.license_id).decision


def consent_for(row: LifeboatPhoto) -> PhotoConsent:
    """The consent the package records for an included photo (DESIGN 8)."""
    consent = consent_for_photo(row.lifeboat_id, row.photo_id)
    if built_outside_review(row.lifeboat) and _policy_for(row) == LicenceDecision.CONSENT:
        return PhotoConsent(required=True, status="not_asked")
    decided_at = consent["decidedAt"]
    return PhotoConsent(
        required=consent["required"],
        status=consent["status"],
        decided_at=datetime.fromisoformat(decided_at) if decided_at else None,
    )


def _fetch_and_store(chunk: _Chunk, row: LifeboatPhoto) -> _Included | _Excluded:
    reason = exclusion_reason_for(row)
    if reason is not None:
        return _Excluded(reason)
    listed = listed_photo_from_json(row.listing)
    chunk.client.scope_to(row.photo_id, listed.last_update)
    try:
        record = PhotoRecordFetcher(chunk.client).fetch(listed)
        files = _store_media(chunk, row, record)
    except (ResourceNotFound, UserDeleted, InvalidPhotoId) as exc:
        logger.info("Photo %s excluded as not found: %s", row.photo_id, exc)
        return _Excluded(ExclusionReason.NOT_FOUND)
    return _Included(
        metadata=photo_record_to_package_dict(record),
        context=photo_context_from_record(record).to_json(),
        files=files,
    )


def _store_media(chunk: _Chunk, row: LifeboatPhoto, record: PhotoRecord) -> dict[str, Any]:
    """The photo's files, each either already stored with the recorded size and digest, or
    downloaded now. Each file is recorded on the row as soon as it is stored."""
    folder = work_prefix(chunk.lifeboat)
    files: dict[str, Any] = dict(row.files or {})
    wanted = {"original": record.best_file, "thumbnail": record.thumbnail}
    for role, image in wanted.items():
        if image is None:
            files.pop(role, None)
            continue
        known = files.get(role)
        if known and stored_file_matches(
            chunk.storage, known["storagePath"], size=known["size"], sha512=known["sha512"]
        ):
            continue

        def name_for(extension: str, role: str = role) -> str:
            if role == "thumbnail":
                return f"{folder}/thumbnails/{row.photo_id}.jpg"
            return f"{folder}/originals/{row.photo_id}.{extension}"

        stored = download_to_storage(chunk.client, image.url, chunk.storage, name_for=name_for)
        package_path = (
            thumbnail_path(row.photo_id)
            if role == "thumbnail"
            else original_path(row.photo_id, stored.extension)
        )
        files[role] = {
            "path": package_path,
            "storagePath": stored.name,
            "size": stored.size,
            "sha512": stored.sha512,
            "width": image.width,
            "height": image.height,
            "contentType": stored.content_type,
            "extension": stored.extension,
        }
        LifeboatPhoto.objects.filter(pk=row.pk).update(files=files)
    return files


def _record(row: LifeboatPhoto, result: _Included | _Excluded, *, calls: int) -> None:
    """Include or exclude the photo and count it, in one transaction; a row that is no longer
    pending (another worker finished it first) is neither changed nor counted."""
    now = timezone.now()
    fields: dict[str, Any]
    if isinstance(result, _Included):
        fields = {
            "state": PhotoState.INCLUDED,
            "reason": "",
            "metadata": result.metadata,
            "context": result.context,
            "files": result.files,
        }
    else:
        fields = {"state": PhotoState.EXCLUDED, "reason": result.reason}
    with transaction.atomic():
        changed = LifeboatPhoto.objects.filter(pk=row.pk, state=PhotoState.PENDING).update(
            decided_at=now, claimed_at=None, claimed_by="", **fields
        )
        Lifeboat.objects.filter(pk=row.lifeboat_id).update(
            photos_done=F("photos_done") + changed,
            api_calls=F("api_calls") + calls,
            heartbeat_at=now,
        )


def _release_claim(row: LifeboatPhoto, *, worker: str, calls: int) -> None:
    with transaction.atomic():
        LifeboatPhoto.objects.filter(pk=row.pk, claimed_by=worker).update(
            claimed_at=None, claimed_by=""
        )
        Lifeboat.objects.filter(pk=row.lifeboat_id).update(api_calls=F("api_calls") + calls)


def _fail(lifeboat: Lifeboat, message: str) -> None:
    """Stop the build with `message`, unless another worker already moved it on."""
    try:
        services.lifeboat_mark_failed(lifeboat, message=message)
    except InvalidTransition:
        logger.info("Lifeboat %s was no longer building; not marking it failed", lifeboat.pk)


# --- assembling the package ---------------------------------------------------------------------


def finish_when_complete(lifeboat_id: Any) -> ChunkOutcome:
    """Write the package once no photo is pending; exactly one caller gets to do it."""
    if LifeboatPhoto.objects.filter(lifeboat_id=lifeboat_id).pending().exists():
        return ChunkOutcome.WAITING
    lifeboat = Lifeboat.objects.select_related(
        "organisation", "created_by", "agreement_signature__version"
    ).get(pk=lifeboat_id)
    name = package_key(lifeboat)
    now = timezone.now()
    taken = (
        Lifeboat.objects.filter(pk=lifeboat_id, status=S.BUILDING)
        .filter(Q(package_path="") | Q(heartbeat_at__lt=now - stale_after()))
        .update(package_path=name, heartbeat_at=now)
    )
    if not taken:
        lifeboat.refresh_from_db()
        return ChunkOutcome.WAITING if lifeboat.status == S.BUILDING else ChunkOutcome.STOPPED
    storage = lifeboat_storage()
    try:
        if _requeue_photos_missing_files(lifeboat, storage):
            Lifeboat.objects.filter(pk=lifeboat_id).update(package_path="")
            return ChunkOutcome.MORE_WORK
        result = assemble_package(lifeboat, storage, name)
    except (StorageFailure, PackageError) as exc:
        Lifeboat.objects.filter(pk=lifeboat_id).update(package_path="")
        _fail(
            lifeboat,
            f"The package could not be written ({exc}). Fix the cause, then retry the build.",
        )
        return ChunkOutcome.STOPPED
    services.lifeboat_mark_ready(
        lifeboat, package_path=name, package_size=result.size, package_sha256=result.sha256
    )
    return ChunkOutcome.READY


def _requeue_photos_missing_files(lifeboat: Lifeboat, storage: Storage) -> int:
    """Included photos whose stored files are gone or of the wrong size go back to pending
    (they are fetched again); returns how many."""
    broken = []
    rows = LifeboatPhoto.objects.filter(lifeboat=lifeboat).included()
    for pk, files in rows.values_list("pk", "files").iterator():
        for stored in (files or {}).values():
            if stored_size(storage, stored["storagePath"]) != stored["size"]:
                broken.append(pk)
                break
    if broken:
        with transaction.atomic():
            LifeboatPhoto.objects.filter(pk__in=broken).update(
                state=PhotoState.PENDING, decided_at=None, metadata={}, context={}, files={}
            )
            Lifeboat.objects.filter(pk=lifeboat.pk).update(
                photos_done=F("photos_done") - len(broken)
            )
        logger.warning(
            "Lifeboat %s: %d photos lost their files; fetching again", lifeboat.pk, len(broken)
        )
    return len(broken)


def assemble_package(lifeboat: Lifeboat, storage: Storage, name: str) -> PackageResult:
    """Stream the package of the included photos into `storage` as `name`."""
    heartbeat = _Heartbeat(lifeboat.pk)

    def open_stored(path: str) -> IO[bytes]:
        heartbeat.maybe_beat()
        try:
            return storage.open(path, "rb")
        except Exception as exc:
            raise StorageFailure(
                f"Could not read {path!r} from the lifeboats storage: {exc}"
            ) from exc

    excluded = [
        {"photoId": photo_id, "reason": reason}
        for photo_id, reason in LifeboatPhoto.objects.filter(lifeboat=lifeboat)
        .excluded()
        .order_by("position", "pk")
        .values_list("photo_id", "reason")
    ]
    with open_storage_writer(storage, name) as out:
        return write_package(
            package_lifeboat_for(lifeboat),
            _package_photos(lifeboat),
            excluded=excluded,
            open_file=open_stored,
            out=out,
        )


def _package_photos(lifeboat: Lifeboat) -> Iterator[PackagePhoto]:
    """The included photos in selection order, loaded a batch at a time (flat memory)."""
    ids = list(
        LifeboatPhoto.objects.filter(lifeboat=lifeboat)
        .included()
        .order_by("position", "pk")
        .values_list("pk", flat=True)
    )
    for start in range(0, len(ids), ASSEMBLY_BATCH):
        batch = ids[start : start + ASSEMBLY_BATCH]
        rows = LifeboatPhoto.objects.in_bulk(batch)
        for pk in batch:
            yield package_photo_for(rows[pk])


def package_photo_for(row: LifeboatPhoto) -> PackagePhoto:
    files = row.files or {}
    return PackagePhoto(
        photo=row.metadata,
        original=_stored_file(files.get("original")),
        thumbnail=_stored_file(files.get("thumbnail")),
        consent=consent_for(row),
        context=PhotoContext.from_json(row.context),
    )


def _stored_file(data: dict[str, Any] | None) -> StoredFile | None:
    if not data:
        return None
    return StoredFile(
        path_in_storage=data["storagePath"],
        size=data["size"],
        sha512=data["sha512"],
        width=data.get("width"),
        height=data.get("height"),
        content_type=data.get("contentType", ""),
        extension=data["extension"],
    )


def package_lifeboat_for(lifeboat: Lifeboat) -> PackageLifeboat:
    creator = lifeboat.created_by
    creator_name = creator.display_name or creator.get_full_name() or creator.username
    return PackageLifeboat(
        id=lifeboat.pk,
        slug=lifeboat.slug or "lifeboat",
        name=lifeboat.name,
        purpose=lifeboat.purpose,
        readme=ReadmeAnswers(
            selection=lifeboat.readme_selection,
            future=lifeboat.readme_future,
            usage=lifeboat.readme_usage,
        ),
        created_at=lifeboat.created_at,
        creator=PackageCreator(organisation=lifeboat.organisation.name, user=creator_name),
        agreement=_package_agreement(lifeboat),
        contact_name=creator_name,
        contact_email=creator.email or parseaddr(settings.DEFAULT_FROM_EMAIL)[1],
        built_at=timezone.now(),
    )


def _package_agreement(lifeboat: Lifeboat) -> PackageAgreement:
    signature = lifeboat.agreement_signature
    if signature is None:
        return PackageAgreement(
            version="none",
            signed_at=None,
            approved_at=None,
            text_markdown=NO_AGREEMENT_TEXT,
        )
    return PackageAgreement(
        version=signature.version.label,
        signed_at=signature.signed_at,
        approved_at=signature.decided_at,
        text_markdown=signature.version.text_markdown,
        signed_by=f"{signature.signer_name}, {signature.signer_title}",
    )


class _Heartbeat:
    """Keeps a long assembly's heartbeat fresh, writing at most every HEARTBEAT_EVERY_SECONDS."""

    def __init__(self, lifeboat_id: Any, clock: Callable[[], float] = time.monotonic) -> None:
        self.lifeboat_id = lifeboat_id
        self.clock = clock
        self.last = clock()

    def maybe_beat(self) -> None:
        if self.clock() - self.last >= HEARTBEAT_EVERY_SECONDS:
            Lifeboat.objects.filter(pk=self.lifeboat_id).update(heartbeat_at=timezone.now())
            self.last = self.clock()


# --- the sweeper, and building in one process ---------------------------------------------------


def sweep_stalled_builds(*, now: datetime | None = None) -> list[Any]:
    """The builds to resume: building, with no heartbeat for longer than a chunk can live.

    Their heartbeat is touched, so a build is handed out once per stale period even when no
    build worker is running; cached responses older than CACHE_KEEP_DAYS are deleted.
    """
    now = now or timezone.now()
    stalled = list(
        Lifeboat.objects.stalled_builds(now - stale_after()).values_list("pk", flat=True)
    )
    if stalled:
        Lifeboat.objects.filter(pk__in=stalled).update(heartbeat_at=now)
        logger.warning("Resuming stalled builds: %s", ", ".join(map(str, stalled)))
    FlickrResponseCache.objects.fetched_before(now - timedelta(days=CACHE_KEEP_DAYS)).delete()
    return stalled


def build_in_process(
    lifeboat_id: Any, *, client: FlickrClient, on_progress: ProgressCallback | None = None
) -> Lifeboat:
    """Build the lifeboat here and now with the same chunks the workers run (the
    `build_lifeboat` command). Returns the lifeboat, ready or failed."""
    if build_begin(lifeboat_id) is not None:
        outcome = ChunkOutcome.MORE_WORK
        while outcome is ChunkOutcome.MORE_WORK:
            outcome = build_chunk(lifeboat_id, client=client, on_progress=on_progress)
        lifeboat = Lifeboat.objects.get(pk=lifeboat_id)
        if outcome is ChunkOutcome.PAUSED:
            _fail(lifeboat, "Flickr stayed unavailable after several retries; try again later.")
        elif outcome is ChunkOutcome.WAITING:
            _fail(lifeboat, "Another worker holds photos of this lifeboat; try again later.")
    return Lifeboat.objects.get(pk=lifeboat_id)
