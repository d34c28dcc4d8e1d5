"""Flickr calls of a whole build through the portal's builder, against the floor of DESIGN 9.

    python bench/build_calls.py [--photos 1000] [--seed 1] [--selection mix|photostream]
                                [--database sqlite|postgres]

`bench/flickr_calls.py` measures the Flickr layer alone; this one measures what the portal
really spends on a lifeboat. The sandbox runs in its own process over a world of N photos;
the selection (the same URLs as `bench/flickr_calls.py`) is resolved by `lifeboat_create`
and approved through the services; then the build runs in this process with the real
builder, synchronously, exactly as `python manage.py build_lifeboat` does
(`lifeboats.builder.build_in_process`), with no rate budget (the count does not depend on
it). Calls are counted by the sandbox (`/sandbox/stats`), separately for the request
(resolving the URLs) and the build.

The floor is computed from the sandbox world's ground truth with `bench/flickr_calls.py`'s
`floor_calls`: listing calls + 1 licence table + per photo 5, +1 with comments,
+ceil(faves / 50), +1 with people, +1 for a video's file; 1 for a photo gone since listed.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections import Counter

from _common import (
    PROJECT_DIR,
    SandboxProcess,
    ThrowawayDatabase,
    add_database_arguments,
    approved_lifeboat,
    bench_environment,
    sandbox_client,
    setup_django,
    today,
    work_folder,
)
from flickr_calls import SELECTIONS, floor_calls

TARGET_RATIO = 1.02


def calls_by_method(before: dict[str, int], after: dict[str, int]) -> dict[str, int]:
    return {
        method: after[method] - before.get(method, 0)
        for method in after
        if after[method] - before.get(method, 0)
    }


def run(args: argparse.Namespace) -> str:
    from flickr.sandbox.data import SandboxWorld

    world = SandboxWorld.generate(photos=args.photos, seed=args.seed)
    urls = SELECTIONS[args.selection](world)
    with work_folder() as folder, SandboxProcess(photos=args.photos, seed=args.seed) as sandbox:
        database = ThrowawayDatabase.create(args.database, folder)
        try:
            environment = bench_environment(
                database_url=database.url, media_root=folder / "media", api_url=sandbox.api_url
            )
            setup_django(environment, migrate=True)
            return measure(args, world, urls, sandbox)
        finally:
            database.drop()


def measure(args: argparse.Namespace, world, urls: list[str], sandbox: SandboxProcess) -> str:
    from lifeboats.builder import build_in_process
    from lifeboats.models import LifeboatStatus

    before_request = sandbox.stats()["calls"]
    lifeboat = approved_lifeboat(urls, api_url=sandbox.api_url)
    before_build = sandbox.stats()
    started = time.monotonic()
    with sandbox_client(sandbox.api_url) as client:
        lifeboat = build_in_process(lifeboat.pk, client=client)
    seconds = time.monotonic() - started
    after_build = sandbox.stats()
    if lifeboat.status != LifeboatStatus.READY:
        raise SystemExit(f"The build did not finish: {lifeboat.status} {lifeboat.failure_message}")

    request_calls = calls_by_method(before_request, before_build["calls"])
    build_calls = calls_by_method(before_build["calls"], after_build["calls"])
    rows = list(lifeboat.photos.values_list("photo_id", "state", "reason"))
    truth = [world.photo(photo_id) for photo_id, _state, _reason in rows]
    if any(photo is None for photo in truth):
        raise SystemExit("The lifeboat holds photos the sandbox world does not know.")
    listing = lifeboat.preflight["api_calls"]["listing"]
    floor = listing + 1 + floor_calls(world, [photo for photo in truth if photo is not None])
    total = sum(request_calls.values()) + sum(build_calls.values())
    states = Counter(f"{state} {reason}".strip() for _id, state, reason in rows)
    media = after_build["media_requests"] - before_build["media_requests"]
    return report(
        args,
        photos=len(rows),
        states=states,
        request_calls=request_calls,
        build_calls=build_calls,
        listing=listing,
        floor=floor,
        total=total,
        recorded=lifeboat.api_calls,
        media=media,
        seconds=seconds,
        package_size=lifeboat.package_size,
    )


def report(
    args: argparse.Namespace,
    *,
    photos: int,
    states: Counter[str],
    request_calls: dict[str, int],
    build_calls: dict[str, int],
    listing: int,
    floor: int,
    total: int,
    recorded: int,
    media: int,
    seconds: float,
    package_size: int | None,
) -> str:
    width = max(len(method) for method in (*build_calls, *request_calls)) + 2
    lines = [
        f"Flickr calls of a build through the builder: sandbox of {args.photos:,} photos, "
        f"seed {args.seed}, selection {args.selection!r}, {args.database}, {today()}",
        "",
        f"{'build: method':<{width}}{'calls':>8}{'per photo':>11}",
    ]
    for method, count in Counter(build_calls).most_common():
        lines.append(f"{method:<{width}}{count:>8,}{count / photos:>11.3f}")
    lines.append(f"{'request (resolving the URLs)':<{width}}{sum(request_calls.values()):>8,}")
    verdict = "meets" if total <= TARGET_RATIO * floor else "MISSES"
    lines += [
        "",
        f"{'photos in the lifeboat':<34}{photos:>8,}   "
        + ", ".join(f"{count} {state}" for state, count in sorted(states.items())),
        f"{'listing calls (preflight)':<34}{listing:>8,}",
        f"{'build calls (sandbox count)':<34}{sum(build_calls.values()):>8,}   "
        f"(the lifeboat's api_calls says {recorded:,})",
        f"{'total calls (request + build)':<34}{total:>8,}   {total / photos:.3f} per photo",
        f"{'floor (DESIGN 9)':<34}{floor:>8,}   {floor / photos:.3f} per photo",
        f"{'ratio to the floor':<34}{total / floor:>8.4f}   "
        f"({verdict} the target of <= {TARGET_RATIO})",
        f"{'media requests (not API calls)':<34}{media:>8,}",
        f"{'package size':<34}{package_size or 0:>8,} bytes",
        f"{'build wall time (no budget)':<34}{seconds:>7.1f}s",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", type=int, default=1000, help="photos in the sandbox world")
    parser.add_argument("--seed", type=int, default=1, help="the world's seed")
    parser.add_argument("--selection", choices=sorted(SELECTIONS), default="mix")
    add_database_arguments(parser)
    args = parser.parse_args(argv)
    if args.photos < 1:
        parser.error(f"--photos must be at least 1, got {args.photos!r}")
    print(run(args))
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(PROJECT_DIR))
    sys.exit(main())
