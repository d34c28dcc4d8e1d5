"""Schedule the builder's sweeper (lifeboats.tasks.sweep_stalled_builds) every five minutes.

Idempotent: the schedule is found by name and updated, never duplicated."""

from django.db import migrations

SCHEDULE_NAME = "Resume stalled lifeboat builds"
FUNC = "lifeboats.tasks.sweep_stalled_builds"


def add_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.update_or_create(
        name=SCHEDULE_NAME,
        defaults={"func": FUNC, "schedule_type": "I", "minutes": 5, "repeats": -1},
    )


def remove_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.filter(name=SCHEDULE_NAME, func=FUNC).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("lifeboats", "0003_builder_claims_response_cache"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [migrations.RunPython(add_schedule, remove_schedule)]
