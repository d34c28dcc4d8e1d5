"""Sample inputs for the package writer, for any test that needs a real Lifeboat package.

    inputs = sample_package_inputs(tmp_path, photos=5, hostile=False)
    result = write_package(inputs.lifeboat, inputs.photos, excluded=inputs.excluded,
                           open_file=inputs.open_file, out=fh)
    # or, in one go: zip_path, result = write_sample_package(tmp_path)
    bag = unzip_package(zip_path, tmp_path / "unzipped")   # -> the bag folder

The photos are made the way the builder makes them: Flickr records (`flickr.records`) turned
into the package's `photo` object by `flickr.photo_record.photo_record_to_package_dict`, with
the names and titles from `photo_context_from_record`, and small images generated with Pillow
stored under `tmp_path / "storage"`. Everything is deterministic.

With `hostile=True` every piece of free text (lifeboat name, purpose, README answers, titles,
descriptions, tags, comments, notes, names, album titles, the agreement) carries markup,
script, `javascript:` links or path tricks, as someone trying to break the package would write.
"""

from __future__ import annotations

import hashlib
import io
import uuid
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO, Any

from PIL import Image

from flickr.photo_record import PhotoRecord, photo_record_to_package_dict
from flickr.records import (
    AlbumRef,
    Comment,
    DateTaken,
    ExifTag,
    Favorite,
    GalleryRef,
    GroupRef,
    LicenceChange,
    Location,
    Note,
    Owner,
    PersonInPhoto,
    PhotoInfo,
    Tag,
    Usage,
)
from lifeboats.package import (
    PackageAgreement,
    PackageCreator,
    PackageLifeboat,
    PackagePhoto,
    PackageResult,
    PackageSoftware,
    PhotoConsent,
    ReadmeAnswers,
    StoredFile,
    photo_context_from_record,
    write_package,
)

FIRST_PHOTO_ID = 53_100_000_001
LIFEBOAT_ID = uuid.UUID("6f1c2a4e-9b1d-4c55-8a3e-2d7f0c9e1b42")
CREATED_AT = datetime(2026, 3, 2, 9, 30, tzinfo=UTC)
BUILT_AT = datetime(2026, 3, 20, 16, 45, tzinfo=UTC)
LICENCES = ("cc-by-2.0", "all-rights-reserved", "nkcr", "cc-by-nc-4.0", "unknown-42")
EXCLUDED = (
    {"photoId": "53099999991", "reason": "not_found"},
    {"photoId": "53099999992", "reason": "consent_refused"},
    {"photoId": "53099999993", "reason": "opted_out"},
)

HOSTILE_TEXT = '<script>alert("x")</script><img src=x onerror=alert(1)>'
HOSTILE_TITLE = "../../etc/passwd</script><script>alert(1)</script>"
VANTAGE_POINTS = ("pier", "quay", "castle", "ferry", "cliffs")
HOSTILE_MARKDOWN = (
    '<script>alert("readme")</script>\n\n[click me](javascript:alert(1)) '
    "<img src=x onerror=alert(2)> **bold** <iframe src=https://example.org></iframe>"
)


@dataclass(frozen=True)
class PeopleOnFlickr:
    uploader: Owner
    tagger: Owner
    commenter: Owner
    faver: Owner


@dataclass
class SampleInputs:
    """Everything `write_package` needs, and where the sample media live."""

    lifeboat: PackageLifeboat
    photos: list[PackagePhoto]
    excluded: list[dict[str, str]]
    open_file: Callable[[str], IO[bytes]]
    storage: Path
    records: list[PhotoRecord]

    def write(self, out: IO[bytes]) -> PackageResult:
        return write_package(
            self.lifeboat,
            iter(self.photos),
            excluded=self.excluded,
            open_file=self.open_file,
            out=out,
        )


def _people(hostile: bool) -> PeopleOnFlickr:
    def person(nsid: str, name: str) -> Owner:
        if hostile:
            return Owner(
                nsid=nsid, username=f"{name}{HOSTILE_TEXT}", realname=HOSTILE_TITLE, path_alias=None
            )
        return Owner(nsid=nsid, username=name, realname=name.title(), path_alias=name)

    return PeopleOnFlickr(
        uploader=person("12345678@N01", "harbourarchive"),
        tagger=person("23456789@N02", "tagalong"),
        commenter=person("34567890@N03", "chatty"),
        faver=person("45678901@N04", "fan"),
    )


def _text(plain: str, hostile: bool) -> str:
    return f"{plain} {HOSTILE_TEXT}" if hostile else plain


