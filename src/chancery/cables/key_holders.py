"""The cables' wrapped data keys, for key rotation and retirement (see :mod:`chancery.vault.key_holders`)."""

from __future__ import annotations

from functools import partial

from chancery.cables.models import Cable
from chancery.vault.key_holders import KeyHolder, register_key_holder
from chancery.vault.text_sealing import wrap_context

register_key_holder(KeyHolder(name="cables.cable", model=Cable, wrap_context=partial(wrap_context, "cable")))
