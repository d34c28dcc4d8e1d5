"""Time to first render of the offline viewer (data/viewer/index.html) for a large lifeboat.

    python bench/viewer_first_render.py [--photos 10000] [--runs 5] [--keep DIR]
    python bench/viewer_first_render.py --bag DIR   # measure an unzipped package again

Writes a package of N photos with the project's package writer (`lifeboats.package`), unzips
it, opens `data/viewer/index.html` from file:// in headless Chromium (Debian's
/usr/bin/chromium, driven by Playwright) and reads the performance marks the viewer sets:

* `viewer:scripts-loaded` the metadata scripts and the viewer's are loaded and parsed;
* `viewer:data-ready`    the metadata scripts are parsed and the catalogue is built;
* `viewer:grid-rendered` the first page of the grid is in the document;
* `viewer:first-paint`   the frame after it has been painted (the figure reported).

All are milliseconds from the start of navigation (`performance.timeOrigin`). Each run uses a
fresh browser context, so nothing is cached between runs; the median of the runs is printed,
with the time `photo.html` takes to show one photo (mark `viewer:photo-shown`).

The photos are generated, metadata only: realistic `photo` objects (titles, descriptions,
3-6 tags from a vocabulary of 400, 17 licences, 120 photographers, 40 albums, 15 galleries,
25 groups, comments, notes, faves, EXIF), no original files, and one tiny 75x75 JPEG stored
once and written as every photo's thumbnail. The viewer's work (parsing the indexes,
filtering, laying out 100 cells) is the same as for a real package; decoding real thumbnails
is not measured, since they load lazily after the first paint.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import os
import random
import statistics
import sys
import tempfile
import time
import uuid
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
os.environ.setdefault("DEBUG", "1")

import django

django.setup()

from PIL import Image  # noqa: E402

from flickr.licenses import LICENCES_BY_ID  # noqa: E402
from lifeboats.package import (  # noqa: E402
    PackageAgreement,
    PackageCreator,
    PackageLifeboat,
    PackagePhoto,
    ReadmeAnswers,
    StoredFile,
    write_package,
)
from lifeboats.package.metadata import PhotoContext  # noqa: E402

CHROMIUM = "/usr/bin/chromium"
FIRST_ID = 40_000_000_000
WORDS = [
    *("harbour", "quay", "ship", "steam", "sail", "dock", "crane", "river", "bridge", "street"),
    *("market", "church", "school", "farm", "horse", "cart", "tram", "station", "factory"),
    *("mill", "lighthouse", "beach", "pier", "crew", "portrait", "family", "wedding", "parade"),
    *("war", "soldier", "nurse", "garden", "castle", "village", "city", "winter", "summer"),
    *("snow", "flood", "fire"),
]


def tiny_jpeg() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (75, 75), (120, 140, 160)).save(buffer, format="JPEG", quality=60)
    return buffer.getvalue()


def generated_photo(index: int, rng: random.Random, licences: list[str]) -> dict[str, Any]:
    photo_id = str(FIRST_ID + index * 7)
    owner = f"{10_000_000 + index % 120}@N0{index % 8}"
    uploaded = datetime(2008, 1, 1, tzinfo=UTC) + timedelta(hours=index * 5)
    year = 1860 + rng.randrange(150)
    tags = rng.sample(range(400), rng.randint(3, 6))
    words = rng.sample(WORDS, 3)
    return {
        "id": photo_id,
        "url": f"https://www.flickr.com/photos/{owner}/{photo_id}/",
        "title": f"{words[0].title()} and {words[1]}, {year}" if index % 17 else "",
        "description": f"A {words[2]} seen from the {words[0]}. " * rng.randint(1, 5),
        "uploaderId": owner,
        "licenseId": licences[index % len(licences)],
        "licenseHistory": [],
        "dateTaken": {
            "value": f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T00:00:00",
            "granularity": rng.choice(["second", "month", "year", "circa"]),
        },
        "dateUploaded": uploaded.strftime("%Y-%m-%dT%H:%M:%SZ"),
        "location": None,
        "tags": [
            {
                "authorId": owner,
                "rawValue": f"{WORDS[tag % len(WORDS)]} {tag}",
                "normalizedValue": f"{WORDS[tag % len(WORDS)]}{tag}",
                "isMachineTag": False,
            }
            for tag in tags
        ],
        "notes": [],
        "people": [],
        "comments": [
            {
                "id": f"{photo_id}-{number}",
                "authorId": f"{20_000_000 + number}@N01",
                "text": "What a view!",
                "date": (uploaded + timedelta(days=number)).strftime("%Y-%m-%dT%H:%M:%SZ"),
                "permalink": f"https://www.flickr.com/photos/{owner}/{photo_id}/#c{number}",
            }
            for number in range(index % 3)
        ],
        "favorites": [],
        "countFaves": index % 11,
        "countViews": rng.randrange(20_000),
        "countComments": index % 3,
        "albumIds": [str(72_157_000_000_000 + index % 40)],
        "galleryIds": [str(72_157_700_000_000 + index % 15)] if index % 4 == 0 else [],
        "groupIds": [f"{30_000 + index % 25}@N22"] if index % 3 == 0 else [],
        "safetyLevel": "safe",
        "visibility": "public",
        "originalFormat": "jpg",
        "mediaType": "photo",
        "exif": [
            {"tagspace": "IFD0", "tag": "Make", "label": "Make", "raw": "Kodak", "clean": None}
        ],
        "retrievedAt": "2026-11-01T12:00:00Z",
    }


def context_for(photo: dict[str, Any]) -> PhotoContext:
    owner = photo["uploaderId"]
    return PhotoContext(
        contributors={owner: {"username": f"user{owner[:8]}", "realname": None, "pathAlias": None}},
        albums={
            album: {
                "title": f"Album {album[-2:]}",
                "ownerId": owner,
                "countPhotos": 250,
                "countViews": 1000,
            }
            for album in photo["albumIds"]
        },
        galleries={
            gallery: {
                "title": f"Gallery {gallery[-2:]}",
                "description": None,
                "ownerId": owner,
                "countPhotos": 600,
                "countViews": 900,
            }
            for gallery in photo["galleryIds"]
        },
        groups={group: {"name": f"Group {group[:5]}"} for group in photo["groupIds"]},
    )


def write_large_package(directory: Path, photos: int) -> Path:
    """Write and unzip a package of `photos` generated photos; the bag folder."""
    rng = random.Random(1)
    thumbnail_bytes = tiny_jpeg()
    (directory / "thumbnail.jpg").write_bytes(thumbnail_bytes)
    thumbnail = StoredFile(
        path_in_storage="thumbnail.jpg",
        size=len(thumbnail_bytes),
        sha512=hashlib.sha512(thumbnail_bytes).hexdigest(),
        width=75,
        height=75,
        content_type="image/jpeg",
        extension="jpg",
    )
    licences = sorted(LICENCES_BY_ID)

    def items():
        for index in range(photos):
            photo = generated_photo(index, rng, licences)
            yield PackagePhoto(
                photo=photo, original=None, thumbnail=thumbnail, context=context_for(photo)
            )

    now = datetime(2026, 11, 27, tzinfo=UTC)
    lifeboat = PackageLifeboat(
        id=uuid.UUID(int=photos),
        slug="viewer-benchmark",
        name=f"Viewer benchmark, {photos:,} photos",
        purpose="Measure how quickly the offline viewer shows a large lifeboat.",
        readme=ReadmeAnswers(selection="Generated photos.", future="None of this is real."),
        created_at=now,
        creator=PackageCreator(organisation="Benchmark Archive", user="bench"),
        agreement=PackageAgreement(version="1", signed_at=now, approved_at=now, text_markdown="-"),
        contact_name="Bench",
        contact_email="bench@example.org",
        built_at=now,
    )
    zip_path = directory / "package.zip"
    with zip_path.open("wb") as out:
        write_package(
            lifeboat,
            items(),
            excluded=[],
            open_file=lambda path: (directory / path).open("rb"),
            out=out,
        )
    with zipfile.ZipFile(zip_path) as archive:
        archive.extractall(directory / "unzipped")
    return directory / "unzipped" / lifeboat.slug


MARKS_JS = """() => {
  const mark = name => {
    const entry = performance.getEntriesByName(name)[0];
    return entry ? entry.startTime : null;
  };
  const paint = performance.getEntriesByName("first-contentful-paint")[0];
  return {
    scriptsLoaded: mark("viewer:scripts-loaded"),
    dataReady: mark("viewer:data-ready"),
    gridRendered: mark("viewer:grid-rendered"),
    firstPaint: mark("viewer:first-paint"),
    firstContentfulPaint: paint ? paint.startTime : null,
    cells: document.querySelectorAll("#grid .cell").length,
  };
}"""

PHOTO_JS = """() => performance.getEntriesByName("viewer:photo-shown")[0].startTime"""


def measure(bag: Path, runs: int) -> dict[str, list[float]]:
    from playwright.sync_api import sync_playwright

    index_url = (bag / "data" / "viewer" / "index.html").as_uri()
    first_photo = (bag / "data" / "viewer" / "photo.html").as_uri() + f"?id={FIRST_ID}"
    keys = ("scriptsLoaded", "dataReady", "gridRendered", "firstPaint", "firstContentfulPaint")
    figures: dict[str, list[float]] = {key: [] for key in (*keys, "photoPage")}
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"],
        )  # fmt: skip
        for _ in range(runs):
            context = browser.new_context(viewport={"width": 1280, "height": 900})
            page = context.new_page()
            page.goto(index_url)
            page.wait_for_selector("html[data-viewer-ready]", state="attached", timeout=60_000)
            marks = page.evaluate(MARKS_JS)
            if marks["cells"] == 0:
                raise SystemExit("The grid rendered no cells: the package or viewer is broken")
            for key in keys:
                figures[key].append(marks[key])
            page.goto(first_photo)
            page.wait_for_selector("html[data-viewer-ready]", state="attached", timeout=60_000)
            figures["photoPage"].append(page.evaluate(PHOTO_JS))
            context.close()
        browser.close()
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--photos", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, help="write the package here and keep it")
    parser.add_argument("--bag", type=Path, help="measure this unzipped package instead")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as temporary:
        started = time.perf_counter()
        if args.bag:
            bag = args.bag
        else:
            directory = args.keep or Path(temporary)
            directory.mkdir(parents=True, exist_ok=True)
            bag = write_large_package(directory, args.photos)
            print(f"package written in {time.perf_counter() - started:.1f} s: {bag}")
        metadata = bag / "data" / "metadata"
        index_size = (metadata / "photoIndex.js").stat().st_size
        photos = index_size and len(list((metadata / "photos").iterdir()))
        figures = measure(bag, args.runs)

    print(f"package: {photos:,} photos; photoIndex.js {index_size / 1e6:.1f} MB")
    print(f"runs: {args.runs} (median, then min-max), milliseconds from navigation start")
    labels = {
        "scriptsLoaded": "metadata scripts loaded and parsed",
        "dataReady": "indexes parsed, catalogue built",
        "gridRendered": "first page of the grid in the document",
        "firstPaint": "first grid frame painted (time to first render)",
        "firstContentfulPaint": "browser's first contentful paint",
        "photoPage": "photo.html: the photo and its metadata shown",
    }
    for key, label in labels.items():
        values = figures[key]
        print(f"  {label:<50} {statistics.median(values):8.0f}   "
              f"({min(values):.0f}-{max(values):.0f})")  # fmt: skip


if __name__ == "__main__":
    main()