def _photo_record(index: int, photo_id: str, people: PeopleOnFlickr, hostile: bool) -> PhotoRecord:
    uploaded = datetime(2019, 5, 1, 12, 0, tzinfo=UTC) + timedelta(days=index)
    owner = people.uploader
    tags = (
        Tag(owner.nsid, owner.username, "Harbour", "harbour", False),
        Tag(
            people.tagger.nsid,
            people.tagger.username,
            _text(f"Boat {index % 2}", hostile),
            _text(f"boat{index % 2}", hostile),
            False,
        ),
        Tag(owner.nsid, owner.username, "dc:year=1910", "dc:year=1910", True),
    )
    notes = (
        (
            Note(
                f"7215{index}",
                people.tagger.nsid,
                people.tagger.username,
                None,
                _text("A crane on the quay", hostile),
                10,
                12,
                30,
                20,
            ),
        )
        if index % 2 == 0
        else ()
    )
    comments = tuple(
        Comment(
            id=f"{photo_id}-c{number}",
            author_nsid=people.commenter.nsid,
            author_name=people.commenter.username,
            author_realname=people.commenter.realname,
            author_path_alias=people.commenter.path_alias,
            author_is_deleted=False,
            text=(
                '<a href="javascript:alert(1)">look</a> ' + HOSTILE_TEXT
                if hostile
                else f"Lovely light, number {number}."
            ),
            date=uploaded + timedelta(hours=number + 1),
            permalink=f"https://www.flickr.com/photos/harbourarchive/{photo_id}/#comment{number}",
        )
        for number in range(index % 3)
    )
    favorites = tuple(
        Favorite(
            people.faver.nsid,
            people.faver.username,
            people.faver.realname,
            uploaded + timedelta(days=number + 1),
        )
        for number in range(1 if index % 2 else 0)
    )
    info = PhotoInfo(
        id=photo_id,
        secret="abcdef1234",
        server="65535",
        original_secret="0123abcd",
        original_format="png" if index == 1 else "jpg",
        title=HOSTILE_TITLE if hostile else f"Harbour view {index + 1}",
        description=_text(
            f"The harbour seen from the <b>{VANTAGE_POINTS[index % 5]}</b>.", hostile
        ),
        owner=owner,
        date_uploaded=uploaded,
        date_taken=(
            DateTaken(value=datetime(1900 + index, 6, 1), granularity="circa")
            if index % 4 != 3
            else None
        ),
        last_update=uploaded + timedelta(days=30),
        licence_id=LICENCES[index % len(LICENCES)],
        safety_level="safe",
        visibility="public",
        media="photo",
        views=100 * (index + 1),
        comment_count=len(comments),
        tags=tags,
        notes=notes,
        has_people=index == 0,
        location=(
            Location(
                latitude=51.5,
                longitude=-0.12,
                accuracy=16,
                context=0,
                locality=_text("London", hostile),
                country="United Kingdom",
            )
            if index == 0
            else None
        ),
        usage=Usage(can_download=True, can_blog=True, can_print=True, can_share=True),
        url=f"https://www.flickr.com/photos/harbourarchive/{photo_id}/",
    )
    return PhotoRecord(
        info=info,
        albums=(AlbumRef("72157600000000001", _text("Harbours", hostile), 40, 2, 900),),
        galleries=(
            (
                GalleryRef(
                    id="72157700000000001",
                    url="https://www.flickr.com/photos/fan/galleries/72157700000000001/",
                    title=_text("Ships and quays", hostile),
                    description=_text("Chosen by a fan", hostile),
                    owner_nsid=people.faver.nsid,
                    owner_username=people.faver.username,
                    date_created=uploaded,
                    date_updated=uploaded,
                    count_photos=12,
                    count_videos=0,
                    count_views=345,
                    count_comments=0,
                ),
            )
            if index % 2 == 0
            else ()
        ),
        groups=(GroupRef("34427469792@N01", _text("Old Ports", hostile), None, 1500, 42000),),
        licence_history=(
            (LicenceChange(uploaded + timedelta(days=3), "all-rights-reserved", "cc-by-2.0"),)
            if index == 0
            else ()
        ),
        exif=(ExifTag("IFD0", "Make", "Make", "Kodak", None),),
        exif_hidden=False,
        comments=comments,
        favorites=favorites,
        count_faves=len(favorites),
        people=(
            (
                PersonInPhoto(
                    people.tagger.nsid,
                    people.tagger.username,
                    None,
                    None,
                    owner.nsid,
                    False,
                    5,
                    5,
                    20,
                    20,
                ),
            )
            if index == 0
            else ()
        ),
        original=None,
        best_file=None,
        thumbnail=None,
        retrieved_at=BUILT_AT - timedelta(days=1),
    )


