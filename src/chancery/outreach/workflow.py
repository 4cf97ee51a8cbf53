"""The approval workflow's arithmetic: which step a post is at and which approvals still count.

An approval counts only for the exact text it approved (its SHA-256), so changing a language version
expires that version's approvals. A step is passed when, for BOTH language versions, one of its approvers
(mode ``any``) or every one of them except the author (mode ``all``) has approved the current text.
Steps are passed in order. An outside approver's decision through a signed link
(:mod:`chancery.outreach.links`) counts as one approval of an ``any`` step; it is stored without a user
and appears here as the negative id of its link.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from chancery.outreach.content import version_sha256
from chancery.outreach.enums import Language, StepMode
from chancery.outreach.models import Approval, ApprovalStep, Post


def text_sha256(text: str) -> str:
    """Return the hex SHA-256 of a language version's text (what an approval is bound to)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class StepStatus:
    """A step with, per language, the ids of the approvers whose approval still counts."""

    step: ApprovalStep
    approved_by: dict[str, frozenset[int]]
    required: frozenset[int]
    passed: bool


def steps_of(post: Post) -> list[ApprovalStep]:
    """Return the steps of the post's unit workflow, in order (approvers prefetched)."""
    return list(ApprovalStep.objects.filter(organisation_id=post.organisation_id).prefetch_related("approvers"))


def step_statuses(post: Post) -> list[StepStatus]:
    """Return every step of the post's workflow with the approvals that count for the current texts."""
    digests = {language: version_sha256(post, language) for language in Language.values}
    approvals = [
        (step_id, lang, approver if approver is not None else -(link or 0), digest)
        for step_id, lang, approver, link, digest in Approval.objects.filter(post=post).values_list(
            "step_id", "language", "approver_id", "link_id", "text_sha256"
        )
    ]
    statuses = []
    for step in steps_of(post):
        approvers = frozenset(user.pk for user in step.approvers.all()) - {post.author_id}
        approved = {
            language: frozenset(
                approver
                for step_id, lang, approver, digest in approvals
                if step_id == step.pk
                and lang == language
                and digest == digests[language]
                and (approver in approvers or (approver < 0 and step.mode == StepMode.ANY))
            )
            for language in Language.values
        }
        if step.mode == StepMode.ALL:
            passed = bool(approvers) and all(approved[lang] >= approvers for lang in Language.values)
        else:
            passed = all(approved[lang] for lang in Language.values)
        statuses.append(StepStatus(step=step, approved_by=approved, required=approvers, passed=passed))
    return statuses


def current_step(post: Post) -> ApprovalStep | None:
    """Return the first step not yet passed (None when every step is passed)."""
    for status in step_statuses(post):
        if not status.passed:
            return status.step
    return None
