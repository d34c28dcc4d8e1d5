"""A worker process for the multi-process budget tests: acquire in a loop, report the times.

    python -m tests.lifeboats.budget_worker {database,redis} NAME RATE DURATION [--migrate]

Once it has started up, it prints `ready` and reads the common start time (seconds since the
epoch) from its standard input, so that workers that start slowly still run side by side.
From that moment it calls `acquire()` on the shared budget named NAME until DURATION seconds
have passed, then prints one JSON object: `{"started": ..., "stamps": [...], "granted": ...}`
with the moment each call was granted.

`database` reads the database settings as JSON from BUDGET_TEST_DATABASE (the test database
of the process that started it); with `--migrate` it first creates the budget table there.
`redis` reads the server from BUDGET_TEST_REDIS_URL.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time

from flickr.ratelimit import RedisBudget, ReservingBudget


def database_budget(name: str, rate_per_hour: float, *, migrate: bool) -> ReservingBudget:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.settings")
    import django
    from django.conf import settings
    from django.core.management import call_command

    settings.DATABASES = {"default": json.loads(os.environ["BUDGET_TEST_DATABASE"])}
    django.setup()
    if migrate:
        call_command("migrate", "lifeboats", interactive=False, verbosity=0)
    from lifeboats.budget import DatabaseBudget

    return DatabaseBudget(rate_per_hour, name=name)


def redis_budget(name: str, rate_per_hour: float, *, migrate: bool) -> ReservingBudget:
    if migrate:
        raise ValueError("--migrate is for the database store only")
    return RedisBudget(os.environ["BUDGET_TEST_REDIS_URL"], rate_per_hour, key=name)


BUDGETS = {"database": database_budget, "redis": redis_budget}


def acquire_until(budget: ReservingBudget, *, start_at: float, duration: float) -> dict:
    time.sleep(max(0.0, start_at - time.time()))
    started = time.time()
    stamps = []
    while time.time() < start_at + duration:
        budget.acquire()
        stamps.append(time.time())
    return {"started": started, "stamps": stamps, "granted": budget.granted}


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(prog="budget_worker")
    parser.add_argument("store", choices=sorted(BUDGETS))
    parser.add_argument("name")
    parser.add_argument("rate_per_hour", type=float)
    parser.add_argument("duration", type=float)
    parser.add_argument("--migrate", action="store_true")
    args = parser.parse_args(argv)
    budget = BUDGETS[args.store](args.name, args.rate_per_hour, migrate=args.migrate)
    print("ready", flush=True)
    start_at = float(sys.stdin.readline())
    report = acquire_until(budget, start_at=start_at, duration=args.duration)
    json.dump(report, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1:])
