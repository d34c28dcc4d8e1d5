"""Schedule the nightly Commons crawl (commons.tasks.crawl_commons, daily, next run at 02:30
UTC) and its sweeper (commons.tasks.sweep_stalled_crawls, every ten minutes), which resumes
a crawl whose worker died, and starts the first crawl of a catalogue never crawled.

Idempotent: each schedule is found by name and updated, never duplicated; an existing
nightly schedule keeps its next run (an operator may have moved it)."""

from datetime import UTC, datetime, time, timedelta

from django.db import migrations

CRAWL_SCHEDULE = "Crawl Flickr Commons"
CRAWL_FUNC = "commons.tasks.crawl_commons"
CRAWL_AT = time(2, 30, tzinfo=UTC)
SWEEP_SCHEDULE = "Resume a stalled Commons crawl"
SWEEP_FUNC = "commons.tasks.sweep_stalled_crawls"


def next_crawl_time(now: datetime) -> datetime:
    today = datetime.combine(now.date(), CRAWL_AT)
    return today if today > now else today + timedelta(days=1)


def add_schedules(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    crawl, created = Schedule.objects.get_or_create(
        name=CRAWL_SCHEDULE,
        defaults={
            "func": CRAWL_FUNC,
            "schedule_type": "D",
            "repeats": -1,
            "next_run": next_crawl_time(datetime.now(UTC)),
        },
    )
    if not created:
        crawl.func, crawl.schedule_type, crawl.repeats = CRAWL_FUNC, "D", -1
        crawl.save(update_fields=["func", "schedule_type", "repeats"])
    Schedule.objects.update_or_create(
        name=SWEEP_SCHEDULE,
        defaults={"func": SWEEP_FUNC, "schedule_type": "I", "minutes": 10, "repeats": -1},
    )


def remove_schedules(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.filter(name=CRAWL_SCHEDULE, func=CRAWL_FUNC).delete()
    Schedule.objects.filter(name=SWEEP_SCHEDULE, func=SWEEP_FUNC).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("commons", "0002_search_index"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(add_schedules, remove_schedules)]