def _store_image(
    storage: Path, relative: str, size: tuple[int, int], colour: tuple[int, ...], image_format: str
) -> StoredFile:
    buffer = io.BytesIO()
    Image.new("RGB", size, colour).save(buffer, format=image_format)
    content = buffer.getvalue()
    path = storage / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    extension = "jpg" if image_format == "JPEG" else image_format.lower()
    return StoredFile(
        path_in_storage=relative,
        size=len(content),
        sha512=hashlib.sha512(content).hexdigest(),
        width=size[0],
        height=size[1],
        content_type=f"image/{'jpeg' if extension == 'jpg' else extension}",
        extension=extension,
    )


def sample_lifeboat(*, hostile: bool = False, slug: str = "harbours-of-europe") -> PackageLifeboat:
    return PackageLifeboat(
        id=LIFEBOAT_ID,
        slug=slug,
        name=_text("Harbours of Europe", hostile),
        purpose=_text("Keep the harbour photographs of the archive's Flickr account.", hostile),
        readme=ReadmeAnswers(
            selection=HOSTILE_MARKDOWN if hostile else "Every *harbour* photo we posted.",
            future=HOSTILE_MARKDOWN if hostile else "Dates before 1920 are **estimates**.",
            usage="" if hostile else "Follow each photo's licence.",
        ),
        created_at=CREATED_AT,
        creator=PackageCreator(
            organisation=_text("Harbour Archive", hostile), user=_text("Ada Archivist", hostile)
        ),
        agreement=PackageAgreement(
            version="2026-1",
            signed_at=datetime(2026, 1, 10, 11, 0, tzinfo=UTC),
            approved_at=datetime(2026, 1, 12, 15, 30, tzinfo=UTC),
            text_markdown=HOSTILE_MARKDOWN if hostile else "# Agreement\n\nWe keep it *safe*.",
            signed_by=_text("Ada Archivist", hostile),
        ),
        contact_name=_text("Ada Archivist", hostile),
        contact_email="ada@harbour.example",
        software=PackageSoftware(name="Data Lifeboat Portal", version="0.1.0"),
        built_at=BUILT_AT,
    )


def sample_package_inputs(tmp_path: Path, photos: int = 5, hostile: bool = False) -> SampleInputs:
    """Everything `write_package` needs for a lifeboat of `photos` photos (see module doc)."""
    storage = tmp_path / "storage"
    people = _people(hostile)
    package_photos = []
    records = []
    for index in range(photos):
        photo_id = str(FIRST_PHOTO_ID + index)
        record = _photo_record(index, photo_id, people, hostile)
        colour = (40 * index % 256, 120, 200 - 20 * index % 200)
        image_format = "PNG" if index == 1 else "JPEG"
        extension = "png" if index == 1 else "jpg"
        original = _store_image(
            storage,
            f"work/{LIFEBOAT_ID}/originals/{photo_id}.{extension}",
            (64 + index, 48),
            colour,
            image_format,
        )
        thumbnail = _store_image(
            storage, f"work/{LIFEBOAT_ID}/thumbnails/{photo_id}.jpg", (32, 24), colour, "JPEG"
        )
        consent = (
            PhotoConsent(
                required=True, status="granted", decided_at=datetime(2026, 3, 5, 8, 0, tzinfo=UTC)
            )
            if record.info.licence_id == "all-rights-reserved"
            else PhotoConsent()
        )
        records.append(record)
        package_photos.append(
            PackagePhoto(
                photo=photo_record_to_package_dict(record),
                original=original,
                thumbnail=thumbnail,
                consent=consent,
                context=photo_context_from_record(record),
            )
        )

    def open_file(path: str) -> IO[bytes]:
        return (storage / path).open("rb")

    return SampleInputs(
        lifeboat=sample_lifeboat(hostile=hostile),
        photos=package_photos,
        excluded=[dict(entry) for entry in EXCLUDED],
        open_file=open_file,
        storage=storage,
        records=records,
    )


def write_sample_package(
    tmp_path: Path, photos: int = 5, hostile: bool = False
) -> tuple[Path, PackageResult]:
    """Write the sample package to `tmp_path / "<slug>.zip"`; (zip path, result)."""
    inputs = sample_package_inputs(tmp_path, photos=photos, hostile=hostile)
    zip_path = tmp_path / f"{inputs.lifeboat.slug}.zip"
    with zip_path.open("wb") as out:
        result = inputs.write(out)
    return zip_path, result


def unzip_package(zip_path: Path, destination: Path) -> Path:
    """Extract a package and return its one top-level folder (the bag)."""
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(destination)
        roots = {name.split("/", 1)[0] for name in archive.namelist()}
    (root,) = roots
    return destination / root


def photo_ids(inputs: SampleInputs) -> list[str]:
    return [str(photo.photo["id"]) for photo in inputs.photos]


def any_photo(inputs: SampleInputs) -> dict[str, Any]:
    return dict(inputs.photos[0].photo)
