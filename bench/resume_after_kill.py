"""Resume after `kill -9`: a build killed mid-way re-fetches only the photos in flight.

    python bench/resume_after_kill.py [--photos 120] [--kill-after 40] [--latency-ms 10]
                                      [--database sqlite|postgres]

Steps, with the sandbox in its own process logging every REST call and media request:

1. **Reference**: a lifeboat of the sandbox's `mix` selection is approved through the
   services and built, uninterrupted, in a child process (`build_in_process`, what a worker
   runs). Then the Flickr response cache is emptied, so the second build starts cold.
2. **Killed**: a second lifeboat of the same selection is approved and built in a child
   process, which gets SIGKILL as soon as `--kill-after` photos are done. The photos it had
   claimed at that moment (`LifeboatPhoto.claimed_by`) are the ones "in flight".
3. **Resumed**: a new child process does what the scheduled sweeper and the build cluster do
   once the claims are stale: with the clock moved past the stale period (time-machine, as
   the tests do, rather than waiting the cluster timeout + 60 s), `sweep_stalled_builds()`
   hands the build out again, and the chunks run to the end.

Then: which photos had REST calls or media downloads both before the kill and after the
restart (the re-fetched ones), how many calls were repeated, the extra calls against the
reference build, and the two packages compared file by file from their manifests (media
byte for byte; metadata as JSON, ignoring only each photo's `retrievedAt` and the lifeboat's
own id and dates; pages with the lifeboat's id replaced).
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
import zipfile
from collections import Counter
from pathlib import Path
from typing import Any

from _common import (
    PROJECT_DIR,
    PYTHON,
    LoggedRequest,
    SandboxProcess,
    ThrowawayDatabase,
    add_database_arguments,
    approved_lifeboat,
    bench_environment,
    read_sandbox_log,
    sandbox_client,
    setup_django,
    today,
    work_folder,
)
from flickr_calls import SELECTIONS

LIFEBOAT_NAME = "Resume after kill"
# Differ between two lifeboats by nature: their identity and when they were made.
LIFEBOAT_OWN_KEYS = {"id", "createdAt", "builtAt", "bagCreatedAt"}
PHOTO_OWN_KEYS = {"retrievedAt"}


# --- the child processes -------------------------------------------------------------------------


def child(mode: str, lifeboat_id: str, api_url: str) -> None:
    setup_django({})
    from lifeboats import builder

    if mode == "resume":
        from datetime import timedelta

        import time_machine
        from django.utils import timezone

        later = timezone.now() + builder.stale_after() + timedelta(seconds=1)
        with time_machine.travel(later, tick=True):
            resumed = [str(pk) for pk in builder.sweep_stalled_builds()]
            if lifeboat_id not in resumed:
                raise SystemExit(f"The sweeper did not resume {lifeboat_id!r}: {resumed!r}")
            with sandbox_client(api_url) as client:
                lifeboat = builder.build_in_process(lifeboat_id, client=client)
    else:
        with sandbox_client(api_url) as client:
            lifeboat = builder.build_in_process(lifeboat_id, client=client)
    print(json.dumps({"status": lifeboat.status, "failure": lifeboat.failure_message}))


def run_child(mode: str, lifeboat_id: Any, api_url: str, environment: dict[str, str]):
    return subprocess.Popen(
        [PYTHON, __file__, "child", mode, str(lifeboat_id), api_url],
        cwd=PROJECT_DIR,
        env={**os.environ, **environment},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen, what: str) -> None:
    stdout, stderr = process.communicate()
    if process.returncode != 0 or '"ready"' not in stdout:
        raise SystemExit(f"The {what} build did not finish:\n{stdout}\n{stderr[-3000:]}")


# --- the benchmark -------------------------------------------------------------------------------


def run(args: argparse.Namespace) -> str:
    from flickr.sandbox.data import SandboxWorld

    urls = SELECTIONS["mix"](SandboxWorld.generate(photos=args.photos, seed=args.seed))
    with work_folder() as folder:
        log = folder / "sandbox.log"
        with SandboxProcess(
            photos=args.photos, seed=args.seed, log=log, latency_ms=args.latency_ms
        ) as sandbox:
            database = ThrowawayDatabase.create(args.database, folder)
            try:
                environment = bench_environment(
                    database_url=database.url, media_root=folder / "media", api_url=sandbox.api_url
                )
                setup_django(environment, migrate=True)
                return measure(args, urls, sandbox, environment, log)
            finally:
                database.drop()


def measure(args, urls, sandbox: SandboxProcess, environment: dict[str, str], log: Path) -> str:
    from django.db import connections

    from lifeboats.models import FlickrResponseCache, Lifeboat

    reference = approved_lifeboat(urls, api_url=sandbox.api_url, name=LIFEBOAT_NAME)
    connections.close_all()
    reference_started = time.time()
    finish(run_child("build", reference.pk, sandbox.api_url, environment), "reference")
    reference_ended = time.time()
    FlickrResponseCache.objects.all().delete()

    killed = approved_lifeboat(urls, api_url=sandbox.api_url, name=LIFEBOAT_NAME)
    connections.close_all()
    killed_started = time.time()
    process = run_child("build", killed.pk, sandbox.api_url, environment)
    done_at_kill = wait_until_mid_photo(killed.pk, args.kill_after, process, log, killed_started)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()
    killed_at = time.time()
    in_flight = set(
        killed.photos.exclude(claimed_by="")
        .filter(state="pending")
        .values_list("photo_id", flat=True)
    )
    included_at_kill = killed.photos.exclude(state="pending").count()

    resumed_started = time.time()
    finish(run_child("resume", killed.pk, sandbox.api_url, environment), "resumed")
    killed = Lifeboat.objects.get(pk=killed.pk)
    reference = Lifeboat.objects.get(pk=reference.pk)

    requests = read_sandbox_log(log)
    phases = {
        "reference": between(requests, reference_started, reference_ended),
        "before kill": between(requests, killed_started, killed_at),
        "after restart": between(requests, resumed_started, float("inf")),
    }
    comparison = compare_packages(reference, killed)
    return report(
        args,
        photos=killed.photos_total,
        done_at_kill=done_at_kill,
        decided_at_kill=included_at_kill,
        in_flight=in_flight,
        phases=phases,
        comparison=comparison,
        events=list(killed.events.order_by("at").values_list("status", flat=True)),
    )


def wait_until_mid_photo(
    lifeboat_id, count: int, process: subprocess.Popen, log: Path, since: float
) -> int:
    """Once `count` photos are done, wait until the photo being fetched has had at least two
    REST calls answered, so that the kill lands in the middle of a photo. Returns
    photos_done at that moment."""
    from lifeboats.models import Lifeboat, LifeboatPhoto

    while process.poll() is None:
        done = Lifeboat.objects.values_list("photos_done", flat=True).get(pk=lifeboat_id)
        claimed = set(
            LifeboatPhoto.objects.filter(lifeboat_id=lifeboat_id, state="pending")
            .exclude(claimed_by="")
            .values_list("photo_id", flat=True)
        )
        if done >= count and claimed:
            calls = Counter(
                request.photo_id
                for request in between(read_sandbox_log(log), since, float("inf"))
                if request.kind == "rest" and request.photo_id in claimed
            )
            if any(made >= 2 for made in calls.values()):
                return done
        time.sleep(0.005)
    raise SystemExit(f"The build ended before {count} photos were done; use a larger world.")


def between(requests: list[LoggedRequest], start: float, end: float) -> list[LoggedRequest]:
    return [request for request in requests if start <= request.at <= end]


# --- comparing the packages ----------------------------------------------------------------------


def manifest(archive: zipfile.ZipFile, slug: str) -> dict[str, str]:
    lines = archive.read(f"{slug}/manifest-sha512.txt").decode().splitlines()
    return {path: digest for digest, path in (line.split(maxsplit=1) for line in lines)}


def js_value(archive: zipfile.ZipFile, name: str) -> Any:
    text = archive.read(name).decode()
    return json.loads(text[text.index("=") + 1 :].strip().removesuffix(";"))


def without(value: Any, keys: set[str]) -> Any:
    if isinstance(value, dict):
        return {key: without(item, keys) for key, item in value.items() if key not in keys}
    if isinstance(value, list):
        return [without(item, keys) for item in value]
    return value


def same_apart_from_id(first: bytes, second: bytes, first_id: str, second_id: str) -> bool:
    return first.decode().replace(first_id, "<id>") == second.decode().replace(second_id, "<id>")


def compare_packages(reference, killed) -> dict[str, Any]:
    from lifeboats.storage import lifeboat_storage

    storage = lifeboat_storage()
    with (
        storage.open(reference.package_path, "rb") as first_file,
        storage.open(killed.package_path, "rb") as second_file,
        zipfile.ZipFile(first_file) as first,
        zipfile.ZipFile(second_file) as second,
    ):
        ours, theirs = manifest(first, reference.slug), manifest(second, killed.slug)
        outcome: Counter[str] = Counter()
        differing: list[str] = []
        for path in sorted(set(ours) | set(theirs)):
            kind = path.split("/")[1] if path.count("/") > 1 else path
            if path not in ours or path not in theirs:
                differing.append(f"{path} (only in one package)")
            elif ours[path] == theirs[path]:
                outcome[f"{kind}: identical bytes"] += 1
            elif path.endswith(".html") and same_apart_from_id(
                first.read(f"{reference.slug}/{path}"),
                second.read(f"{killed.slug}/{path}"),
                str(reference.pk),
                str(killed.pk),
            ):
                outcome[f"{kind}: same text apart from the lifeboat's id"] += 1
            elif path.endswith(".js"):
                keys = LIFEBOAT_OWN_KEYS if path.endswith("/lifeboat.js") else PHOTO_OWN_KEYS
                name = f"{reference.slug}/{path}"
                left = without(js_value(first, name), keys)
                right = without(
                    js_value(second, name.replace(reference.slug, killed.slug, 1)), keys
                )
                if left == right:
                    outcome[f"{kind}: same data, differing only in {'/'.join(sorted(keys))}"] += 1
                else:
                    differing.append(path)
            else:
                differing.append(path)
        return {"files": len(ours), "outcome": outcome, "differing": differing}


# --- the report ----------------------------------------------------------------------------------


def per_photo(requests: list[LoggedRequest], kind: str) -> dict[str, Counter[str]]:
    calls: dict[str, Counter[str]] = {}
    for request in requests:
        if request.kind == kind and request.photo_id:
            calls.setdefault(request.photo_id, Counter())[request.method] += 1
    return calls


def report(args, *, photos, done_at_kill, decided_at_kill, in_flight, phases, comparison, events):
    rest = {name: [r for r in requests if r.kind == "rest"] for name, requests in phases.items()}
    before = per_photo(phases["before kill"], "rest")
    after = per_photo(phases["after restart"], "rest")
    refetched = sorted(set(before) & set(after))
    repeated = sum(
        min(before[photo][method], after[photo][method])
        for photo in refetched
        for method in after[photo]
    )
    media_before = per_photo(phases["before kill"], "media")
    media_after = per_photo(phases["after restart"], "media")
    media_again = sorted(set(media_before) & set(media_after))
    killed_total = len(rest["before kill"]) + len(rest["after restart"])
    lines = [
        f"Resume after kill -9: sandbox of {args.photos} photos, selection 'mix', "
        f"{args.latency_ms:g} ms latency, {args.database}, {today()}",
        "",
        f"{'photos in each lifeboat':<44}{photos:>7,}",
        f"{'killed when photos_done reached':<44}{done_at_kill:>7,}   "
        f"({decided_at_kill} decided; in flight: {sorted(in_flight) or 'none'})",
        f"{'REST calls, reference build':<44}{len(rest['reference']):>7,}",
        f"{'REST calls, killed build before the kill':<44}{len(rest['before kill']):>7,}",
        f"{'REST calls, after the restart':<44}{len(rest['after restart']):>7,}",
        f"{'extra calls against the reference':<44}{killed_total - len(rest['reference']):>7,}",
        f"{'photos with REST calls before and after':<44}{len(refetched):>7,}   {refetched}",
        f"{'calls made again (same method and photo)':<44}{repeated:>7,}",
        f"{'photos whose media were downloaded again':<44}{len(media_again):>7,}   {media_again}",
        f"{'re-fetched photos that were not in flight':<44}{len(set(refetched) - in_flight):>7,}",
        f"{'lifeboat events':<44}{' -> '.join(events)}",
        "",
        f"Packages compared by their manifests ({comparison['files']} payload files):",
    ]
    for outcome, count in sorted(comparison["outcome"].items()):
        lines.append(f"  {count:>5}  {outcome}")
    lines.append(
        f"  {len(comparison['differing']):>5}  differing: {comparison['differing'] or 'none'}"
    )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["child"]:
        child(argv[1], argv[2], argv[3])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", type=int, default=120, help="photos in the sandbox world")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--kill-after", type=int, default=40, help="photos done before the kill")
    parser.add_argument(
        "--latency-ms",
        type=float,
        default=10,
        help="sandbox delay per call, so a kill lands mid-photo",
    )
    add_database_arguments(parser)
    args = parser.parse_args(argv)
    if not 0 < args.kill_after < args.photos:
        parser.error(f"--kill-after must be between 1 and --photos, got {args.kill_after!r}")
    print(run(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
