"""Done-when: a negotiation runs end to end in the browser on the demo server.

A treaty officer registers an agreement with Japan, records two rounds (with minutes), tables a draft
at each (uploaded to the vault through its page) and reads the redline; records an internal position;
Japan's partner user adds a comment on its own side (and never sees the position); the officer
records conclusion, signature, ratification and entry into force for both parties. The security
officer then finds every one of those writes in the transparency log with a verified inclusion proof.
"""

from __future__ import annotations

import re
import secrets
import time
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import Browser, FilePayload, Page

from tests.e2e.demo import DemoServer, new_context

pytestmark = pytest.mark.browser
LOG_WAIT_SECONDS = 90
DRAFT_1 = "The Parties shall cooperate on trade."
DRAFT_2 = "The Parties shall cooperate closely on trade and investment."
POSITION = "Hold the regional value content at 40 per cent."
PARTNER_COMMENT = "Japan can accept the revised article 3."
MINUTES = "Both delegations agreed the chapter list."


def _open(browser: Browser, states: dict[str, Path], role: str) -> Page:
    return new_context(browser, state=states[role], locale="en-GB").new_page()


def _submit(page: Page, action_suffix: str) -> None:
    """Click the submit button of the form whose action ends with ``action_suffix`` and wait for the page."""
    page.locator(f'form[action$="{action_suffix}"] button[type=submit]').first.click()
    page.wait_for_load_state()


def _upload_draft(page: Page, base: str, title: str, text: str) -> int:
    page.goto(f"{base}/vault/upload/")
    payload: FilePayload = {"name": f"{title}.txt", "mimeType": "text/plain", "buffer": text.encode()}
    page.set_input_files("#id_file", files=[payload])
    page.fill("#id_title_en", title)
    page.select_option("#id_classification", "0")
    page.select_option("#id_language", "en")
    page.locator('form[enctype="multipart/form-data"] button[type=submit]').click()
    page.wait_for_url(re.compile(rf"{re.escape(base)}/vault/\d+/$"))
    return int(page.url.rstrip("/").rsplit("/", 1)[1])


def _record_event(page: Page, base: str, agreement_id: int, **fields: str) -> None:
    page.goto(f"{base}/agreements/{agreement_id}/")
    page.select_option("#id_kind", fields["kind"])
    page.select_option("#id_party", fields.get("party", ""))
    page.fill("#id_date", fields["date"])
    page.fill("#id_source", "Chancery browser test")
    if "notice" in fields:
        page.fill("#id_notice_number", fields["notice"])
    _submit(page, f"/agreements/{agreement_id}/events/")
    assert page.url == f"{base}/agreements/{agreement_id}/", page.locator("[role=alert]").all_inner_texts()


def _json(page: Page, url: str) -> Any:
    response = page.request.get(url)
    assert response.ok, response.text()[:300]
    return response.json()


def _logged(page: Page, base: str, record_id: str) -> bool:
    page.goto(f"{base}/transparency/?record_type=agreements.event&record_id={record_id}")
    return page.locator(".badge-success", has_text="Verified").count() == 1


