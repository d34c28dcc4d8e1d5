"""The index lookup "which lifeboats hold photo X?" with 10 million index rows, on PostgreSQL.

    python bench/index_lookup.py [--rows 10000000] [--lifeboats 3000] [--lookups 1000]

Creates the throwaway PostgreSQL database `lb_bench_index_lookup` (server from
BENCH_POSTGRES_SERVER, default postgres://postgres@127.0.0.1:5432), migrates it, and fills
`lifeboats_lifeboat` and `lifeboats_lifeboatphoto` in SQL with `generate_series`:

* LIFEBOATS lifeboats of one organisation: 50 % expired, 30 % ready, 10 % building (all
  public in the index), 10 % drafts (not public);
* ROWS index rows spread evenly over the lifeboats. Photo ids are drawn from a space of
  `rows / 2.5` photos, so a photo is in 2.5 lifeboats on average and any one lifeboat holds
  a photo once (the unique constraint holds); 5 % of the rows are excluded (opted out); each
  row carries a small `listing` (id, title, thumbnail), as the lookup reads it.

The table's secondary indexes and constraints (those the migrations made) are dropped
during the load and created again after it, then the table is analysed. The lookups are
`lifeboats.index.lifeboats_holding(photo_id)`, the function behind `GET
/api/photos/{photo_id}/lifeboats`, the lookup page and `manage.py lookup_photo`, timed in
this process (ORM and all) for random photo ids after a warm-up. The database is dropped at
the end.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time

from _common import (
    ThrowawayDatabase,
    bench_environment,
    setup_django,
    today,
    work_folder,
)
from _postgres import (
    bulk_load,
    insert_sql,
    percentile,
    progress,
    server_milliseconds,
    without_secondary_indexes,
)

FIRST_PHOTO_ID = 50_000_000_000
PHOTOS_PER_ROW = 1 / 2.5  # the photo id space, as a share of the rows
STRIDE = 7919  # a prime: p -> (p * STRIDE + offset) % space is one-to-one
BATCH_ROWS = 1_000_000
TARGET_P95_MS = 5.0


def fill(cursor, *, rows: int, lifeboats: int, report) -> None:
    from lifeboats.models import Lifeboat, LifeboatPhoto
    from portal.models import Organisation, User

    organisation = Organisation.objects.create(
        name="Index Archive", slug="index-archive", status=Organisation.Status.APPROVED
    )
    user = User.objects.create(username="index-bench")
    status = (
        "CASE WHEN g % 10 < 5 THEN 'expired' WHEN g % 10 < 8 THEN 'ready' "
        "WHEN g % 10 < 9 THEN 'building' ELSE 'draft' END"
    )
    cursor.execute(
        insert_sql(
            Lifeboat,
            {
                "id": "gen_random_uuid()",
                "organisation_id": str(organisation.pk),
                "created_by_id": str(user.pk),
                "name": "'Lifeboat ' || g",
                "slug": "'lifeboat-' || g",
                "status": status,
                "created_at": "now() - (g || ' hours')::interval",
                "updated_at": "now()",
                "ready_at": f"CASE WHEN {status} IN ('expired', 'ready') THEN now() END",
                "photos_total": str(rows // lifeboats),
                "photos_done": str(rows // lifeboats),
            },
            f"generate_series(1, {lifeboats}) AS g",
        )
    )
    cursor.execute(
        "CREATE TEMPORARY TABLE bench_boats AS "
        "SELECT row_number() OVER (ORDER BY id) - 1 AS n, id FROM lifeboats_lifeboat"
    )
    cursor.execute("CREATE UNIQUE INDEX ON bench_boats (n)")
    space = max(1, int(rows * PHOTOS_PER_ROW))
    photo_number = f"((g / {lifeboats}) * {STRIDE} + (g % {lifeboats}) * 104729) % {space}"
    photo_id = f"({FIRST_PHOTO_ID} + {photo_number})::text"
    explicit = {
        "lifeboat_id": "b.id",
        "photo_id": photo_id,
        "owner_nsid": "'12345678@N01'",
        "license_id": "'cc-by-2.0'",
        "state": "CASE WHEN g % 20 = 0 THEN 'excluded' ELSE 'included' END",
        "reason": "CASE WHEN g % 20 = 0 THEN 'opted_out' ELSE '' END",
        "position": f"g / {lifeboats}",
        "listing": (
            f"jsonb_build_object('id', {photo_id}, 'title', 'Photo ' || {photo_number}, "
            "'thumbnail', jsonb_build_object('url', 'https://live.staticflickr.com/65535/' || "
            f"{photo_id} || '_0a1b2c3d4e_t.jpg', 'width', 100, 'height', 75))"
        ),
        "added_at": "now() - ((g % 10000) || ' minutes')::interval",
        "decided_at": "now()",
    }
    with without_secondary_indexes(cursor, LifeboatPhoto._meta.db_table, report):
        for start in range(0, rows, BATCH_ROWS):
            end = min(rows, start + BATCH_ROWS)
            cursor.execute(
                insert_sql(
                    LifeboatPhoto,
                    explicit,
                    f"generate_series({start}, {end - 1}) AS g "
                    f"JOIN bench_boats b ON b.n = g % {lifeboats}",
                )
            )
            report(f"  {end:,} rows")


def measure(args: argparse.Namespace) -> str:

    from lifeboats.index import index_entries, lifeboats_holding
    from lifeboats.models import LifeboatPhoto

    size, count, load_seconds = bulk_load(
        lambda cursor: fill(cursor, rows=args.rows, lifeboats=args.lifeboats, report=progress),
        table=LifeboatPhoto._meta.db_table,
        also_analyse=["lifeboats_lifeboat"],
    )

    space = max(1, int(args.rows * PHOTOS_PER_ROW))
    rng = random.Random(args.seed)
    photo_ids = [str(FIRST_PHOTO_ID + rng.randrange(space)) for _ in range(args.lookups + 100)]
    for photo_id in photo_ids[:100]:  # warm-up: connection, plans, catalogue caches
        lifeboats_holding(photo_id)
    timings, cpu_timings, answers = [], [], []
    for photo_id in photo_ids[100:]:
        before, cpu_before = time.perf_counter(), time.process_time()
        answer = lifeboats_holding(photo_id)
        timings.append((time.perf_counter() - before) * 1000)
        cpu_timings.append((time.process_time() - cpu_before) * 1000)
        answers.append(len(answer))
    server_timings = [server_milliseconds(index_entries(pid)) for pid in photo_ids[100:300]]
    missing = FIRST_PHOTO_ID + space + 1  # a photo no lifeboat holds
    plan = index_entries(photo_ids[-1]).explain(analyze=True)
    p95 = percentile(timings, 0.95)
    verdict = "meets" if p95 <= TARGET_P95_MS else "MISSES"
    lines = [
        f"Index lookup on PostgreSQL: {count:,} index rows ({size} with indexes), "
        f"{args.lifeboats:,} lifeboats, {args.lookups:,} lookups, {today()}",
        "",
        f"{'load (generate_series, indexes, ANALYZE)':<44}{load_seconds:>8.0f}s",
        f"{'lifeboats per answer (mean, max)':<44}{statistics.mean(answers):>8.2f}, {max(answers)}",
        "lifeboats_holding(photo_id), wall time in this process:",
        f"{'p50':<44}{percentile(timings, 0.50):>8.2f} ms",
        f"{'p95':<44}{p95:>8.2f} ms   ({verdict} the target of <= {TARGET_P95_MS} ms)",
        f"{'p99':<44}{percentile(timings, 0.99):>8.2f} ms",
        f"{'max':<44}{max(timings):>8.2f} ms",
        f"{'this process CPU per lookup p50, p95':<44}{percentile(cpu_timings, 0.5):>8.2f} ms, "
        f"{percentile(cpu_timings, 0.95):.2f} ms",
        f"{'PostgreSQL execution time p50, p95 (200)':<44}"
        f"{percentile(server_timings, 0.5):>8.2f} ms, {percentile(server_timings, 0.95):.2f} ms",
        f"{'a photo in no lifeboat':<44}{len(lifeboats_holding(str(missing))):>8} answers",
        "",
        "EXPLAIN ANALYZE of one lookup:",
        *(f"  {line}" for line in plan.splitlines()),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000_000, help="index rows to load")
    parser.add_argument("--lifeboats", type=int, default=3000, help="lifeboats to spread them on")
    parser.add_argument("--lookups", type=int, default=1000, help="timed lookups")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.rows < args.lifeboats or args.lifeboats < 10 or args.lookups < 1:
        parser.error(
            f"need --rows >= --lifeboats >= 10 and --lookups >= 1, got {args.rows!r}, "
            f"{args.lifeboats!r}, {args.lookups!r}"
        )
    with work_folder() as folder:
        database = ThrowawayDatabase.create("postgres", folder)
        try:
            setup_django(
                bench_environment(database_url=database.url, media_root=folder), migrate=True
            )
            print(measure(args))
        finally:
            database.drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
