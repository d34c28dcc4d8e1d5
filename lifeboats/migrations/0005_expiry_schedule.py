"""Schedule the hourly expiry (lifeboats.expiry.expire_due_lifeboats).

Idempotent: the schedule is found by name and updated, never duplicated."""

from django.db import migrations

SCHEDULE_NAME = "Expire lifeboats past their download window"
FUNC = "lifeboats.expiry.expire_due_lifeboats"


def add_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.update_or_create(
        name=SCHEDULE_NAME,
        defaults={"func": FUNC, "schedule_type": "H", "repeats": -1},
    )


def remove_schedule(apps, schema_editor):
    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.filter(name=SCHEDULE_NAME, func=FUNC).delete()


class Migration(migrations.Migration):
    dependencies = [("lifeboats", "0004_sweep_stalled_builds_schedule")]

    operations = [migrations.RunPython(add_schedule, remove_schedule)]
