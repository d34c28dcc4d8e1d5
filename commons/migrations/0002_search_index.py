"""The full-text index of the catalogue, on PostgreSQL only: SQLite searches without it."""

from django.db import migrations

INDEX_NAME = "commonsphoto_search_gin"


def create_search_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(
        f"CREATE INDEX IF NOT EXISTS {INDEX_NAME} "
        "ON commons_commonsphoto USING gin (search_vector)"
    )


def drop_search_index(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(f"DROP INDEX IF EXISTS {INDEX_NAME}")


class Migration(migrations.Migration):
    dependencies = [("commons", "0001_catalogue")]

    operations = [migrations.RunPython(create_search_index, drop_search_index)]
