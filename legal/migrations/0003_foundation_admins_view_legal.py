"""Let the "Foundation admins" group read the legal models in the Django admin."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Foundation admins"
PERMISSIONS = ["view_agreementversion", "view_agreementsignature", "view_agreementevent"]


def grant(apps, schema_editor):
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


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group = Group.objects.filter(name=GROUP).first()
    if group is not None:
        group.permissions.remove(
            *Permission.objects.filter(content_type__app_label="legal", codename__in=PERMISSIONS)
        )


class Migration(migrations.Migration):
    dependencies = [
        ("legal", "0002_first_agreement"),
        ("portal", "0002_foundation_admins_group"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant, revoke)]
