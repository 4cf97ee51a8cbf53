"""docs/deployment.md lists every communication need (ASVS V13.1.1): each endpoint setting is documented."""

from __future__ import annotations

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SETTINGS = ROOT / "src" / "chancery" / "config" / "settings.py"
DEPLOYMENT = ROOT / "docs" / "deployment.md"

# A setting naming another system to connect to: env_str("…_URL") or env_str("…_HOST").
ENDPOINT_SETTING = re.compile(r'env_str\("([A-Z0-9_]+_(?:URL|HOST))"')
NOT_A_PEER = {"SITE_URL"}  # Chancery's own public address (documented with the proxy)


def test_every_endpoint_setting_is_in_the_communication_table() -> None:
    names = set(ENDPOINT_SETTING.findall(SETTINGS.read_text(encoding="utf-8"))) - NOT_A_PEER
    assert {"DATABASE_URL", "REDIS_URL", "SMTP_HOST", "JITSI_URL"} <= names
    text = DEPLOYMENT.read_text(encoding="utf-8")
    table = text.split("## Communication needs", 1)[1].split("\n## ", 1)[0]
    missing = sorted(name for name in names if f"CHANCERY_{name}" not in table)
    assert missing == [], f"add these to docs/deployment.md's communication table: {missing}"


def test_every_peer_kind_the_issue_names_is_listed() -> None:
    table = DEPLOYMENT.read_text(encoding="utf-8").split("## Communication needs", 1)[1].split("\n## ", 1)[0]
    for peer in (
        "PostgreSQL",
        "Redis",
        "SMTP",
        "S3",
        "Jitsi",
        "feeds",
        "Social platforms",
        "TAXII",
        "webhook",
        "witnesses",
    ):
        assert peer in table, peer
