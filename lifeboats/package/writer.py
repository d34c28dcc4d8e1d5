"""Write a Lifeboat package (format v1, DESIGN 5.5) as a zip stream.

    result = write_package(lifeboat, photos, excluded=excluded, open_file=storage.open, out=fh)

`photos` is any iterable of `PackagePhoto` (a generator over database rows is the intended
use); it is read once. For each photo the writer adds its metadata file and its media to the
zip at once, and keeps only that photo's small index entries, so memory depends on the size of
the indices, not on the photos' records or media. Media are read lazily, chunk by chunk, from
`open_file(path_in_storage)` while the zip is written; their digests are the ones the builder
stored (nothing is read twice). Everything that depends on every photo (the indices,
lifeboat.js, README.html, the manifests and bag-info.txt) is written at the end of the stream.

The zip holds one folder, `<slug>/`, which is a BagIt 1.0 bag. Entries are stored (not
deflated: photos do not compress), with Zip64 records wherever sizes or offsets need them.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from importlib import metadata as importlib_metadata
from pathlib import Path
from typing import IO, Any

from zipstream import ZIP_STORED, ZipStream

from flickr.photo_record import PACKAGE_PHOTO_KEYS, iso_utc
from lifeboats.package import bagit
from lifeboats.package.metadata import (
    IndexBuilder,
    PhotoContext,
    js_file,
    metadata_path,
    original_path,
    thumbnail_path,
)
from lifeboats.package.readme import render_agreement, render_readme

__all__ = [
    "PackageAgreement",
    "PackageCreator",
    "PackageError",
    "PackageLifeboat",
    "PackagePhoto",
    "PackageResult",
    "PackageSoftware",
    "PhotoConsent",
    "ReadmeAnswers",
    "StoredFile",
    "write_package",
]

VIEWER_DIR = Path(__file__).resolve().parent / "viewer"
CHUNK_SIZE = 1024 * 1024
PHOTO_ID = re.compile(r"[0-9]+", re.ASCII)
SLUG = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*", re.ASCII)
EXTENSION = re.compile(r"[a-z0-9]{1,10}", re.ASCII)
SHA512_HEX = re.compile(r"[0-9a-f]{128}", re.ASCII)
CONSENT_STATUSES = frozenset({"not_required", "granted", "not_asked"})

OpenFile = Callable[[str], IO[bytes]]


class PackageError(ValueError):
    """The inputs cannot make a valid package; the message says which input and why."""


# --- inputs -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReadmeAnswers:
    """The README answers of DESIGN 5.3, in Markdown."""

    selection: str = ""
    future: str = ""
    usage: str = ""


@dataclass(frozen=True)
class PackageCreator:
    organisation: str
    user: str


@dataclass(frozen=True)
class PackageAgreement:
    """The agreement version the organisation signed, its text in Markdown, and its dates."""

    version: str
    signed_at: datetime | None
    approved_at: datetime | None
    text_markdown: str
    signed_by: str = ""


def _portal_version() -> str:
    try:
        return importlib_metadata.version("data-lifeboat-portal")
    except importlib_metadata.PackageNotFoundError:
        return "unknown"


@dataclass(frozen=True)
class PackageSoftware:
    name: str = "Data Lifeboat Portal"
    version: str = field(default_factory=_portal_version)


@dataclass(frozen=True)
class PackageLifeboat:
    """The lifeboat as the package describes it. `built_at` (default: now) dates the bag."""

    id: uuid.UUID
    slug: str
    name: str
    purpose: str
    readme: ReadmeAnswers
    created_at: datetime
    creator: PackageCreator
    agreement: PackageAgreement
    contact_name: str
    contact_email: str
    software: PackageSoftware = field(default_factory=PackageSoftware)
    built_at: datetime | None = None


@dataclass(frozen=True)
class StoredFile:
    """A media file the builder stored, with the digest it took while storing it."""

    path_in_storage: str
    size: int
    sha512: str
    width: int | None
    height: int | None
    content_type: str
    extension: str


@dataclass(frozen=True)
class PhotoConsent:
    """Whether the photo needed its owner's consent, and the answer: `not_required`, `granted`,
    or `not_asked` (a lifeboat the foundation built itself with `build_lifeboat`, outside the
    request workflow). Photos refused or left unanswered are excluded, not packaged."""

    required: bool = False
    status: str = "not_required"
    decided_at: datetime | None = None


@dataclass(frozen=True)
class PackagePhoto:
    """One included photo: its `photo` object (`flickr.photo_record.photo_record_to_package_dict`,
    without `files` and `consent`), its stored media, its consent, and the names and titles
    around it (`metadata.photo_context_from_record`)."""

    photo: Mapping[str, Any]
    original: StoredFile | None
    thumbnail: StoredFile | None
    consent: PhotoConsent = field(default_factory=PhotoConsent)
    context: PhotoContext = field(default_factory=PhotoContext)


@dataclass(frozen=True)
class PackageResult:
    """The zip written: its size and SHA-256, how many files it holds, and the bag's
    Payload-Oxum (`<payload bytes>.<payload files>`)."""

    size: int
    sha256: str
    file_count: int
    payload_oxum: str
    photo_count: int


# --- validation -------------------------------------------------------------------------------


def _checked_photo_id(value: object, *, what: str) -> str:
    if not isinstance(value, str) or not PHOTO_ID.fullmatch(value):
        raise PackageError(
            f"{what} must be a Flickr photo id made of ASCII digits, got {value!r}; package "
            "paths are built only from numeric ids"
        )
    return value


def _uuid(value: object) -> uuid.UUID:
    if isinstance(value, uuid.UUID):
        return value
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise PackageError(f"The lifeboat's id must be a UUID, got {value!r}") from None


def _checked_slug(slug: object) -> str:
    if not isinstance(slug, str) or not SLUG.fullmatch(slug):
        raise PackageError(
            f"The lifeboat's slug names the package folder and must be ASCII letters, digits, "
            f"'-' or '_', got {slug!r}"
        )
    return slug


def _checked_stored_file(stored: StoredFile, *, photo_id: str, role: str) -> StoredFile:
    where = f"the {role} of photo {photo_id}"
    if not EXTENSION.fullmatch(stored.extension or ""):
        raise PackageError(
            f"The file extension of {where} must be 1-10 lower-case ASCII letters or digits, "
            f"got {stored.extension!r}"
        )
    if not SHA512_HEX.fullmatch(stored.sha512 or ""):
        raise PackageError(
            f"The stored SHA-512 of {where} must be 128 lower-case hex digits, "
            f"got {stored.sha512!r}"
        )
    if not isinstance(stored.size, int) or stored.size < 0:
        raise PackageError(
            f"The stored size of {where} must be a whole number, got {stored.size!r}"
        )
    return stored


def _checked_photo_dict(photo: Mapping[str, Any]) -> str:
    photo_id = _checked_photo_id(photo.get("id"), what="A photo's `id`")
    keys = set(photo)
    missing = [key for key in PACKAGE_PHOTO_KEYS if key not in keys]
    unexpected = sorted(keys - set(PACKAGE_PHOTO_KEYS))
    if missing or unexpected:
        raise PackageError(
            f"Photo {photo_id} is not the `photo` object of photo_record_to_package_dict: "
            f"missing {missing!r}, unexpected {unexpected!r} (files and consent are added "
            "by the writer)"
        )
    return photo_id


def _checked_consent(consent: PhotoConsent, *, photo_id: str) -> PhotoConsent:
    if consent.status not in CONSENT_STATUSES:
        raise PackageError(
            f"Photo {photo_id} has consent status {consent.status!r}; only photos whose "
            f"consent is {sorted(CONSENT_STATUSES)!r} belong in a package (exclude the others)"
        )
    return consent


def _checked_excluded(excluded: Iterable[Mapping[str, Any]]) -> list[dict[str, str]]:
    checked = []
    for entry in excluded:
        photo_id = _checked_photo_id(entry.get("photoId"), what="An excluded photo's `photoId`")
        reason = entry.get("reason")
        if not isinstance(reason, str) or not reason:
            raise PackageError(f"Excluded photo {photo_id} needs a reason, got {reason!r}")
        checked.append({"photoId": photo_id, "reason": reason})
    return checked


# --- the photo object -------------------------------------------------------------------------


def _file_object(path: str, stored: StoredFile | None) -> dict[str, Any] | None:
    if stored is None:
        return None
    return {
        "path": path,
        "size": stored.size,
        "sha512": stored.sha512,
        "width": stored.width,
        "height": stored.height,
        "contentType": stored.content_type,
    }


def _optional_iso(moment: datetime | None) -> str | None:
    return None if moment is None else iso_utc(moment)


def package_photo_object(item: PackagePhoto, photo_id: str) -> dict[str, Any]:
    """The complete `photo` object of DESIGN 5.5, keys in the documented order."""
    photo = {key: item.photo[key] for key in PACKAGE_PHOTO_KEYS if key != "retrievedAt"}
    original = None if item.original is None else original_path(photo_id, item.original.extension)
    photo["files"] = {
        "original": _file_object(original or "", item.original),
        "thumbnail": _file_object(thumbnail_path(photo_id), item.thumbnail),
    }
    photo["consent"] = {
        "required": item.consent.required,
        "status": item.consent.status,
        "decidedAt": _optional_iso(item.consent.decided_at),
    }
    photo["retrievedAt"] = item.photo["retrievedAt"]
    return photo


def lifeboat_object(
    lifeboat: PackageLifeboat, *, photo_count: int, excluded: Sequence[Mapping[str, str]]
) -> dict[str, Any]:
    """The `lifeboat` object of DESIGN 5.5."""
    return {
        "id": str(_uuid(lifeboat.id)),
        "name": lifeboat.name,
        "purpose": lifeboat.purpose,
        "readme": {
            "selection": lifeboat.readme.selection,
            "future": lifeboat.readme.future,
            "usage": lifeboat.readme.usage,
        },
        "createdAt": iso_utc(lifeboat.created_at),
        "creator": {
            "organisation": lifeboat.creator.organisation,
            "user": lifeboat.creator.user,
        },
        "agreement": {
            "version": lifeboat.agreement.version,
            "signedAt": (
                iso_utc(lifeboat.agreement.signed_at) if lifeboat.agreement.signed_at else None
            ),
            "approvedAt": _optional_iso(lifeboat.agreement.approved_at),
        },
        "photoCount": photo_count,
        "excluded": [dict(entry) for entry in excluded],
        "software": {"name": lifeboat.software.name, "version": lifeboat.software.version},
    }


# --- the zip stream ---------------------------------------------------------------------------


def _stored_chunks(open_file: OpenFile, stored: StoredFile, arcname: str) -> Iterator[bytes]:
    """The stored file, chunk by chunk, opened only when the zip reaches it. Its length must
    match the recorded size (counting costs nothing; re-hashing would)."""
    read = 0
    with open_file(stored.path_in_storage) as handle:
        while chunk := handle.read(CHUNK_SIZE):
            read += len(chunk)
            if read > stored.size:
                break
            yield chunk
    if read != stored.size:
        raise PackageError(
            f"{stored.path_in_storage!r} holds {'more than ' if read > stored.size else ''}"
            f"{read} bytes but was recorded with {stored.size}: rebuild the photo's media "
            f"before writing {arcname!r}"
        )


class _BagStream:
    """A zip stream of one bag folder that records what the manifests need as it goes."""

    def __init__(self, out: IO[bytes], root: str) -> None:
        self.out = out
        self.root = root
        self.zip = ZipStream(compress_type=ZIP_STORED, sized=False)
        self.sha256 = hashlib.sha256()
        self.size = 0
        self.file_count = 0
        self.payload: list[tuple[str, str]] = []
        self.payload_octets = 0
        self.tags: list[tuple[str, str]] = []

    def add_payload(self, path: str, content: bytes) -> None:
        """A generated file under data/, hashed here."""
        self.payload.append((f"data/{path}", hashlib.sha512(content).hexdigest()))
        self.payload_octets += len(content)
        self._add(f"data/{path}", content)

    def add_stored(self, path: str, stored: StoredFile, open_file: OpenFile) -> None:
        """A stored media file under data/, with the digest recorded when it was stored."""
        arcname = f"{self.root}/data/{path}"
        self.payload.append((f"data/{path}", stored.sha512))
        self.payload_octets += stored.size
        self.zip.add(_stored_chunks(open_file, stored, arcname), arcname, size=stored.size)
        self.file_count += 1
        self.flush()

    def add_tag(self, name: str, content: bytes, *, in_tag_manifest: bool = True) -> None:
        if in_tag_manifest:
            self.tags.append((name, hashlib.sha512(content).hexdigest()))
        self._add(name, content)

    def _add(self, path: str, content: bytes) -> None:
        self.zip.add(content, f"{self.root}/{path}")
        self.file_count += 1
        self.flush()

    def flush(self) -> None:
        for chunk in self.zip.all_files():
            self._write(chunk)

    def finish(self) -> None:
        self.flush()
        for chunk in self.zip.footer():
            self._write(chunk)

    def _write(self, chunk: bytes) -> None:
        self.out.write(chunk)
        self.sha256.update(chunk)
        self.size += len(chunk)


def viewer_files(directory: Path = VIEWER_DIR) -> list[tuple[str, Path]]:
    """(path under data/viewer/, file) for every file of the offline viewer, dotfiles and
    caches aside, in a stable order."""
    if not directory.is_dir():
        return []
    found = []
    for file in sorted(directory.rglob("*")):
        relative = file.relative_to(directory)
        if not file.is_file() or any(
            part.startswith(".") or part == "__pycache__" for part in relative.parts
        ):
            continue
        found.append((f"viewer/{relative.as_posix()}", file))
    return found


def write_package(
    lifeboat: PackageLifeboat,
    photos: Iterable[PackagePhoto],
    *,
    excluded: Iterable[Mapping[str, Any]],
    open_file: OpenFile,
    out: IO[bytes],
) -> PackageResult:
    """Stream the package of `lifeboat` to `out` and describe what was written.

    Raises `PackageError` (before or while writing) when an input cannot make a valid
    package: a photo id that is not ASCII digits, a slug that cannot name a folder, a photo
    dict of the wrong shape, a duplicated photo, a media file whose size differs from the
    recorded one. `out` then holds an incomplete zip: discard it.
    """
    root = _checked_slug(lifeboat.slug)
    _uuid(lifeboat.id)
    excluded_list = _checked_excluded(excluded)
    built_at = lifeboat.built_at or datetime.now(UTC)
    stream = _BagStream(out, root)
    stream.add_tag("bagit.txt", bagit.BAGIT_TXT)

    indices = IndexBuilder()
    for item in photos:
        photo_id = _checked_photo_dict(item.photo)
        if photo_id in indices.photo_index:
            raise PackageError(f"Photo {photo_id} is listed twice; each photo goes in once")
        _checked_consent(item.consent, photo_id=photo_id)
        if item.original is not None:
            _checked_stored_file(item.original, photo_id=photo_id, role="original")
        if item.thumbnail is not None:
            _checked_stored_file(item.thumbnail, photo_id=photo_id, role="thumbnail")
        photo = package_photo_object(item, photo_id)
        indices.add(photo, item.context)
        stream.add_payload(metadata_path(photo_id), js_file("photo", photo))
        if item.original is not None:
            stream.add_stored(photo["files"]["original"]["path"], item.original, open_file)
        if item.thumbnail is not None:
            stream.add_stored(thumbnail_path(photo_id), item.thumbnail, open_file)

    photo_count = len(indices.photo_index)
    stream.add_payload("metadata/photoIndex.js", js_file("photoIndex", indices.photo_index))
    stream.add_payload(
        "metadata/contributorIndex.js",
        js_file("contributorIndex", indices.contributor_index()),
    )
    stream.add_payload("metadata/licenseIndex.js", js_file("licenseIndex", indices.licence_index()))
    stream.add_payload("metadata/tagIndex.js", js_file("tagIndex", indices.tag_index()))
    stream.add_payload("metadata/albumIndex.js", js_file("albumIndex", indices.album_index()))
    stream.add_payload("metadata/galleryIndex.js", js_file("galleryIndex", indices.gallery_index()))
    stream.add_payload("metadata/groupIndex.js", js_file("groupIndex", indices.group_index()))
    stream.add_payload(
        "metadata/lifeboat.js",
        js_file(
            "lifeboat", lifeboat_object(lifeboat, photo_count=photo_count, excluded=excluded_list)
        ),
    )
    stream.add_payload(
        "README.html",
        render_readme(
            lifeboat,
            built_at=built_at,
            photo_count=photo_count,
            licence_counts=indices.licence_counts,
            licence_index=indices.licence_index(),
            consent_counts=indices.consent_counts,
            excluded=excluded_list,
        ).encode("utf-8"),
    )
    stream.add_payload("legal/agreement.html", render_agreement(lifeboat).encode("utf-8"))
    for path, file in viewer_files():
        stream.add_payload(path, file.read_bytes())

    streams = len(stream.payload)
    stream.add_tag(
        "bag-info.txt",
        bagit.bag_info_txt(
            source_organization=lifeboat.creator.organisation,
            contact_name=lifeboat.contact_name,
            contact_email=lifeboat.contact_email,
            external_description=lifeboat.purpose,
            external_identifier=_uuid(lifeboat.id).urn,
            bagging_date=built_at.astimezone(UTC).date(),
            payload_octets=stream.payload_octets,
            payload_streams=streams,
        ),
    )
    stream.add_tag("manifest-sha512.txt", bagit.manifest_txt(stream.payload))
    stream.add_tag("tagmanifest-sha512.txt", bagit.manifest_txt(stream.tags), in_tag_manifest=False)
    stream.finish()
    return PackageResult(
        size=stream.size,
        sha256=stream.sha256.hexdigest(),
        file_count=stream.file_count,
        payload_oxum=bagit.payload_oxum(stream.payload_octets, streams),
        photo_count=photo_count,
    )
