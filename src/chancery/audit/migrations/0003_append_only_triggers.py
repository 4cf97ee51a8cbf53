"""Refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL) of audit events with database triggers."""

from django.db import migrations


def install(apps, schema_editor):
    from chancery.audit.triggers import append_only_install

    append_only_install(schema_editor.connection)


def remove(apps, schema_editor):
    from chancery.audit.triggers import append_only_remove

    append_only_remove(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0002_actor_organisation"),
    ]

    operations = [
        migrations.RunPython(install, remove, elidable=False),
    ]
