"""The licence policy (seeded with the defaults of DESIGN 8), consent requests and their
items, the foundation admins' permissions on them, and the consent schedules."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.contrib.auth.management import create_permissions
from django.db import migrations, models

import portal.models

# The licence policy of DESIGN 8, as installed: open licences are included, all rights
# reserved, NC and ND licences need the photographer's consent. Admins change it in the admin.
INCLUDE = [
    "cc0-1.0",
    "pdm",
    "nkcr",
    "usgov",
    "cc-by-2.0",
    "cc-by-sa-2.0",
    "cc-by-4.0",
    "cc-by-sa-4.0",
]
CONSENT = [
    "all-rights-reserved",
    "cc-by-nc-sa-2.0",
    "cc-by-nc-2.0",
    "cc-by-nc-nd-2.0",
    "cc-by-nd-2.0",
    "cc-by-nd-4.0",
    "cc-by-nc-4.0",
    "cc-by-nc-sa-4.0",
    "cc-by-nc-nd-4.0",
]
NOTES = {
    "include": "An open licence: the photo may be kept without asking.",
    "consent": "All rights reserved, NonCommercial or NoDerivatives: ask the photographer.",
}
GROUP = "Foundation admins"
PERMISSIONS = [
    "view_licencepolicy",
    "change_licencepolicy",
    "add_licencepolicy",
    "view_consentrequest",
    "view_consentitem",
]


def seed_policy(apps, schema_editor):
    LicencePolicy = apps.get_model("legal", "LicencePolicy")
    for decision, licence_ids in (("include", INCLUDE), ("consent", CONSENT)):
        for licence_id in licence_ids:
            LicencePolicy.objects.get_or_create(
                licence_id=licence_id, defaults={"decision": decision, "note": NOTES[decision]}
            )


def unseed_policy(apps, schema_editor):
    apps.get_model("legal", "LicencePolicy").objects.filter(updated_by__isnull=True).delete()


def grant_admin_permissions(apps, schema_editor):
    # Permissions are normally created after all migrations; the group needs them now.
    legal_config = apps.get_app_config("legal")
    legal_config.models_module = True
    create_permissions(legal_config, apps=apps, verbosity=0)
    legal_config.models_module = None
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="legal", codename__in=PERMISSIONS)
    )


def add_schedules(apps, schema_editor):
    from legal.consent import ensure_consent_schedules

    ensure_consent_schedules(schedule_model=apps.get_model("django_q", "Schedule"))


def remove_schedules(apps, schema_editor):
    from legal.consent import CONSENT_SCHEDULES

    Schedule = apps.get_model("django_q", "Schedule")
    Schedule.objects.filter(name__in=[schedule.name for schedule in CONSENT_SCHEDULES]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("legal", "0005_optouts"),
        ("lifeboats", "0004_sweep_stalled_builds_schedule"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("django_q", "0019_alter_task_options_alter_ormq_key_alter_ormq_lock_and_more"),
    ]

    operations = [
        migrations.CreateModel(
            name="ConsentRequest",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "owner_nsid",
                    models.CharField(
                        max_length=32,
                        validators=[portal.models.validate_nsid],
                        verbose_name="photographer's Flickr account id",
                    ),
                ),
                ("created_at", models.DateTimeField(default=django.utils.timezone.now)),
                (
                    "deadline",
                    models.DateTimeField(help_text="Photos still unanswered then are left out."),
                ),
                ("reminded_at", models.DateTimeField(blank=True, null=True)),
                (
                    "closed_at",
                    models.DateTimeField(
                        blank=True,
                        help_text="When the last photo was answered or expired.",
                        null=True,
                    ),
                ),
                (
                    "lifeboat",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="consent_requests",
                        to="lifeboats.lifeboat",
                    ),
                ),
                (
                    "recipient",
                    models.ForeignKey(
                        blank=True,
                        help_text="The portal account the request was sent to; empty when the photographer had none (the foundation contacts them on Flickr).",
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="consent_requests",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "ordering": ["-created_at", "-pk"],
            },
        ),
        migrations.CreateModel(
            name="ConsentItem",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                ("photo_id", models.CharField(max_length=32)),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("pending", "Waiting for an answer"),
                            ("granted", "Granted"),
                            ("refused", "Refused"),
                            ("expired", "No answer in time"),
                        ],
                        default="pending",
                        max_length=10,
                    ),
                ),
                (
                    "message",
                    models.TextField(
                        blank=True, help_text="What the photographer said, if anything."
                    ),
                ),
                ("decided_at", models.DateTimeField(blank=True, null=True)),
                (
                    "decided_by",
                    models.ForeignKey(
                        blank=True,
                        help_text="Empty when the window closed without an answer.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                (
                    "request",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="items",
                        to="legal.consentrequest",
                    ),
                ),
            ],
            options={
                "ordering": ["request", "pk"],
            },
        ),
        migrations.CreateModel(
            name="LicencePolicy",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "licence_id",
                    models.CharField(
                        help_text='The licence id of the package format, e.g. "cc-by-2.0" or "unknown-17".',
                        max_length=40,
                        unique=True,
                    ),
                ),
                (
                    "decision",
                    models.CharField(
                        choices=[
                            ("include", "Include"),
                            ("consent", "Ask the photographer's consent"),
                            ("block", "Block (leave the photo out)"),
                        ],
                        max_length=10,
                    ),
                ),
                ("note", models.TextField(blank=True, help_text="Why the foundation decided so.")),
                ("updated_at", models.DateTimeField(auto_now=True)),
                (
                    "updated_by",
                    models.ForeignKey(
                        blank=True,
                        help_text="Empty for the defaults the portal was installed with.",
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
            ],
            options={
                "verbose_name": "licence policy",
                "verbose_name_plural": "licence policy",
                "ordering": ["licence_id"],
            },
        ),
        migrations.AddIndex(
            model_name="consentrequest",
            index=models.Index(fields=["owner_nsid", "created_at"], name="legal_consent_owner"),
        ),
        migrations.AddIndex(
            model_name="consentrequest",
            index=models.Index(
                fields=["closed_at", "deadline"], name="legal_consent_open_deadline"
            ),
        ),
        migrations.AddConstraint(
            model_name="consentrequest",
            constraint=models.UniqueConstraint(
                fields=("lifeboat", "owner_nsid"), name="legal_consentrequest_one_per_photographer"
            ),
        ),
        migrations.AddConstraint(
            model_name="consentrequest",
            constraint=models.CheckConstraint(
                condition=models.Q(("owner_nsid", ""), _negated=True),
                name="legal_consentrequest_owner_not_empty",
            ),
        ),
        migrations.AddConstraint(
            model_name="consentrequest",
            constraint=models.CheckConstraint(
                condition=models.Q(("deadline__gte", models.F("created_at"))),
                name="legal_consentrequest_deadline_after_creation",
            ),
        ),
        migrations.AddIndex(
            model_name="consentitem",
            index=models.Index(fields=["photo_id"], name="legal_consentitem_photo"),
        ),
        migrations.AddConstraint(
            model_name="consentitem",
            constraint=models.UniqueConstraint(
                fields=("request", "photo_id"), name="legal_consentitem_once_per_request"
            ),
        ),
        migrations.AddConstraint(
            model_name="consentitem",
            constraint=models.CheckConstraint(
                condition=models.Q(("status__in", ["pending", "granted", "refused", "expired"])),
                name="legal_consentitem_status_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="consentitem",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("decided_at__isnull", True), ("status", "pending")),
                    models.Q(
                        models.Q(("status", "pending"), _negated=True),
                        ("decided_at__isnull", False),
                    ),
                    _connector="OR",
                ),
                name="legal_consentitem_decided_at_matches_status",
            ),
        ),
        migrations.AddConstraint(
            model_name="licencepolicy",
            constraint=models.CheckConstraint(
                condition=models.Q(("decision__in", ["include", "consent", "block"])),
                name="legal_licencepolicy_decision_valid",
            ),
        ),
        migrations.AddConstraint(
            model_name="licencepolicy",
            constraint=models.CheckConstraint(
                condition=models.Q(("licence_id", ""), _negated=True),
                name="legal_licencepolicy_licence_id_not_empty",
            ),
        ),
        migrations.RunPython(seed_policy, unseed_policy),
        migrations.RunPython(grant_admin_permissions, migrations.RunPython.noop),
        migrations.RunPython(add_schedules, remove_schedules),
    ]
