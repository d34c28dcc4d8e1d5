"""Commons Explorer search with 2 million catalogued photos, on PostgreSQL.

    python bench/commons_search.py [--photos 2000000] [--members 120] [--searches 400]

Creates the throwaway PostgreSQL database `lb_bench_commons_search` (server from
BENCH_POSTGRES_SERVER, default postgres://postgres@127.0.0.1:5432), migrates it, and fills
the catalogue in SQL with `generate_series`:

* MEMBERS Commons members; photos are spread over them unevenly (a few large members and a
  long tail), as in Flickr Commons;
* PHOTOS photos, each with a title of 4 words, a description of 12 and 5 tags drawn from a
  vocabulary of VOCABULARY made-up words with a skewed (Zipf-like) frequency, so queries
  range from words in a third of all photos to words in a few dozen; a tenth of the photos
  carry 6 more words from comments. `search_text` and `search_vector` are filled as the
  crawler fills them (`to_tsvector` with `commons.search.SEARCH_CONFIG`).

The table's secondary indexes (the GIN index on `search_vector` among them) are dropped for
the load and built again after it, then the table is analysed. The searches are full GETs of
`/commons/search/?q=...` through Django's test client (view, ORM, template: everything but
the network), for queries of every frequency class: one word, two words (AND), a quoted
phrase, and a word that matches nothing; timed after a warm-up. The database is dropped at
the end.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import defaultdict

from _common import ThrowawayDatabase, bench_environment, setup_django, today, work_folder
from _postgres import bulk_load, insert_sql, percentile, progress, without_secondary_indexes

VOCABULARY = 6_000
ZIPF_POWER = 2.4  # word rank = VOCABULARY * random() ** ZIPF_POWER: low ranks are frequent
SYLLABLES = ["ba", "ko", "ri", "tan", "mel", "su", "dor", "vi", "len", "pa", "gro", "ise"]
SYLLABLES += ["mon", "ter", "al", "bri", "cu", "nos", "fe", "lam", "ho", "zar", "qui", "ent"]
BATCH_PHOTOS = 250_000
TARGET_P95_MS = 100.0
FIRST_PHOTO_ID = 40_000_000_000


def made_up_words(count: int) -> list[str]:
    """`count` distinct pronounceable words, the same every run."""
    rng = random.Random(7)
    words: list[str] = []
    seen: set[str] = set()
    while len(words) < count:
        word = "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(2, 4)))
        if word not in seen:
            seen.add(word)
            words.append(word)
    return words


def random_words(count: int) -> str:
    """SQL for `count` vocabulary words joined by spaces, each drawn Zipf-like."""
    draw = f"words[1 + floor({VOCABULARY} * power(random(), {ZIPF_POWER}))::int]"
    return " || ' ' || ".join([draw] * count)


def fill(cursor, *, photos: int, members: int, report) -> None:
    from commons.models import CommonsMember, CommonsPhoto
    from commons.search import SEARCH_CONFIG

    cursor.execute("SELECT setseed(0.42)")
    CommonsMember.objects.bulk_create(
        CommonsMember(
            nsid=f"{10_000_000 + number}@N0{number % 9}",
            name=f"Bench Archive {number}",
            path_alias=f"bench-archive-{number}",
            date_launch=f"{2008 + number % 17}-0{1 + number % 9}-15T00:00:00Z",
        )
        for number in range(members)
    )
    cursor.execute("SELECT min(id), max(id) FROM commons_commonsmember")
    first_id, last_id = cursor.fetchone()
    assert last_id - first_id + 1 == members, "a fresh table numbers its rows one by one"
    words = made_up_words(VOCABULARY)
    array = "ARRAY[" + ", ".join(f"'{word}'" for word in words) + "]"
    licences = "(ARRAY['nkcr', 'pdm', 'cc0-1.0', 'cc-by-2.0', 'usgov', 'cc-by-4.0'])"
    member = f"{first_id} + floor({members} * power(random(), 2))::int"
    source = (
        "(SELECT g, title, description, tags, "
        "title || ' ' || description || ' ' || tags || extra AS document FROM ("
        f"SELECT g, {random_words(4)} AS title, {random_words(12)} AS description, "
        f"{random_words(5)} AS tags, "
        f"CASE WHEN random() < 0.1 THEN ' ' || {random_words(6)} ELSE '' END AS extra "
        f"FROM generate_series(%(start)s, %(end)s) AS g, (SELECT {array} AS words) AS v"
        ") AS texts) AS s"
    )
    explicit = {
        "photo_id": f"({FIRST_PHOTO_ID} + g * 1000)::text",
        "member_id": member,
        "title": "initcap(title)",
        "description": "description",
        "tags": "tags",
        "licence_id": f"{licences}[1 + (g % 6)]",
        "media": "'photo'",
        "date_uploaded": f"timestamp '2008-01-16' + (g * interval '1 second' * {7e8 / photos})",
        "views": "floor(power(random(), 3) * 200000)::bigint",
        "count_comments": "(g % 10 = 0)::int * 3",
        "comments_fetched_count": "(g % 10 = 0)::int * 3",
        "count_faves": "floor(random() * 20)::int",
        "thumbnail_url": (
            f"'https://live.staticflickr.com/65535/' || ({FIRST_PHOTO_ID} + g * 1000) "
            "|| '_0a1b2c3d4e_q.jpg'"
        ),
        "thumbnail_width": "150",
        "thumbnail_height": "150",
        "search_text": "document",
        "search_vector": f"to_tsvector('{SEARCH_CONFIG}', document)",
        "seen_in_crawl": "1",
    }
    with without_secondary_indexes(cursor, CommonsPhoto._meta.db_table, report):
        for start in range(1, photos + 1, BATCH_PHOTOS):
            end = min(photos, start + BATCH_PHOTOS - 1)
            sql = insert_sql(CommonsPhoto, explicit, source % {"start": start, "end": end})
            cursor.execute(sql)
            report(f"  {end:,} photos")
    cursor.execute(
        "UPDATE commons_commonsmember m SET photo_count = c.photos, view_count = c.views "
        "FROM (SELECT member_id, count(*) AS photos, sum(views) AS views "
        "FROM commons_commonsphoto GROUP BY member_id) c WHERE c.member_id = m.id"
    )


def word_frequencies(cursor, words: list[str]) -> dict[str, int]:
    """How many photos each word is in (from the statistics of the tsvector column)."""
    cursor.execute(
        "SELECT word, ndoc FROM ts_stat('SELECT search_vector FROM commons_commonsphoto "
        "TABLESAMPLE SYSTEM (2)')"
    )
    sampled = dict(cursor.fetchall())
    return {word: sampled.get(word, 0) * 50 for word in words}


def queries(words: list[str], rng: random.Random, count: int) -> list[tuple[str, str]]:
    """(class, query) pairs: every class of query, in equal shares, shuffled."""

    def word(first: int, last: int) -> str:
        return words[rng.randrange(first, last)]

    classes = {
        "one common word": lambda: word(0, 20),
        "one mid word": lambda: word(200, 1000),
        "one rare word": lambda: word(3000, VOCABULARY),
        "two words (AND)": lambda: f"{word(0, 300)} {word(0, 3000)}",
        "quoted phrase": lambda: f'"{word(0, 1000)} {word(0, 1000)}"',
        "no match": lambda: f"zzz{rng.randrange(10**6)}",
    }
    names = list(classes)
    chosen = [(names[i % len(names)], classes[names[i % len(names)]]()) for i in range(count)]
    rng.shuffle(chosen)
    return chosen


def measure(args: argparse.Namespace) -> str:
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from commons.models import CommonsPhoto

    size, count, load_seconds = bulk_load(
        lambda cursor: fill(cursor, photos=args.photos, members=args.members, report=progress),
        table=CommonsPhoto._meta.db_table,
        also_analyse=["commons_commonsmember"],
        maintenance_work_mem="1GB",
    )
    words = made_up_words(VOCABULARY)
    with connection.cursor() as cursor:
        frequencies = word_frequencies(cursor, [words[0], words[500], words[5000]])

    client = Client()
    url = reverse("commons:search")
    rng = random.Random(args.seed)
    for _cls, query in queries(words, rng, 60):  # warm-up: connection, plans, caches
        client.get(url, {"q": query}, secure=True)
    timings: dict[str, list[float]] = defaultdict(list)
    for cls, query in queries(words, rng, args.searches):
        before = time.perf_counter()
        response = client.get(url, {"q": query}, secure=True)
        timings[cls].append((time.perf_counter() - before) * 1000)
        if response.status_code != 200:
            raise SystemExit(f"GET {url}?q={query} answered {response.status_code}")
    everything = [ms for values in timings.values() for ms in values]
    p95 = percentile(everything, 0.95)
    verdict = "meets" if p95 <= TARGET_P95_MS else "MISSES"
    lines = [
        f"Commons search on PostgreSQL: {count:,} photos ({size} with indexes), "
        f"{args.members} members, {len(everything)} searches, {today()}",
        "",
        f"{'load (generate_series, indexes, ANALYZE)':<44}{load_seconds:>8.0f}s",
        "photos holding a word (estimated from a 2 % sample):",
        *(f"  {word:<42}{n:>10,}" for word, n in frequencies.items()),
        "GET /commons/search/?q=..., wall time in this process (view, ORM, template):",
        f"{'all searches p50':<44}{percentile(everything, 0.50):>8.1f} ms",
        f"{'all searches p95':<44}{p95:>8.1f} ms   ({verdict} the target of <= "
        f"{TARGET_P95_MS:.0f} ms)",
        f"{'all searches max':<44}{max(everything):>8.1f} ms",
        *(
            f"{'  ' + cls + ' p50, p95':<44}{percentile(values, 0.5):>8.1f} ms, "
            f"{percentile(values, 0.95):.1f} ms"
            for cls, values in sorted(timings.items())
        ),
    ]
    return "\n".join(lines)


def serve_static_names_unhashed() -> None:
    """Template `{% static %}` tags without a collectstatic manifest (none exists here)."""
    from django.conf import settings

    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--photos", type=int, default=2_000_000, help="photos to load")
    parser.add_argument("--members", type=int, default=120, help="members to spread them on")
    parser.add_argument("--searches", type=int, default=600, help="timed searches")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    if args.photos < args.members or args.members < 1 or args.searches < 6:
        parser.error(
            f"need --photos >= --members >= 1 and --searches >= 6, got {args.photos!r}, "
            f"{args.members!r}, {args.searches!r}"
        )
    with work_folder() as folder:
        database = ThrowawayDatabase.create("postgres", folder)
        try:
            environment = bench_environment(database_url=database.url, media_root=folder)
            environment["ALLOWED_HOSTS"] = "testserver"
            setup_django(environment, migrate=True)
            serve_static_names_unhashed()
            print(measure(args))
        finally:
            database.drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
