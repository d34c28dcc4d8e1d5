"""Peak memory of a worker process building a lifeboat, for growing numbers of photos.

    python bench/build_memory.py [--photos 1000 5000] [--database sqlite|postgres]

For each size N: the sandbox runs in its own process over a world of N photos; a lifeboat of
the sandbox's `mix` selection (the whole world) is created and approved through the
services in this process; then a **fresh child process** builds it with the real builder
(`lifeboats.builder.build_in_process`, the chunks a worker runs, one after another, then the
package assembly) and reports its peak resident memory (VmHWM from /proc/self/status,
next to `resource.getrusage(RUSAGE_SELF).ru_maxrss`, which on Linux also holds the forked
parent's size), its memory once Django and the builder were
imported (before the first photo), and its resident memory at every tenth of the photos
(from /proc/self/statm), so a steady climb would show. No rate budget: memory does not
depend on it.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import time
from typing import Any

from _common import (
    PROJECT_DIR,
    PYTHON,
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
from flickr_calls import SELECTIONS

TARGET_MB = 250
PAGE_BYTES = os.sysconf("SC_PAGE_SIZE")


def peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM).

    getrusage's ru_maxrss is reported too, but on Linux it keeps the high-water mark of the
    forked parent's memory across exec, so in a child it is never below the parent's size.
    """
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    raise SystemExit("No VmHWM in /proc/self/status: this benchmark needs Linux.")


def ru_maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def current_rss_mb() -> float:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[1]) * PAGE_BYTES / (1024 * 1024)


def child(lifeboat_id: str, api_url: str) -> None:
    """Build the lifeboat in this process; print one JSON line with the memory figures."""
    setup_django({})
    from lifeboats.builder import build_in_process
    from lifeboats.models import Lifeboat

    baseline = peak_rss_mb()
    samples: list[tuple[int, float]] = []
    next_tenth = [0]

    def on_progress(lifeboat) -> None:
        tenth = 10 * lifeboat.photos_done // max(1, lifeboat.photos_total)
        if tenth >= next_tenth[0]:
            samples.append((lifeboat.photos_done, round(current_rss_mb(), 1)))
            next_tenth[0] = tenth + 1

    started = time.monotonic()
    error = ""
    with sandbox_client(api_url) as client:
        try:
            build_in_process(lifeboat_id, client=client, on_progress=on_progress)
        except Exception as exc:  # reported with the figures: the memory was still measured
            error = repr(exc)
    after_build = current_rss_mb()
    lifeboat = Lifeboat.objects.get(pk=lifeboat_id)
    print(
        json.dumps(
            {
                "status": lifeboat.status,
                "failure": lifeboat.failure_message,
                "error": error,
                "photos": lifeboat.photos_total,
                "included": lifeboat.photos.included().count(),
                "package_size": lifeboat.package_size,
                "baseline_mb": round(baseline, 1),
                "peak_mb": round(peak_rss_mb(), 1),
                "ru_maxrss_mb": round(ru_maxrss_mb(), 1),
                "end_mb": round(after_build, 1),
                "samples": samples,
                "seconds": round(time.monotonic() - started, 1),
            }
        )
    )


def measure_all(args: argparse.Namespace) -> dict[int, dict]:
    """One throwaway database for the run; for each size, its own sandbox and storage."""
    with work_folder() as folder:
        database = ThrowawayDatabase.create(args.database, folder)
        try:
            setup_django(
                bench_environment(database_url=database.url, media_root=folder / "media"),
                migrate=True,
            )
            results = {}
            for photos in args.photos:
                results[photos] = measure(photos, args, database, folder)
                print(f"{photos}: {json.dumps(results[photos])}", file=sys.stderr, flush=True)
            return results
        finally:
            database.drop()


def measure(
    photos: int, args: argparse.Namespace, database: ThrowawayDatabase, folder
) -> dict[str, Any]:
    from django.db import connections

    from flickr.sandbox.data import SandboxWorld
    from lifeboats.models import FlickrResponseCache

    urls = SELECTIONS["mix"](SandboxWorld.generate(photos=photos, seed=args.seed))
    with SandboxProcess(photos=photos, seed=args.seed) as sandbox:
        FlickrResponseCache.objects.all().delete()  # the worlds share photo ids: start cold
        lifeboat = approved_lifeboat(urls, api_url=sandbox.api_url, name=f"Memory {photos}")
        connections.close_all()
        environment = bench_environment(
            database_url=database.url,
            media_root=folder / f"media-{photos}",
            api_url=sandbox.api_url,
        )
        result = subprocess.run(
            [PYTHON, __file__, "child", str(lifeboat.pk), sandbox.api_url],
            cwd=PROJECT_DIR,
            env={**os.environ, **environment},
            capture_output=True,
            text=True,
            check=False,
        )
    if result.returncode != 0:
        raise SystemExit(f"The build process failed:\n{result.stderr[-3000:]}")
    return json.loads(result.stdout.strip().splitlines()[-1])


def report(args: argparse.Namespace, results: dict[int, dict]) -> str:
    lines = [
        f"Worker peak memory while building: selection 'mix', {args.database}, {today()}",
        "",
        f"{'world':>7}{'photos':>8}{'included':>10}{'package MB':>12}{'after imports':>15}"
        f"{'peak RSS':>10}{'ru_maxrss':>11}{'build s':>9}",
    ]
    for world, result in results.items():
        lines.append(
            f"{world:>7,}{result['photos']:>8,}{result['included']:>10,}"
            f"{(result['package_size'] or 0) / 1e6:>12.1f}{result['baseline_mb']:>12.1f} MB"
            f"{result['peak_mb']:>7.1f} MB{result['ru_maxrss_mb']:>8.1f} MB"
            f"{result['seconds']:>9.0f}"
        )
    lines.append("")
    for world, result in results.items():
        samples = ", ".join(f"{done}: {mb}" for done, mb in result["samples"])
        lines.append(f"RSS (MB) by photos done, world {world:,}: {samples}; end {result['end_mb']}")
    for world, result in results.items():
        if result.get("error"):
            lines.append(
                f"World {world:,}: the build raised {result['error']} (status {result['status']})"
            )
    peaks = [result["peak_mb"] for result in results.values()]
    verdict = "meets" if max(peaks) <= TARGET_MB else "MISSES"
    lines.append(
        f"\nLargest peak {max(peaks):.1f} MB ({verdict} the target of <= {TARGET_MB} MB); "
        f"largest / smallest = {max(peaks) / min(peaks):.2f}"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["child"]:
        child(argv[1], argv[2])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", type=int, nargs="+", default=[1000, 5000])
    parser.add_argument("--seed", type=int, default=1)
    add_database_arguments(parser)
    args = parser.parse_args(argv)
    if min(args.photos) < 1:
        parser.error(f"--photos must be at least 1, got {args.photos!r}")
    results = measure_all(args)
    for result in results.values():
        if result["status"] != "ready":
            raise SystemExit(f"A build did not finish: {result['failure']}")
    print(report(args, results))
    return 0


if __name__ == "__main__":
    sys.exit(main())
