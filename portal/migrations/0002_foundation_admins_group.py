"""Create the "Foundation admins" group with the permissions to review organisations."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Foundation admins"
PERMISSIONS = [
    "review_organisation",
    "view_organisation",
    "change_organisation",
    "view_organisationflickraccount",
    "add_organisationflickraccount",
    "change_organisationflickraccount",
    "delete_organisationflickraccount",
    "view_membership",
    "add_membership",
    "change_membership",
    "delete_membership",
    "view_organisationevent",
    "view_user",
    "view_apitoken",
    "change_apitoken",
]


def create_group(apps, schema_editor):
    # Permissions are normally created after all migrations; the group needs them now.
    portal_config = apps.get_app_config("portal")
    portal_config.models_module = True
    create_permissions(portal_config, apps=apps, verbosity=0)
    portal_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    group.permissions.add(
        *Permission.objects.filter(content_type__app_label="portal", codename__in=PERMISSIONS)
    )


def delete_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("portal", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, delete_group)]
