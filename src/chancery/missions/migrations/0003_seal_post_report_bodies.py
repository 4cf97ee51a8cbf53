"""Seal post-report bodies at rest: each report gets its own data key, wrapped by the vault's keyring."""

from typing import Any

from django.db import migrations, models

from chancery.vault import text_sealing


def seal_bodies(apps: Any, schema_editor: Any) -> None:
    PostReport = apps.get_model("missions", "PostReport")
    for report in PostReport.objects.all().iterator():
        key = text_sealing.key_new(domain="report")
        report.key_id, report.kek_id, report.wrapped_key = key.key_id, key.kek_id, key.wrapped
        report.body_sealed = text_sealing.text_seal(key, report.body, role="body")
        report.save(update_fields=["key_id", "kek_id", "wrapped_key", "body_sealed"])


def open_bodies(apps: Any, schema_editor: Any) -> None:
    PostReport = apps.get_model("missions", "PostReport")
    for report in PostReport.objects.all().iterator():
        key = text_sealing.key_open(
            domain="report", key_id=report.key_id, kek_id=report.kek_id, wrapped=bytes(report.wrapped_key)
        )
        report.body = text_sealing.text_open(key, bytes(report.body_sealed), role="body")
        report.save(update_fields=["body"])


class Migration(migrations.Migration):
    dependencies = [("missions", "0002_post_report")]

    operations = [
        migrations.AddField(
            model_name="postreport",
            name="body_sealed",
            field=models.BinaryField(default=b"", verbose_name="body (sealed)"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="postreport",
            name="key_id",
            field=models.CharField(default="", max_length=32, verbose_name="key id"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="postreport",
            name="kek_id",
            field=models.CharField(default="", max_length=64, verbose_name="key-encryption key id"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="postreport",
            name="wrapped_key",
            field=models.BinaryField(null=True, verbose_name="wrapped data key"),
        ),
        migrations.AlterField(
            model_name="postreport",
            name="body",
            field=models.TextField(default="", verbose_name="body"),
        ),
        migrations.RunPython(seal_bodies, open_bodies),
        migrations.RemoveField(model_name="postreport", name="body"),
    ]
