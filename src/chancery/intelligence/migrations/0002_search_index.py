"""The item search index: FTS5 on SQLite (rowid = item id), a GIN-indexed tsvector on PostgreSQL (see intelligence/search.py)."""

from django.db import migrations

SQLITE_CREATE = "CREATE VIRTUAL TABLE intelligence_search USING fts5(body, tokenize = 'unicode61 remove_diacritics 2')"
POSTGRES_CREATE = [
    "CREATE TABLE intelligence_search (item_id bigint PRIMARY KEY, terms tsvector NOT NULL)",
    "CREATE INDEX intelligence_search_terms ON intelligence_search USING gin (terms)",
]


def create(apps, schema_editor):
    statements = POSTGRES_CREATE if schema_editor.connection.vendor == "postgresql" else [SQLITE_CREATE]
    for statement in statements:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    schema_editor.execute("DROP TABLE IF EXISTS intelligence_search")


class Migration(migrations.Migration):
    dependencies = [("intelligence", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
