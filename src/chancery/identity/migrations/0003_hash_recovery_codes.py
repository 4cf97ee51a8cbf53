"""Store every existing recovery code as its own salted slow hash and erase allauth's seed (ASVS 6.5.2).

Hashes cannot be turned back into codes, so the codes are regenerated from each (encrypted) seed here,
once, and only the unused ones are hashed. A seed that no configured key opens yields no usable code
already; its row is removed and the owner issues new codes from the two-factor page.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations


def hash_codes(apps: Any, schema_editor: Any) -> None:
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    from chancery.identity import recovery
    from chancery.identity.crypto import SecretDecryptionError

    authenticator_model = apps.get_model("mfa", "Authenticator")
    for row in authenticator_model.objects.filter(type="recovery_codes").iterator():
        if recovery.is_hashed(row.data):
            continue
        try:
            codes = RecoveryCodes(row).get_unused_codes()
        except SecretDecryptionError:
            row.delete()
            continue
        row.data = recovery.hashed_data(list(codes), slotted=False)
        row.save(update_fields=["data"])


class Migration(migrations.Migration):
    dependencies = [
        ("identity", "0002_one_time_passwords_and_mfa_reset"),
        ("mfa", "0003_authenticator_type_uniq"),
    ]

    # One way only: the seed is gone by design; hashed codes keep working after a reversal of this step.
    operations = [migrations.RunPython(hash_codes, migrations.RunPython.noop)]
