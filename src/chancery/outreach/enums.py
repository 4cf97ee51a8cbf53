"""Choices of the outreach app: platforms, languages, post and target states, approval step modes."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class PlatformChoice(models.TextChoices):
    """A social platform (see :class:`chancery.outreach.platforms.Platform`)."""

    MASTODON = "mastodon", "Mastodon"
    BLUESKY = "bluesky", "Bluesky"
    X = "x", "X"
    FACEBOOK = "facebook", "Facebook"


class AccountStatus(models.TextChoices):
    """Whether an account's credentials work: connected, needing a new sign-in, or disconnected."""

    CONNECTED = "connected", pgettext_lazy("outreach account status", "Connected")
    REAUTHORISE = "reauthorise", pgettext_lazy("outreach account status", "Needs a new sign-in")
    DISCONNECTED = "disconnected", pgettext_lazy("outreach account status", "Disconnected")


class Language(models.TextChoices):
    """The two language versions every post has."""

    VI = "vi", _("Vietnamese")
    EN = "en", _("English")


class PostState(models.TextChoices):
    """Where a post is: drafting, approval, waiting for its time, publishing, done, or needing attention."""

    DRAFT = "draft", pgettext_lazy("outreach post state", "Draft")
    IN_APPROVAL = "in_approval", pgettext_lazy("outreach post state", "In approval")
    APPROVED = "approved", pgettext_lazy("outreach post state", "Approved")
    PUBLISHING = "publishing", pgettext_lazy("outreach post state", "Publishing")
    PUBLISHED = "published", pgettext_lazy("outreach post state", "Published")
    ATTENTION = "attention", pgettext_lazy("outreach post state", "Needs attention")


EDITABLE_STATES = frozenset({PostState.DRAFT, PostState.IN_APPROVAL, PostState.APPROVED})


class TargetState(models.TextChoices):
    """One platform account's copy of a post."""

    PENDING = "pending", pgettext_lazy("outreach target state", "Pending")
    RETRYING = "retrying", pgettext_lazy("outreach target state", "Retrying")
    PUBLISHED = "published", pgettext_lazy("outreach target state", "Published")
    FAILED = "failed", pgettext_lazy("outreach target state", "Failed")


class StepMode(models.TextChoices):
    """Whether one listed approver suffices (any of) or every one must approve (all of)."""

    ANY = "any", _("Any one of the approvers")
    ALL = "all", _("All of the approvers")


PRESS_ROLES = frozenset({"press_officer"})
MANAGER_ROLES = frozenset({"press_officer", "administrator"})
