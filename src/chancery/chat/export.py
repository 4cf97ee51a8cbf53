"""Exporting a channel to an archive: a zip holding ``messages.json`` and a self-contained ``channel.html``.

The JSON carries every message with its metadata (id, author, time, marking, vault attachment ids,
mentions) and its text; the HTML is a readable rendering with its own styles and no scripts or outside
references, so it opens anywhere, offline. Bodies are rendered with the cables' safe Markdown subset.
"""

from __future__ import annotations

import io
import json
import zipfile
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from django.utils.translation import gettext as _

from chancery.audit.services import audit_record
from chancery.cables.rendering import markdown_to_html
from chancery.chat import sealing
from chancery.chat.models import Channel, Message
from chancery.chat.selectors import channel_key
from chancery.platform import access
from chancery.platform.actor import Actor
from chancery.platform.enums import Classification
from chancery.platform.errors import NotFound

FORMAT = "chancery-chat-export/1"
STYLE = (
    "body{font-family:system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem;color:#111}"
    ".marking{font-weight:bold;text-transform:uppercase;border:2px solid #900;padding:.25rem .5rem}"
    "article{border-top:1px solid #ccc;padding:.5rem 0}header{color:#444;font-size:.9rem}"
)


@dataclass(frozen=True, slots=True)
class ExportArchive:
    """An exported channel: the zip's bytes, a file name and the number of messages in it."""

    content: bytes
    filename: str
    message_count: int


def _label(classification: int) -> str:
    return str(Classification(classification).label)


def _messages(channel: Channel, key: sealing.ChannelKey) -> list[dict[str, Any]]:
    rows = Message.objects.filter(channel_id=channel.pk).select_related("author").order_by("id")
    mentioned_ids = {int(i) for message in rows for i in message.mentioned_ids}
    names = dict(get_user_model().objects.filter(pk__in=mentioned_ids).values_list("pk", "username"))
    return [
        {
            "id": message.pk,
            "author": message.author.get_username(),
            "author_name": message.author.get_full_name(),
            "posted_at": message.created_at.isoformat(),
            "classification": message.classification,
            "marking": _label(message.classification),
            "attachments": [int(i) for i in message.attachment_ids],
            "mentions": [names.get(int(i), str(i)) for i in message.mentioned_ids],
            "text": sealing.text_open(key, message.body_sealed),
        }
        for message in rows
    ]


def _html(channel: dict[str, Any], messages: list[dict[str, Any]]) -> str:
    items = []
    for message in messages:
        attachments = ""
        if message["attachments"]:
            listed = ", ".join(f"#{int(i)}" for i in message["attachments"])
            attachments = f"<p>{escape(_('Vault documents attached:'))} {escape(listed)}</p>"
        items.append(
            "<article>"
            f"<header><strong>{escape(message['author_name'] or message['author'])}</strong> "
            f'<time datetime="{escape(message["posted_at"])}">{escape(message["posted_at"])}</time> '
            f"({escape(message['marking'])})</header>"
            f"{markdown_to_html(message['text'])}{attachments}</article>"
        )
    title = escape(channel["name"] or _("Direct messages"))
    return (
        '<!DOCTYPE html>\n<html lang="vi"><head><meta charset="utf-8">'
        f"<title>{title}</title><style>{STYLE}</style></head><body>"
        f'<p class="marking">{escape(channel["marking"])}</p>'
        f"<h1>{title}</h1>"
        f"<p>{escape(_('Exported at'))} {escape(channel['exported_at'])} {escape(_('by'))} "
        f"{escape(channel['exported_by'])} · {escape(_('Messages'))}: {len(messages)}</p>"
        f"<main>{''.join(items) or '<p>' + escape(_('No messages.')) + '</p>'}</main>"
        f'<p class="marking">{escape(channel["marking"])}</p></body></html>\n'
    )


def _archive(channel_meta: dict[str, Any], messages: list[dict[str, Any]]) -> bytes:
    buffer = io.BytesIO()
    document = {"format": FORMAT, "channel": channel_meta, "messages": messages}
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("messages.json", json.dumps(document, ensure_ascii=False, indent=2))
        archive.writestr("channel.html", _html(channel_meta, messages))
    return buffer.getvalue()


def channel_export(*, actor: Actor, channel_id: int, now: datetime | None = None) -> ExportArchive:
    """Return the channel's archive (zip: ``messages.json`` and ``channel.html``).

    Needs ``chat.export`` (security officers of headquarters or of the channel's unit, and the channel's
    managers); NotFound for a missing channel or one the actor may neither read nor export. Emits
    ``chat.exported`` with the message count.
    """
    channel = Channel.objects.select_related("organisation").filter(pk=channel_id).first()
    if channel is None:
        raise NotFound(_("No such channel, or you are not a member of it."))
    if not access.can(actor, "chat.export", channel) and not access.can(actor, "chat.view", channel):
        raise NotFound(_("No such channel, or you are not a member of it."))  # outsiders learn nothing
    access.require(actor, "chat.export", channel)
    moment = now or timezone.now()
    with transaction.atomic():
        messages = _messages(channel, channel_key(channel))
        meta = {
            "id": channel.pk,
            "name": channel.name,
            "kind": channel.kind,
            "organisation": channel.organisation.code,
            "ceiling": channel.ceiling,
            "marking": _label(channel.ceiling),
            "retention_days": channel.retention_days,
            "legal_hold": channel.on_legal_hold,
            "exported_at": moment.isoformat(),
            "exported_by": actor.username,
        }
        content = _archive(meta, messages)
        audit_record(
            actor=actor,
            action="chat.exported",
            object_type="chat.channel",
            object_id=channel.pk,
            classification=channel.ceiling,
            detail={"messages": len(messages), "bytes": len(content)},
        )
    filename = f"chat-{channel.pk}-{moment:%Y%m%d-%H%M%S}.zip"
    return ExportArchive(content=content, filename=filename, message_count=len(messages))
