"""``chancery keys rotate|list|retire`` and ``chancery vault sweep|dispose`` in process."""

from __future__ import annotations

import pytest

from chancery.cli import main
from chancery.identity.models import User
from chancery.vault.models import DocumentVersion
from tests.conftest import actor_of
from tests.vault.helpers import download, upload

pytestmark = pytest.mark.django_db(transaction=True)


def test_keys_rotate_then_list_shows_the_old_key_retired(
    desk_officer: User, capsys: pytest.CaptureFixture[str]
) -> None:
    document = upload(actor_of(desk_officer))
    old = DocumentVersion.objects.get().kek_id
    assert main(["keys", "rotate"]) == 0
    assert "1 data key(s) rewrapped" in capsys.readouterr().out
    assert DocumentVersion.objects.get().kek_id != old
    assert main(["keys", "list"]) == 0
    listing = capsys.readouterr().out
    assert f"{old}  retired" in listing
    assert "active    created" in listing
    assert download(actor_of(desk_officer), document)


def test_keys_rotate_keep_old_then_retire(desk_officer: User, capsys: pytest.CaptureFixture[str]) -> None:
    upload(actor_of(desk_officer))
    old = DocumentVersion.objects.get().kek_id
    assert main(["keys", "rotate", "--keep-old"]) == 0
    assert "Retired: none" in capsys.readouterr().out
    assert main(["keys", "retire"]) == 0
    assert old in capsys.readouterr().out


def test_vault_sweep_and_dispose(desk_officer: User, capsys: pytest.CaptureFixture[str]) -> None:
    upload(actor_of(desk_officer))
    assert main(["vault", "sweep", "--grace", "0"]) == 0
    assert "Removed 0 orphaned blob(s)" in capsys.readouterr().out
    assert main(["vault", "dispose"]) == 0
    assert "Disposed of 0 document(s)" in capsys.readouterr().out


def test_vault_reindex_restores_search_after_the_key_changes(
    desk_officer: User, settings: pytest.FixtureRequest, capsys: pytest.CaptureFixture[str]
) -> None:
    from chancery.vault import search

    document = upload(actor_of(desk_officer), b"reciprocal visa exemption")
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40  # type: ignore[attr-defined]
    found = lambda: list(search.document_search_queryset(actor=actor_of(desk_officer), query="visa"))  # noqa: E731
    assert found() == []
    assert main(["vault", "reindex"]) == 0
    assert "Re-indexed 1 document(s)." in capsys.readouterr().out
    assert found() == [document]
