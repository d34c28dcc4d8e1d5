"""Calls and time of a first and a repeat crawl of a sandbox Flickr Commons.

    python bench/commons_crawl.py [--photos 50000] [--members 20] [--database postgres]

Starts the Flickr sandbox in its own process with a Commons of MEMBERS members owning
PHOTOS photos between them, creates a throwaway database, and runs the portal's crawler
(`commons.crawler.crawl_in_process`, the code behind `manage.py crawl_commons` and the
nightly task) twice against it with nothing changed in between:

* the first crawl fills an empty catalogue: the members, every listing page, and the
  comments of every photo that has any;
* the repeat crawl reads the members and the listing pages again, and fetches comments only
  for photos whose comment count changed (none).

Calls are counted by method as the crawler records them (`CommonsCrawl.calls`) and checked
against what the sandbox served. The client has no rate budget here, so the time is the
portal's own work plus the local sandbox's answers; at Flickr's 3,600 calls an hour the
calls alone set the time, and that projection is printed too.
"""

from __future__ import annotations

import argparse
import sys
import time

from _common import (
    SandboxProcess,
    ThrowawayDatabase,
    add_database_arguments,
    bench_environment,
    sandbox_client,
    setup_django,
    today,
    work_folder,
)

FLICKR_CALLS_PER_HOUR = 3600


def run_crawl(sandbox: SandboxProcess, api_url: str) -> tuple[object, float, int]:
    """One crawl to its end: (the finished crawl, seconds, calls the sandbox served)."""
    from commons.crawler import crawl_in_process

    served_before = sandbox.total_calls()
    started = time.monotonic()
    with sandbox_client(api_url) as client:
        crawl = crawl_in_process(client=client)
    seconds = time.monotonic() - started
    if crawl is None or crawl.status != "finished":
        raise SystemExit(f"The crawl did not finish: {crawl!r}")
    return crawl, seconds, sandbox.total_calls() - served_before


def hours_at_flickr_rate(calls: int) -> str:
    seconds = calls * 3600 / FLICKR_CALLS_PER_HOUR
    if seconds >= 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 60:.0f} min" if seconds >= 60 else f"{seconds:.0f} s"


def measure(args: argparse.Namespace, sandbox: SandboxProcess) -> str:
    from commons.models import CommonsComment, CommonsMember, CommonsPhoto

    first, first_seconds, first_served = run_crawl(sandbox, sandbox.api_url)
    repeat, repeat_seconds, repeat_served = run_crawl(sandbox, sandbox.api_url)
    first_calls, repeat_calls = first.total_calls, repeat.total_calls
    if (first_calls, repeat_calls) != (first_served, repeat_served):
        raise SystemExit(
            f"The crawler counted {first_calls} and {repeat_calls} calls, the sandbox served "
            f"{first_served} and {repeat_served}"
        )
    methods = sorted(set(first.calls) | set(repeat.calls))
    width = max(len(method) for method in methods) + 2
    lines = [
        f"Commons crawl of a sandbox Commons: {args.members} members, "
        f"{CommonsPhoto.objects.count():,} public photos, "
        f"{CommonsComment.objects.count():,} comments, {args.database}, {today()}",
        "",
        f"{'calls by method':<{width}}{'first':>10}{'repeat':>10}",
        *(
            f"{method:<{width}}{first.calls.get(method, 0):>10,}{repeat.calls.get(method, 0):>10,}"
            for method in methods
        ),
        f"{'all calls':<{width}}{first_calls:>10,}{repeat_calls:>10,}",
        f"{'time (no rate budget)':<{width}}{first_seconds:>9.0f}s{repeat_seconds:>9.0f}s",
        f"{'at 3,600 calls/hour':<{width}}{hours_at_flickr_rate(first_calls):>10}"
        f"{hours_at_flickr_rate(repeat_calls):>10}",
        "",
        f"The repeat crawl made {repeat_calls / first_calls:.1%} of the first crawl's calls.",
        f"Members in the catalogue: {CommonsMember.objects.count()}",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", type=int, default=50_000, help="photos in the Commons")
    parser.add_argument("--members", type=int, default=20, help="Commons members")
    parser.add_argument("--seed", type=int, default=1)
    add_database_arguments(parser, default="postgres")
    args = parser.parse_args(argv)
    if args.members < 1 or args.photos < args.members:
        parser.error(f"need --photos >= --members >= 1, got {args.photos!r}, {args.members!r}")
    with (
        work_folder() as folder,
        SandboxProcess(photos=args.photos, seed=args.seed, commons_members=args.members) as box,
    ):
        database = ThrowawayDatabase.create(args.database, folder)
        try:
            environment = bench_environment(
                database_url=database.url, media_root=folder, api_url=box.api_url
            )
            setup_django(environment, migrate=True)
            print(measure(args, box))
        finally:
            database.drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
