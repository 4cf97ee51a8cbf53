"""The chat channels' wrapped data keys, for key rotation and retirement (see :mod:`chancery.vault.key_holders`)."""

from __future__ import annotations

from functools import partial

from chancery.chat.models import Channel
from chancery.vault.key_holders import KeyHolder, register_key_holder
from chancery.vault.text_sealing import wrap_context

register_key_holder(KeyHolder(name="chat.channel", model=Channel, wrap_context=partial(wrap_context, "chat")))