def test_a_negotiation_runs_end_to_end_in_the_browser(
    browser: Browser, demo_server: DemoServer, signed_in_states: dict[str, Path]
) -> None:
    base = demo_server.base_url
    officer = _open(browser, signed_in_states, "treaty_officer")
    short_name = f"VN-JP E2E {secrets.token_hex(3)}"

    # Register the agreement and its two parties.
    officer.goto(f"{base}/agreements/new/")
    officer.fill("#id_short_name", short_name)
    officer.fill("#id_title_en", "Agreement on trade facilitation (browser test)")
    officer.fill("#id_title_vi", "Hiệp định về tạo thuận lợi thương mại (kiểm thử)")
    officer.select_option("#id_kind", "agreement")
    officer.select_option("#id_scope", "bilateral")
    officer.fill("#id_lead_department", "dept-law-treaties")
    officer.select_option("#id_classification", "0")
    officer.locator("main form.stacked button[type=submit]").click()
    officer.wait_for_url(re.compile(rf"{re.escape(base)}/agreements/\d+/$"))
    agreement_id = int(officer.url.rstrip("/").rsplit("/", 1)[1])
    for code in ("VN", "JP"):
        officer.fill("#id_country_code", code)
        _submit(officer, f"/agreements/{agreement_id}/parties/")
    parties = {
        p["country_code"]: str(p["id"]) for p in _json(officer, f"{base}/api/v1/agreements/{agreement_id}")["parties"]
    }
    assert set(parties) == {"VN", "JP"}
    _record_event(officer, base, agreement_id, kind="negotiations_opened", date="2025-01-10")

    # Two rounds, a draft tabled at each, minutes for the first.
    negotiation = f"{base}/agreements/{agreement_id}/negotiation/"
    for start, venue in (("2025-02-03", "Ha Noi"), ("2025-04-07", "Tokyo")):
        officer.goto(negotiation)
        officer.fill("#id_starts_on", start)
        officer.fill("#id_ends_on", start)
        officer.fill("#id_venue", venue)
        officer.fill("#id_outcome_summary", f"Progress in {venue}")
        _submit(officer, "/negotiation/rounds/")
        assert officer.url == negotiation
    rounds = _json(officer, f"{base}/api/v1/agreements/{agreement_id}/negotiation")["rounds"]
    assert [r["number"] for r in rounds] == [1, 2]
    officer.select_option("#id_minutes-round", str(rounds[0]["id"]))
    officer.fill("#id_minutes-text", MINUTES)
    _submit(officer, "/negotiation/minutes/")
    assert officer.locator(".round-minutes", has_text=MINUTES).count() == 1
    documents = [_upload_draft(officer, base, "Draft 1", DRAFT_1), _upload_draft(officer, base, "Draft 2", DRAFT_2)]
    for negotiation_round, document in zip(rounds, documents, strict=True):
        officer.goto(negotiation)
        officer.select_option("#id_round", str(negotiation_round["id"]))
        officer.fill("#id_label", f"Draft of round {negotiation_round['number']}")
        officer.fill("#id_document", str(document))
        _submit(officer, "/negotiation/drafts/")
        assert officer.url == negotiation
    officer.get_by_role("link", name="redline against the previous draft").click()
    officer.wait_for_load_state()
    assert officer.locator(".redline ins", has_text="closely").count() == 1
    assert officer.locator(".redline ins", has_text="investment").count() == 1

    # An internal position, classified.
    officer.goto(negotiation)
    officer.fill("#id_issue", "Rules of origin")
    officer.fill("#id_body", POSITION)
    officer.select_option("#id_classification", "20")
    _submit(officer, "/negotiation/positions/")
    assert officer.locator("#positions ~ ul", has_text=POSITION).count() == 1

    # Japan's partner user comments on its own side and sees neither positions nor minutes.
    partner = _open(browser, signed_in_states, "partner")
    partner.goto(negotiation)
    assert partner.locator("h1").inner_text().startswith("Negotiation of")
    partner.fill("#id_comment-body", PARTNER_COMMENT)
    _submit(partner, "/negotiation/comments/")
    assert partner.locator("#comments ~ ul", has_text=PARTNER_COMMENT).count() == 1
    content = partner.content()
    assert POSITION not in content
    assert MINUTES not in content
    officer.goto(negotiation)
    assert officer.locator("#comments ~ ul li", has_text=PARTNER_COMMENT).locator(".badge").inner_text() == "partner"

    # Conclusion, then signature, ratification and entry into force for each party.
    _record_event(officer, base, agreement_id, kind="concluded", date="2025-06-02")
    for code, ratified in (("VN", "2025-09-01"), ("JP", "2025-09-15")):
        _record_event(officer, base, agreement_id, kind="signature", party=parties[code], date="2025-07-01")
        _record_event(officer, base, agreement_id, kind="ratification", party=parties[code], date=ratified)
    _record_event(
        officer,
        base,
        agreement_id,
        kind="entry_into_force",
        party=parties["VN"],
        date="2025-10-15",
        notice="12/2025/TB-LPQT",
    )
    _record_event(officer, base, agreement_id, kind="entry_into_force", party=parties["JP"], date="2025-10-15")
    assert officer.locator("#facts ~ dl .badge").first.inner_text() == "In force"
    assert officer.locator("#timeline ~ ol li", has_text="12/2025/TB-LPQT").count() == 1
    # A guarded transition is refused on the page, naming the field, and nothing is saved.
    officer.select_option("#id_kind", "withdrawal")
    officer.select_option("#id_party", parties["JP"])
    officer.fill("#id_date", "2025-10-01")
    officer.fill("#id_source", "Chancery browser test")
    _submit(officer, f"/agreements/{agreement_id}/events/")
    assert officer.locator("#id_date_error").inner_text() == "Withdrawal cannot precede entry into force."
    assert officer.locator("#id_date").get_attribute("aria-invalid") == "true"

    # Every write of the negotiation is in the transparency log (the security officer checks proofs).
    detail = _json(officer, f"{base}/api/v1/agreements/{agreement_id}")
    state = _json(officer, f"{base}/api/v1/agreements/{agreement_id}/negotiation")
    events = detail["events"]
    assert len(events) == 8
    record_ids = [
        f"agreement-{agreement_id}",
        *(f"party-{party_id}" for party_id in parties.values()),
        *(f"event-{event['id']}" for event in events),
        *(f"round-{r['id']}" for r in state["rounds"]),
        *(f"draft-{d['id']}" for d in state["drafts"]),
    ]
    assert len(record_ids) == 1 + 2 + 8 + 2 + 2
    last_write = f"event-{max(event['id'] for event in events)}"
    auditor = _open(browser, signed_in_states, "security_officer")
    deadline = time.monotonic() + LOG_WAIT_SECONDS
    while not _logged(auditor, base, last_write):  # a checkpoint covering the last write is signed soon
        assert time.monotonic() < deadline, "no signed checkpoint covered the negotiation's writes in time"
        time.sleep(2)
    missing = [record_id for record_id in record_ids if not _logged(auditor, base, record_id)]
    assert missing == []
    for page in (officer, partner, auditor):
        page.context.close()
