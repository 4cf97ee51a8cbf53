"""The blind search index: FTS5 on SQLite (rowid = document id), a stored, GIN-indexed tsvector on PostgreSQL (see vault/search.py)."""

from django.db import migrations

SQLITE_CREATE = "CREATE VIRTUAL TABLE vault_search USING fts5(body, tokenize = 'ascii')"
# Tokens only (no positions, no source text), kept in the row up to 8 kB so that matching a row does not
# have to fetch and decompress a TOAST value.
POSTGRES_CREATE = [
    "CREATE TABLE vault_search (document_id bigint PRIMARY KEY, terms tsvector NOT NULL) "
    "WITH (toast_tuple_target = 8160)",
    "ALTER TABLE vault_search ALTER COLUMN terms SET STORAGE MAIN",
    "CREATE INDEX vault_search_terms ON vault_search USING gin (terms)",
]


def create(apps, schema_editor):
    statements = POSTGRES_CREATE if schema_editor.connection.vendor == "postgresql" else [SQLITE_CREATE]
    for statement in statements:
        schema_editor.execute(statement)


def drop(apps, schema_editor):
    schema_editor.execute("DROP TABLE IF EXISTS vault_search")


class Migration(migrations.Migration):
    dependencies = [("vault", "0001_initial")]

    operations = [migrations.RunPython(create, drop)]
