"""Flickr API calls per photo for a sandbox selection, against the floor of DESIGN 9.

    python bench/flickr_calls.py [--photos N] [--seed S] [--selection mix|photostream]
                                 [--workers W]

Starts the Flickr sandbox in this process on a free port, over a world of N photos;
resolves a selection (by default a mix of an album, two galleries, a group pool and a
tag that together cover the world; or the demo archive's photostream); fetches every
photo's full record as a build does (`flickr.photo_record.PhotoRecordFetcher`); then
prints the calls by method as the sandbox counted them, next to:

* the floor of DESIGN 9 for the same photos, from the world's ground truth: the listing
  calls the selection needed + 1 licence table + per photo 5, +1 if it has comments,
  +ceil(faves / 50), +1 if it has people, +1 if the listing cannot name its file (a
  video); a photo deleted or private since it was listed costs the one getInfo that finds
  out;
* a naive per-photo client on the same photos: the same listing and licence table, then
  for every photo the five calls, plus comments, people and sizes whether or not there is
  anything to fetch, and the first page of faves only (so it also misses faves past 50);
  a photo that is gone costs it one call too.

Plain Python: no Django settings are needed. The figures are call counts, so they do not
depend on the machine; the wall time printed is for information only.
"""

from __future__ import annotations

import argparse
import math
import sys
import time
from collections import Counter
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from flickr.client import FlickrClient
from flickr.errors import PhotoNotFound
from flickr.photo_record import PhotoRecordFetcher
from flickr.preflight import summarise
from flickr.sandbox.data import Photo, SandboxWorld
from flickr.sandbox.server import SandboxServer
from flickr.walkers import ListedPhoto, resolve_selection

FAVES_PER_PAGE = 50
ALWAYS_PER_PHOTO = 5  # getInfo, getAllContexts, galleries.getListForPhoto, licence history, EXIF
NAIVE_PER_PHOTO = ALWAYS_PER_PHOTO + 4  # + comments, first faves page, people, sizes


@dataclass(frozen=True)
class Figures:
    photos: int
    unavailable: int
    calls_by_method: dict[str, int]
    listing_calls: int
    floor: int
    naive: int
    preflight_estimate: int
    seconds: float

    @property
    def total(self) -> int:
        return sum(self.calls_by_method.values())


def mix_urls(world: SandboxWorld) -> list[str]:
    """An album, two galleries, a group pool and a tag: together, the whole world."""
    archive = world.archive
    everything = world.albums[0]
    galleries = world.galleries[:2]
    group = world.groups[0]
    return [
        f"https://www.flickr.com/photos/{archive.url_name}/albums/{everything.id}",
        *(f"https://www.flickr.com/photos/{g.owner}/galleries/{g.id}/" for g in galleries),
        group.url,
        "https://www.flickr.com/photos/tags/sandbox/",  # every sandbox photo has this tag
    ]


def photostream_urls(world: SandboxWorld) -> list[str]:
    return [world.archive.photos_url]


SELECTIONS = {"mix": mix_urls, "photostream": photostream_urls}


def floor_calls(world: SandboxWorld, photos: Iterable[Photo]) -> int:
    """The per-photo part of DESIGN 9's floor, from the world's ground truth."""
    total = 0
    for photo in photos:
        if not photo.is_available:
            total += 1
            continue
        total += ALWAYS_PER_PHOTO
        total += photo.comment_count > 0
        total += math.ceil(len(world.faves(photo)) / FAVES_PER_PAGE)
        total += photo.people_count > 0
        total += photo.media == "video"  # a video's file is not among the url_* extras
    return total


def naive_calls(photos: Iterable[Photo]) -> int:
    """The per-photo part of the naive client's calls (see the module docstring)."""
    return sum(NAIVE_PER_PHOTO if photo.is_available else 1 for photo in photos)


