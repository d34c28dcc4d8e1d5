"""The package writer (DESIGN 5.5): layout, BagIt validity, metadata shapes, safety, streaming.

No database: the writer takes plain data. Packages are built from `package_data`.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import bagit
import pytest
import zipstream.ng

from flickr.photo_record import PACKAGE_PHOTO_KEYS
from lifeboats.package import (
    PackageError,
    PhotoContext,
    StoredFile,
    read_js_file,
    write_package,
)
from lifeboats.package.writer import VIEWER_DIR, viewer_files
from tests.lifeboats.package_data import (
    EXCLUDED,
    HOSTILE_TITLE,
    SampleInputs,
    photo_ids,
    sample_package_inputs,
    unzip_package,
    write_sample_package,
)

SLUG = "harbours-of-europe"
METADATA_FILE = re.compile(rb"^const [a-zA-Z]+ = ")
SAFE_ZIP_NAME = re.compile(r"[A-Za-z0-9_-]+(/[A-Za-z0-9_.-]+)+")

LIFEBOAT_KEYS = [
    "id", "name", "purpose", "readme", "createdAt", "creator", "agreement", "photoCount",
    "excluded", "software",
]  # fmt: skip
PHOTO_INDEX_KEYS = [
    "title", "description", "uploaderId", "licenseId", "dateTaken", "dateUploaded", "tags",
    "countComments", "countFaves", "countViews", "visibility", "thumbnail", "metadataPath",
]  # fmt: skip
FILE_KEYS = ["path", "size", "sha512", "width", "height", "contentType"]
CONTRIBUTOR_KEYS = ["username", "realname", "pathAlias", "contributions"]
CONTRIBUTION_KEYS = ["photo", "tag", "comment", "note", "favorite"]
INDEX_FILES = [
    "contributorIndex", "licenseIndex", "tagIndex", "albumIndex", "galleryIndex", "groupIndex",
]  # fmt: skip


@dataclasses.dataclass
class BuiltPackage:
    inputs: SampleInputs
    zip_path: Path
    result: object
    bag: Path

    def data(self, path: str) -> Path:
        return self.bag / "data" / path

    def metadata(self, name: str) -> object:
        return read_js_file(self.data(f"metadata/{name}.js").read_bytes())[1]


def stored(file: StoredFile | None) -> StoredFile:
    assert file is not None
    return file


def build(tmp_path: Path, *, photos: int = 5, hostile: bool = False) -> BuiltPackage:
    inputs = sample_package_inputs(tmp_path, photos=photos, hostile=hostile)
    zip_path = tmp_path / "package.zip"
    with zip_path.open("wb") as out:
        result = inputs.write(out)
    return BuiltPackage(inputs, zip_path, result, unzip_package(zip_path, tmp_path / "unzipped"))


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> BuiltPackage:
    return build(tmp_path_factory.mktemp("package"))


@pytest.fixture(scope="module")
def hostile_package(tmp_path_factory) -> BuiltPackage:
    return build(tmp_path_factory.mktemp("hostile"), hostile=True)


def write_to_bytes(inputs: SampleInputs, *, lifeboat=None, photos=None, open_file=None) -> bytes:
    """Write the package of `inputs`, with any of its parts replaced, into memory."""
    out = io.BytesIO()
    write_package(
        lifeboat or inputs.lifeboat,
        inputs.photos if photos is None else photos,
        excluded=inputs.excluded,
        open_file=open_file or inputs.open_file,
        out=out,
    )
    return out.getvalue()


# --- the bag and the zip ----------------------------------------------------------------------


def test_package_passes_full_bagit_validation(package):
    """The unzipped folder is a BagIt bag that passes full validation (every checksum)."""
    bag = bagit.Bag(str(package.bag))
    bag.validate(fast=False)
    assert bag.version_info == (1, 0)


def test_zip_holds_exactly_one_top_level_folder_named_after_the_slug(package):
    """Every zip entry lives under `<slug>/`."""
    with zipfile.ZipFile(package.zip_path) as archive:
        roots = {name.split("/", 1)[0] for name in archive.namelist()}
    assert roots == {SLUG}


def test_result_sha256_and_size_describe_the_bytes_written(package):
    """The returned SHA-256 and size are those of the zip as written."""
    content = package.zip_path.read_bytes()
    assert package.result.sha256 == hashlib.sha256(content).hexdigest()
    assert package.result.size == len(content)


def test_result_counts_files_and_payload(package):
    """file_count is every zip entry; payload_oxum matches bag-info.txt and the data folder."""
    with zipfile.ZipFile(package.zip_path) as archive:
        assert package.result.file_count == len(archive.namelist())
    payload = [path for path in package.data("").rglob("*") if path.is_file()]
    octets = sum(path.stat().st_size for path in payload)
    assert package.result.payload_oxum == f"{octets}.{len(payload)}"
    assert f"Payload-Oxum: {octets}.{len(payload)}" in (package.bag / "bag-info.txt").read_text()


def test_entries_are_stored_not_deflated(package):
    """Photos do not compress: every entry is ZIP_STORED."""
    with zipfile.ZipFile(package.zip_path) as archive:
        assert {info.compress_type for info in archive.infolist()} == {zipfile.ZIP_STORED}


def test_layout_is_exactly_the_design(package):
    """The bag holds the tag files and exactly the data/ files of DESIGN 5.5."""
    ids = photo_ids(package.inputs)
    extensions = {str(p.photo["id"]): p.original.extension for p in package.inputs.photos}
    expected = {
        "bagit.txt", "bag-info.txt", "manifest-sha512.txt", "tagmanifest-sha512.txt",
        "data/README.html", "data/legal/agreement.html", "data/metadata/lifeboat.js",
        "data/metadata/photoIndex.js",
        *(f"data/metadata/{name}.js" for name in INDEX_FILES),
        *(f"data/metadata/photos/{photo_id}.js" for photo_id in ids),
        *(f"data/media/originals/{photo_id}.{extensions[photo_id]}" for photo_id in ids),
        *(f"data/media/thumbnails/{photo_id}.jpg" for photo_id in ids),
        *(f"data/{path}" for path, _ in viewer_files()),
    }  # fmt: skip
    found = {path.relative_to(package.bag).as_posix() for path in package.bag.rglob("*")}
    assert {path for path in found if (package.bag / path).is_file()} == expected


def test_every_viewer_file_is_shipped(package):
    """Each file of lifeboats/package/viewer/ is copied unchanged under data/viewer/."""
    shipped = viewer_files()
    assert {path for path, _ in shipped} >= {
        f"viewer/{name}" for name in ("index.html", "photo.html", "data.html")
        if (VIEWER_DIR / name).exists()
    }  # fmt: skip
    for path, source in shipped:
        assert package.data(path).read_bytes() == source.read_bytes()


def test_bag_info_has_the_design_fields(package):
    """bag-info.txt names the organisation, contact, purpose, identifier, date and sizes."""
    info = bagit.Bag(str(package.bag)).info
    assert info["Source-Organization"] == "Harbour Archive"
    assert info["Contact-Name"] == "Ada Archivist"
    assert info["Contact-Email"] == "ada@harbour.example"
    assert info["External-Description"] == package.inputs.lifeboat.purpose
    assert info["External-Identifier"] == f"urn:uuid:{package.inputs.lifeboat.id}"
    assert info["Bagging-Date"] == "2026-03-20"
    assert re.fullmatch(r"\d+\.\d+", info["Payload-Oxum"])
    assert info["Bag-Size"].endswith("KB")


def test_a_multi_line_purpose_stays_one_bag_info_value(tmp_path):
    """Line breaks in the purpose cannot start a new bag-info.txt label."""
    inputs = sample_package_inputs(tmp_path, photos=1)
    lifeboat = dataclasses.replace(inputs.lifeboat, purpose="Why:\nPayload-Oxum: 1.1\n\tmore")
    zip_path = tmp_path / "multi-line.zip"
    zip_path.write_bytes(write_to_bytes(inputs, lifeboat=lifeboat))
    bag = bagit.Bag(str(unzip_package(zip_path, tmp_path / "out")))
    bag.validate()
    assert bag.info["External-Description"] == "Why: Payload-Oxum: 1.1 more"


def test_tag_manifest_covers_every_tag_file(package):
    """tagmanifest-sha512.txt lists bagit.txt, bag-info.txt and manifest-sha512.txt."""
    lines = (package.bag / "tagmanifest-sha512.txt").read_text().splitlines()
    assert sorted(line.split(" ", 1)[1] for line in lines) == [
        "bag-info.txt",
        "bagit.txt",
        "manifest-sha512.txt",
    ]


def test_media_digests_come_from_the_stored_records_not_from_rereading(tmp_path):
    """The manifest trusts the stored SHA-512: a wrong recorded digest makes the bag fail."""
    inputs = sample_package_inputs(tmp_path, photos=2)
    first = inputs.photos[0]
    wrong = dataclasses.replace(stored(first.original), sha512="0" * 128)
    inputs.photos[0] = dataclasses.replace(first, original=wrong)
    zip_path = tmp_path / "wrong.zip"
    zip_path.write_bytes(write_to_bytes(inputs))
    bag = bagit.Bag(str(unzip_package(zip_path, tmp_path / "out")))
    with pytest.raises(bagit.BagValidationError):
        bag.validate()


def test_media_are_copied_byte_for_byte(package):
    """Originals and thumbnails in the package are the stored files, unchanged."""
    for item in package.inputs.photos:
        photo_id = item.photo["id"]
        original = package.data(f"media/originals/{photo_id}.{item.original.extension}")
        stored = package.inputs.storage / item.original.path_in_storage
        assert original.read_bytes() == stored.read_bytes()
        thumbnail = package.data(f"media/thumbnails/{photo_id}.jpg")
        assert (
            thumbnail.read_bytes()
            == (package.inputs.storage / item.thumbnail.path_in_storage).read_bytes()
        )


# --- metadata files ---------------------------------------------------------------------------


def test_every_metadata_file_is_a_const_declaration_of_json(package):
    """Each metadata/*.js is `const <name> = <JSON>;` and parses after stripping the wrapper."""
    files = sorted(package.data("metadata").rglob("*.js"))
    assert len(files) == 8 + len(package.inputs.photos)
    for file in files:
        content = file.read_bytes()
        assert METADATA_FILE.match(content), file
        body = content[content.index(b"=") + 1 :].strip()
        assert body.endswith(b";")
        json.loads(body[:-1])


def test_metadata_file_names_match_their_constants(package):
    """lifeboat.js declares `lifeboat`, photos/<id>.js declare `photo`, and so on."""
    for name in ["lifeboat", "photoIndex", *INDEX_FILES]:
        assert read_js_file(package.data(f"metadata/{name}.js").read_bytes())[0] == name
    for photo_id in photo_ids(package.inputs):
        content = package.data(f"metadata/photos/{photo_id}.js").read_bytes()
        assert read_js_file(content)[0] == "photo"


def test_lifeboat_object_has_exactly_the_design_keys(package):
    """lifeboat.js carries DESIGN 5.5's keys, its counts and the excluded photos."""
    lifeboat = package.metadata("lifeboat")
    assert list(lifeboat) == LIFEBOAT_KEYS
    assert list(lifeboat["readme"]) == ["selection", "future", "usage"]
    assert list(lifeboat["creator"]) == ["organisation", "user"]
    assert list(lifeboat["agreement"]) == ["version", "signedAt", "approvedAt"]
    assert list(lifeboat["software"]) == ["name", "version"]
    assert lifeboat["id"] == str(package.inputs.lifeboat.id)
    assert lifeboat["photoCount"] == len(package.inputs.photos)
    assert lifeboat["excluded"] == list(EXCLUDED)
    assert lifeboat["createdAt"] == "2026-03-02T09:30:00Z"


def test_photo_index_entries_have_exactly_the_design_keys(package):
    """photoIndex has one entry per photo, in order, with DESIGN 5.5's keys and paths."""
    index = package.metadata("photoIndex")
    assert list(index) == photo_ids(package.inputs)
    for photo_id, entry in index.items():
        assert list(entry) == PHOTO_INDEX_KEYS
        assert list(entry["thumbnail"]) == ["path", "width", "height"]
        assert entry["thumbnail"]["path"] == f"media/thumbnails/{photo_id}.jpg"
        assert entry["metadataPath"] == f"metadata/photos/{photo_id}.js"
        assert package.data(entry["metadataPath"]).is_file()
        assert all(isinstance(tag, str) for tag in entry["tags"])


def test_photo_object_has_exactly_the_design_keys(package):
    """photos/<id>.js is the photo dict plus `files` and `consent`, in DESIGN 5.5's order."""
    expected = [key for key in PACKAGE_PHOTO_KEYS if key != "retrievedAt"]
    expected += ["files", "consent", "retrievedAt"]
    for item in package.inputs.photos:
        photo = read_js_file(package.data(f"metadata/photos/{item.photo['id']}.js").read_bytes())[1]
        assert list(photo) == expected
        assert {key: photo[key] for key in PACKAGE_PHOTO_KEYS} == item.photo
        assert list(photo["files"]) == ["original", "thumbnail"]
        assert list(photo["files"]["original"]) == FILE_KEYS
        assert list(photo["files"]["thumbnail"]) == FILE_KEYS
        assert list(photo["consent"]) == ["required", "status", "decidedAt"]


def test_photo_files_point_at_the_media_with_their_stored_digests(package):
    """files.original/thumbnail give the path (relative to data/), size and stored SHA-512."""
    item = package.inputs.photos[1]
    photo = read_js_file(package.data(f"metadata/photos/{item.photo['id']}.js").read_bytes())[1]
    original = photo["files"]["original"]
    assert original == {
        "path": f"media/originals/{item.photo['id']}.png",
        "size": item.original.size,
        "sha512": item.original.sha512,
        "width": item.original.width,
        "height": item.original.height,
        "contentType": "image/png",
    }
    assert package.data(original["path"]).stat().st_size == original["size"]


def test_consent_decisions_are_recorded_per_photo(package):
    """A photo that needed consent says so, with the answer and its date."""
    consents = {}
    for photo_id in photo_ids(package.inputs):
        content = package.data(f"metadata/photos/{photo_id}.js").read_bytes()
        photo = read_js_file(content)[1]
        consents[photo["licenseId"]] = photo["consent"]
    assert consents["all-rights-reserved"] == {
        "required": True,
        "status": "granted",
        "decidedAt": "2026-03-05T08:00:00Z",
    }
    assert consents["cc-by-2.0"] == {"required": False, "status": "not_required", "decidedAt": None}


def test_contributor_index_counts_every_kind_of_contribution(package):
    """Uploads, tags, comments, notes and faves are counted per NSID, with names."""
    contributors = package.metadata("contributorIndex")
    for entry in contributors.values():
        assert list(entry) == CONTRIBUTOR_KEYS
        assert list(entry["contributions"]) == CONTRIBUTION_KEYS
    assert contributors["12345678@N01"] == {
        "username": "harbourarchive",
        "realname": "Harbourarchive",
        "pathAlias": "harbourarchive",
        "contributions": {"photo": 5, "tag": 10, "comment": 0, "note": 0, "favorite": 0},
    }
    assert contributors["23456789@N02"]["contributions"] == {
        "photo": 0, "tag": 5, "comment": 0, "note": 3, "favorite": 0,
    }  # fmt: skip
    assert contributors["34567890@N03"]["contributions"]["comment"] == 4
    assert contributors["45678901@N04"]["contributions"]["favorite"] == 2


def test_album_gallery_and_group_indices_list_their_photos(package):
    """albumIndex, galleryIndex and groupIndex carry titles and the packaged photo ids."""
    ids = photo_ids(package.inputs)
    albums = package.metadata("albumIndex")
    assert albums == {
        "72157600000000001": {
            "title": "Harbours",
            "ownerId": "12345678@N01",
            "countPhotos": 42,
            "countViews": 900,
            "photoIds": ids,
        }
    }
    gallery = package.metadata("galleryIndex")["72157700000000001"]
    assert list(gallery) == [
        "title", "description", "ownerId", "countPhotos", "countViews", "photoIds",
    ]  # fmt: skip
    assert gallery["photoIds"] == ids[0::2]
    assert package.metadata("groupIndex") == {
        "34427469792@N01": {"name": "Old Ports", "photoIds": ids}
    }


def test_licence_index_labels_every_licence_including_unknown_ones(package):
    """licenseIndex maps ids to {label, url}; an unknown Flickr licence gets a label too."""
    licences = package.metadata("licenseIndex")
    assert licences["cc-by-2.0"] == {
        "label": "CC BY 2.0",
        "url": "https://creativecommons.org/licenses/by/2.0/",
    }
    assert licences["unknown-42"] == {"label": "Unknown licence (unknown-42)", "url": None}
    assert all(list(entry) == ["label", "url"] for entry in licences.values())


def test_tag_index_counts_photos_per_normalised_tag(package):
    """tagIndex maps each normalised tag to the number of photos carrying it."""
    assert package.metadata("tagIndex") == {
        "dc:year=1910": 5,
        "harbour": 5,
        "boat0": 3,
        "boat1": 2,
    }


def test_photo_context_survives_a_round_trip_through_json():
    """The builder can keep a PhotoContext in a JSON field and get the same one back."""
    context = PhotoContext(
        contributors={"1@N01": {"username": "a", "realname": None, "pathAlias": None}},
        albums={"7": {"title": "t", "ownerId": "1@N01", "countPhotos": 1, "countViews": 2}},
        groups={"9@N01": {"name": "g"}},
    )
    assert PhotoContext.from_json(json.loads(json.dumps(context.to_json()))) == context


# --- README and agreement ---------------------------------------------------------------------


def test_readme_tells_how_to_open_the_lifeboat(package):
    """README.html links to the viewer and the agreement and says no internet is needed."""
    readme = package.data("README.html").read_text()
    assert 'href="viewer/index.html"' in readme
    assert 'href="legal/agreement.html"' in readme
    assert "no internet connection" in readme
    assert "BagIt" in readme


def test_readme_shows_purpose_creator_dates_and_answers(package):
    """README.html has the purpose, the creator, both dates and the rendered answers."""
    readme = package.data("README.html").read_text()
    assert "Keep the harbour photographs of the archive&#x27;s Flickr account." in readme
    assert "Ada Archivist, Harbour Archive" in readme
    assert "2 March 2026, 09:30 UTC" in readme
    assert "20 March 2026, 16:45 UTC" in readme
    assert "Every <em>harbour</em> photo we posted." in readme


def test_readme_summarises_rights_and_consent(package):
    """README.html counts photos by licence (with labels) and by consent status."""
    readme = package.data("README.html").read_text()
    assert '<a href="https://creativecommons.org/licenses/by/2.0/">CC BY 2.0</a>' in readme
    assert "Unknown licence (unknown-42)" in readme
    assert 'The photographer gave consent</td><td class="count">1</td>' in readme


def test_readme_lists_excluded_photos_with_reasons_in_words(package):
    """Every excluded photo is listed with its reason in plain words."""
    readme = package.data("README.html").read_text()
    assert "3 photos left out" in readme
    assert ">53099999991</a></td><td>Deleted or made private on Flickr" in readme
    assert "The photographer refused consent." in readme
    assert "The photographer has opted out of Data Lifeboats." in readme


def test_agreement_page_has_version_dates_and_rendered_text(package):
    """legal/agreement.html shows the version, signing and approval dates, and the text."""
    page = package.data("legal/agreement.html").read_text()
    assert "version 2026-1" in page
    assert "10 January 2026, 11:00 UTC" in page
    assert "12 January 2026, 15:30 UTC" in page
    assert "<h1>Agreement</h1>" in page
    assert "<em>safe</em>" in page


# --- hostile input ----------------------------------------------------------------------------


class ElementCollector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str | None]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes.extend(attrs)


@pytest.mark.parametrize("page", ["README.html", "legal/agreement.html"])
def test_hostile_text_is_inert_in_the_html_pages(hostile_package, page):
    """Markup in names, answers and the agreement is escaped or sanitised: no script, no
    event handler, no javascript: link, no image or frame."""
    collector = ElementCollector()
    collector.feed(hostile_package.data(page).read_text())
    assert not collector.tags & {"script", "img", "iframe", "object", "embed"}
    assert not [name for name, _ in collector.attributes if name.startswith("on")]
    links = [value or "" for name, value in collector.attributes if name in {"href", "src"}]
    assert not [link for link in links if link.strip().lower().startswith("javascript:")]


def test_hostile_titles_never_reach_package_paths(hostile_package):
    """Zip entry names come from the slug, numeric ids and fixed names only."""
    with zipfile.ZipFile(hostile_package.zip_path) as archive:
        names = archive.namelist()
    assert all(SAFE_ZIP_NAME.fullmatch(name) for name in names), names
    assert not [name for name in names if ".." in name.split("/")]


def test_hostile_text_cannot_close_the_script_that_loads_a_metadata_file(hostile_package):
    """No `<` reaches a metadata file, yet the parsed value is the original text."""
    for file in hostile_package.data("metadata").rglob("*.js"):
        assert b"<" not in file.read_bytes(), file
    photo_id = photo_ids(hostile_package.inputs)[0]
    photo = read_js_file(hostile_package.data(f"metadata/photos/{photo_id}.js").read_bytes())[1]
    assert photo["title"] == HOSTILE_TITLE


def test_hostile_package_is_still_a_valid_bag(hostile_package):
    """Hostile text changes nothing about the bag's validity."""
    bagit.Bag(str(hostile_package.bag)).validate()


# --- refused inputs ---------------------------------------------------------------------------


@pytest.mark.parametrize("bad_id", ["../../etc/passwd", "123abc", "١٢٣", "", "12 3", 123])
def test_a_photo_id_that_is_not_ascii_digits_is_refused(tmp_path, bad_id):
    """Package paths are built from photo ids, so only ASCII digits are accepted."""
    inputs = sample_package_inputs(tmp_path, photos=1)
    photo = dataclasses.replace(inputs.photos[0], photo={**inputs.photos[0].photo, "id": bad_id})
    with pytest.raises(PackageError, match=re.escape(repr(bad_id))):
        write_to_bytes(inputs, photos=[photo])


def test_an_excluded_photo_id_that_is_not_ascii_digits_is_refused(tmp_path):
    """Excluded ids are checked the same way, before anything is written."""
    inputs = sample_package_inputs(tmp_path, photos=1)
    out = io.BytesIO()
    with pytest.raises(PackageError, match="photoId"):
        write_package(
            inputs.lifeboat,
            inputs.photos,
            excluded=[{"photoId": "<b>1</b>", "reason": "not_found"}],
            open_file=inputs.open_file,
            out=out,
        )
    assert out.getvalue() == b""


@pytest.mark.parametrize("bad_slug", ["../escape", "with space", "", "-leading", "é"])
def test_a_slug_that_cannot_name_a_folder_is_refused(tmp_path, bad_slug):
    """The slug names the package folder: only ASCII letters, digits, '-' and '_'."""
    inputs = sample_package_inputs(tmp_path, photos=1)
    lifeboat = dataclasses.replace(inputs.lifeboat, slug=bad_slug)
    with pytest.raises(PackageError, match="slug"):
        write_to_bytes(inputs, lifeboat=lifeboat)


def test_a_photo_listed_twice_is_refused(tmp_path):
    """The same photo cannot go into one package twice."""
    inputs = sample_package_inputs(tmp_path, photos=1)
    with pytest.raises(PackageError, match="listed twice"):
        write_to_bytes(inputs, photos=[inputs.photos[0], inputs.photos[0]])


def test_a_photo_dict_of_the_wrong_shape_is_refused(tmp_path):
    """A photo dict that already has `files`, or lacks a key, is named in the error."""
    inputs = sample_package_inputs(tmp_path, photos=1)
    item = inputs.photos[0]
    with_files = dataclasses.replace(item, photo={**item.photo, "files": {}})
    with pytest.raises(PackageError, match="unexpected \\['files'\\]"):
        write_to_bytes(inputs, photos=[with_files])


def test_an_unsafe_media_extension_is_refused(tmp_path):
    """The original's extension becomes part of a path: lower-case letters and digits only."""
    inputs = sample_package_inputs(tmp_path, photos=1)
    item = inputs.photos[0]
    bad = dataclasses.replace(
        item, original=dataclasses.replace(stored(item.original), extension="j/pg")
    )
    with pytest.raises(PackageError, match="extension"):
        write_to_bytes(inputs, photos=[bad])


def test_a_stored_file_shorter_than_recorded_is_refused(tmp_path):
    """A media file whose length differs from its recorded size stops the package."""
    inputs = sample_package_inputs(tmp_path, photos=1)
    item = inputs.photos[0]
    original = stored(item.original)
    longer = dataclasses.replace(original, size=original.size + 10)
    with pytest.raises(PackageError, match="recorded with"):
        write_to_bytes(inputs, photos=[dataclasses.replace(item, original=longer)])


def test_a_photo_without_consent_is_refused(tmp_path):
    """Photos whose consent was refused or never given are excluded, not packaged."""
    inputs = sample_package_inputs(tmp_path, photos=1)
    item = inputs.photos[0]
    pending = dataclasses.replace(item, consent=dataclasses.replace(item.consent, status="pending"))
    with pytest.raises(PackageError, match="'pending'"):
        write_to_bytes(inputs, photos=[pending])


# --- streaming and Zip64 ----------------------------------------------------------------------


def test_photos_are_streamed_from_a_single_pass_iterator(tmp_path):
    """Photos come from a generator, read once; the zip grows while they are still coming."""
    inputs = sample_package_inputs(tmp_path, photos=4)
    out = io.BytesIO()
    sizes_seen = []

    def photos():
        for item in inputs.photos:
            sizes_seen.append(out.tell())
            yield item

    write_package(inputs.lifeboat, photos(), excluded=[], open_file=inputs.open_file, out=out)
    assert 0 < sizes_seen[0] < sizes_seen[1] < sizes_seen[2] < sizes_seen[3]
    assert sizes_seen[3] > sum(stored(item.original).size for item in inputs.photos[:3])


def test_each_media_file_is_opened_once_and_closed(tmp_path):
    """open_file is called once per stored file and every handle is closed."""
    inputs = sample_package_inputs(tmp_path, photos=3)
    opened = []

    def open_file(path):
        handle = inputs.open_file(path)
        opened.append((path, handle))
        return handle

    write_to_bytes(inputs, open_file=open_file)
    assert sorted(path for path, _ in opened) == sorted(
        stored(file).path_in_storage
        for item in inputs.photos
        for file in (item.original, item.thumbnail)
    )
    assert all(handle.closed for _, handle in opened)


def test_an_empty_lifeboat_is_still_a_valid_bag(tmp_path):
    """With every photo excluded, the package is a valid bag listing what was left out."""
    inputs = sample_package_inputs(tmp_path, photos=0)
    zip_path = tmp_path / "empty.zip"
    zip_path.write_bytes(write_to_bytes(inputs))
    bag = unzip_package(zip_path, tmp_path / "out")
    bagit.Bag(str(bag)).validate()
    lifeboat = read_js_file((bag / "data/metadata/lifeboat.js").read_bytes())[1]
    assert lifeboat["photoCount"] == 0
    assert len(lifeboat["excluded"]) == len(EXCLUDED)


def test_zip64_records_are_written_when_sizes_pass_the_limit(tmp_path, monkeypatch):
    """Past the (lowered) Zip64 limit the writer emits Zip64 records, and the bag still
    unzips and validates."""
    monkeypatch.setattr(zipstream.ng, "ZIP64_LIMIT", 2_000)
    zip_path, _ = write_sample_package(tmp_path, photos=3)
    content = zip_path.read_bytes()
    assert b"PK\x06\x06" in content  # Zip64 end of central directory record
    assert b"PK\x06\x07" in content  # and its locator
    bagit.Bag(str(unzip_package(zip_path, tmp_path / "out"))).validate()
