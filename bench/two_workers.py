"""Two build worker processes on one shared Flickr budget (DESIGN 9, and docs/deploy.md).

    python bench/two_workers.py [--photos 250] [--rate 36000] [--database postgres|sqlite]

What runs, as in production but on one machine:

* the Flickr sandbox in its own process, logging the moment it receives every REST call;
* one database (PostgreSQL by default: the throwaway `lb_bench`), holding the data, the
  django-q2 ORM broker and the budget row;
* three `python manage.py qcluster` processes: the default cluster (it runs the build's start
  task) and **two build clusters** (`Q_CLUSTER_NAME=builds`, the default 2 workers each),
  each configured with `FLICKR_RATE_LIMIT_PER_HOUR=RATE`, so every Flickr call of both waits
  for a slot in the one `DatabaseBudget` row.

Each build cluster gets its own FLICKR_API_KEY (`worker-a`, `worker-b`): the sandbox accepts
any key and logs it, which tells whose call each one was. The budget is keyed by its name,
not by the API key, so both still draw from the same budget, as workers sharing one real key do.

A lifeboat of the sandbox's `mix` selection is created and approved through the services
once the clusters are up; its approval queues the build. The script waits for `ready`, then
reads the sandbox log: the busiest 10 s and 60 s windows of build calls against what the
budget allows in them, and the wall time (approval to ready) against calls / budget.
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from _common import (
    PROJECT_DIR,
    PYTHON,
    SandboxProcess,
    ThrowawayDatabase,
    add_database_arguments,
    approved_lifeboat,
    bench_environment,
    read_sandbox_log,
    setup_django,
    today,
    work_folder,
)
from flickr_calls import SELECTIONS

WINDOWS = (10.0, 60.0)
TARGET_WALL_RATIO = 1.15
WORKER_KEYS = ("worker-a", "worker-b")


def start_cluster(
    environment: dict[str, str], *, name: str | None, api_key: str, log: Path
) -> subprocess.Popen:
    cluster_env = {**os.environ, **environment, "FLICKR_API_KEY": api_key}
    if name:
        cluster_env["Q_CLUSTER_NAME"] = name
    return subprocess.Popen(
        [PYTHON, "manage.py", "qcluster"],
        cwd=PROJECT_DIR,
        env=cluster_env,
        stdout=open(log, "ab"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )


def stop_cluster(process: subprocess.Popen) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()


def wait_for_clusters(processes: list[subprocess.Popen], seconds: float) -> None:
    """Give the clusters time to start; the measurement starts at the approval, after this."""
    time.sleep(seconds)
    stopped = [process.args for process in processes if process.poll() is not None]
    if stopped:
        raise SystemExit(f"A cluster stopped while starting: {stopped!r}; see --show-cluster-log")


def wait_until_built(lifeboat_id, timeout: float) -> None:
    from lifeboats.models import Lifeboat, LifeboatStatus

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = Lifeboat.objects.values_list("status", flat=True).get(pk=lifeboat_id)
        if status in (LifeboatStatus.READY, LifeboatStatus.FAILED):
            return
        time.sleep(0.5)
    raise SystemExit(f"The build was still running after {timeout:.0f}s.")


def run(args: argparse.Namespace) -> str:
    from flickr.sandbox.data import SandboxWorld

    urls = SELECTIONS["mix"](SandboxWorld.generate(photos=args.photos, seed=args.seed))
    with work_folder() as folder:
        log = folder / "sandbox.log"
        with SandboxProcess(photos=args.photos, seed=args.seed, log=log) as sandbox:
            database = ThrowawayDatabase.create(args.database, folder)
            clusters: list[subprocess.Popen] = []
            try:
                environment = bench_environment(
                    database_url=database.url,
                    media_root=folder / "media",
                    api_url=sandbox.api_url,
                    rate_per_hour=args.rate,
                )
                setup_django(environment, migrate=True)
                cluster_log = folder / "qcluster.log"
                clusters.append(
                    start_cluster(environment, name=None, api_key="starter", log=cluster_log)
                )
                for key in WORKER_KEYS:
                    clusters.append(
                        start_cluster(environment, name="builds", api_key=key, log=cluster_log)
                    )
                wait_for_clusters(clusters, args.startup_seconds)
                return build_and_measure(args, urls, sandbox, log)
            finally:
                for process in clusters:
                    stop_cluster(process)
                if args.show_cluster_log and (folder / "qcluster.log").exists():
                    print((folder / "qcluster.log").read_text()[-5000:])
                database.drop()


def build_and_measure(args, urls: list[str], sandbox: SandboxProcess, log: Path) -> str:
    from flickr.ratelimit import most_calls_allowed, most_calls_in_any_window
    from lifeboats.models import LifeboatStatus

    lifeboat = approved_lifeboat(urls, api_url=sandbox.api_url)
    approved_at = lifeboat.events.get(status=LifeboatStatus.APPROVED).at
    interval = 3600 / args.rate
    wait_until_built(lifeboat.pk, timeout=max(600.0, 4 * lifeboat.photos_total * 7 * interval))
    lifeboat.refresh_from_db()
    if lifeboat.status != LifeboatStatus.READY:
        raise SystemExit(f"The build failed: {lifeboat.failure_message}")
    ready_at = lifeboat.events.get(status=LifeboatStatus.READY).at

    calls = [
        request
        for request in read_sandbox_log(log)
        if request.kind == "rest" and request.api_key in WORKER_KEYS
    ]
    stamps = [request.at for request in calls]
    by_worker = Counter(request.api_key for request in calls)
    wall = (ready_at - approved_at).total_seconds()
    span = max(stamps) - min(stamps)
    ideal = len(calls) * interval
    lines = [
        f"Two build workers on one budget: {args.rate:,} calls/h ({interval * 1000:.0f} ms a "
        f"call), sandbox of {args.photos} photos, selection 'mix', {args.database}, {today()}",
        "",
        f"{'photos built':<40}{lifeboat.photos_total:>10,}",
        f"{'build calls (sandbox log)':<40}{len(calls):>10,}   "
        + ", ".join(f"{key}: {count:,}" for key, count in sorted(by_worker.items())),
        f"{'calls recorded on the lifeboat':<40}{lifeboat.api_calls:>10,}",
    ]
    for window in WINDOWS:
        busiest = most_calls_in_any_window(stamps, window)
        allowed = most_calls_allowed(args.rate, window)
        verdict = "within" if busiest <= allowed else "OVER"
        lines.append(
            f"{f'busiest {window:.0f} s window':<40}{busiest:>10,}   "
            f"allowed {allowed:,}: {verdict} the budget"
        )
    ordered = sorted(stamps)
    for window in WINDOWS:
        allowed = most_calls_allowed(args.rate, window)
        if len(ordered) > allowed:
            shortest = min(b - a for a, b in zip(ordered, ordered[allowed:], strict=False))
            lines.append(
                f"{f'shortest span of {allowed + 1} calls in a row':<40}{shortest:>9.3f}s   "
                f"(the budget spaces them {allowed * interval:.1f}s apart when granted)"
            )
    verdict = "meets" if wall <= TARGET_WALL_RATIO * ideal else "MISSES"
    lines += [
        f"{'calls / budget':<40}{ideal:>9.1f}s",
        f"{'first to last call':<40}{span:>9.1f}s   {span / ideal:.3f} x calls / budget",
        f"{'wall time (approved -> ready)':<40}{wall:>9.1f}s   {wall / ideal:.3f} x calls / "
        f"budget ({verdict} the target of <= {TARGET_WALL_RATIO})",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", type=int, default=250, help="photos in the sandbox world")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rate", type=int, default=36_000, help="the budget, calls per hour")
    parser.add_argument(
        "--show-cluster-log", action="store_true", help="print the end of the qcluster output"
    )
    parser.add_argument(
        "--startup-seconds", type=float, default=10, help="time the clusters get to start"
    )
    add_database_arguments(parser, default="postgres")
    args = parser.parse_args(argv)
    if args.photos < 1 or args.rate < 1:
        parser.error(f"--photos and --rate must be positive, got {args.photos!r}, {args.rate!r}")
    print(run(args))
    return 0


if __name__ == "__main__":
    sys.exit(main())