def fetch_all(fetcher: PhotoRecordFetcher, photos: Iterable[ListedPhoto], workers: int) -> int:
    """Fetch every record; returns how many photos turned out to be gone."""

    def fetch(listed: ListedPhoto) -> bool:
        try:
            fetcher.fetch(listed)
        except PhotoNotFound:
            return False
        return True

    _ = fetcher.licences  # once, before the threads start
    with ThreadPoolExecutor(max_workers=workers) as pool:
        return sum(not fetched for fetched in pool.map(fetch, photos))


def run(photos: int, seed: int, selection_name: str, workers: int) -> Figures:
    world = SandboxWorld.generate(photos=photos, seed=seed)
    started = time.monotonic()
    with (
        SandboxServer(world) as server,
        FlickrClient(api_key="bench", api_url=server.api_url, max_attempts=1) as client,
    ):
        selection = resolve_selection(client, SELECTIONS[selection_name](world))
        listed = list(selection.photos)
        unavailable = fetch_all(PhotoRecordFetcher(client), listed, workers)
        calls = dict(sorted(server.calls.items()))
    truth = [world.photo(photo.id) for photo in listed]
    missing = [photo.id for photo, known in zip(listed, truth, strict=True) if known is None]
    if missing:
        raise SystemExit(f"The selection holds photos the world does not know: {missing[:5]!r}")
    world_photos = [photo for photo in truth if photo is not None]
    estimate = summarise(listed, rate_per_hour=3600, listing_calls=selection.listing_calls)
    return Figures(
        photos=len(listed),
        unavailable=unavailable,
        calls_by_method=calls,
        listing_calls=selection.listing_calls,
        floor=selection.listing_calls + 1 + floor_calls(world, world_photos),
        naive=selection.listing_calls + 1 + naive_calls(world_photos),
        preflight_estimate=estimate.calls.total,
        seconds=time.monotonic() - started,
    )


def report(figures: Figures, *, photos: int, seed: int, selection: str) -> str:
    width = max(len(method) for method in figures.calls_by_method) + 2
    lines = [
        f"Flickr calls per photo: sandbox of {photos:,} photos, seed {seed}, "
        f"selection {selection!r}, {datetime.now(UTC):%Y-%m-%d}",
        "",
        f"{'method':<{width}}{'calls':>8}{'per photo':>11}",
    ]
    for method, count in Counter(figures.calls_by_method).most_common():
        lines.append(f"{method:<{width}}{count:>8,}{count / figures.photos:>11.3f}")
    total, floor, naive = figures.total, figures.floor, figures.naive
    lines += [
        "",
        f"{'photos in the selection':<34}{figures.photos:>8,}"
        f"   ({figures.unavailable} gone since listed)",
        f"{'listing calls':<34}{figures.listing_calls:>8,}",
        f"{'total calls':<34}{total:>8,}   {total / figures.photos:.3f} per photo",
        f"{'floor (DESIGN 9)':<34}{floor:>8,}   {floor / figures.photos:.3f} per photo",
        f"{'ratio to the floor':<34}{total / floor:>8.4f}",
        f"{'naive per-photo client':<34}{naive:>8,}   {naive / figures.photos:.3f} per photo, "
        f"{naive / floor:.3f} x the floor",
        f"{'preflight estimate':<34}{figures.preflight_estimate:>8,}"
        "   (before getInfo: assumes no people)",
        f"{'wall time':<34}{figures.seconds:>7.1f}s",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", type=int, default=1000, help="photos in the world")
    parser.add_argument("--seed", type=int, default=1, help="the world's seed")
    parser.add_argument("--selection", choices=sorted(SELECTIONS), default="mix")
    parser.add_argument("--workers", type=int, default=8, help="records fetched at once")
    args = parser.parse_args(argv)
    if args.photos < 1 or args.workers < 1:
        parser.error(
            f"--photos and --workers must be at least 1, got {args.photos!r} and {args.workers!r}"
        )
    figures = run(args.photos, args.seed, args.selection, args.workers)
    print(report(figures, photos=args.photos, seed=args.seed, selection=args.selection))
    return 0


if __name__ == "__main__":
    sys.exit(main())
