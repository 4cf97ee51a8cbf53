"""Platform accounts (credentials sealed), approval steps, posts with both language versions, targets.

Post texts are meant for publication and stay plain (they become public once approved); an account's
credentials are sealed under a per-account data key wrapped by the vault's keyring
(:mod:`chancery.vault.text_sealing`, registered in :mod:`chancery.outreach.key_holders`).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chancery.outreach.enums import AccountStatus, Language, PlatformChoice, PostState, StepMode, TargetState


class Account(models.Model):
    """A unit's account on a platform, posting in one language."""

    organisation = models.ForeignKey(
        "missions.Organisation", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="outreach_accounts"
    )
    platform = models.CharField(_("platform"), max_length=16, choices=PlatformChoice.choices)
    base_url = models.URLField(_("server address"))
    web_base_url = models.URLField(_("public web address"), blank=True)
    handle = models.CharField(_("handle"), max_length=200)
    language = models.CharField(_("language"), max_length=2, choices=Language.choices)
    max_characters = models.PositiveIntegerField(_("character limit reported"), null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    status = models.CharField(
        _("connection"), max_length=16, choices=AccountStatus.choices, default=AccountStatus.CONNECTED
    )
    status_detail = models.CharField(_("connection problem"), max_length=300, blank=True)
    token_expires_at = models.DateTimeField(_("access token expires"), null=True, blank=True)
    key_id = models.CharField(max_length=32, unique=True)
    kek_id = models.CharField(max_length=64)
    wrapped_key = models.BinaryField(null=True)
    credentials_sealed = models.BinaryField()
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("platform account")
        verbose_name_plural = _("platform accounts")
        ordering = ["organisation_id", "platform", "handle"]

    def __str__(self) -> str:
        return f"{self.platform}:{self.handle}"


class ApprovalStep(models.Model):
    """One tier of a unit's approval workflow; steps are passed in ``position`` order."""

    organisation = models.ForeignKey(
        "missions.Organisation", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="outreach_steps"
    )
    position = models.PositiveSmallIntegerField(_("position"))
    name = models.CharField(_("name"), max_length=100)
    mode = models.CharField(_("mode"), max_length=3, choices=StepMode.choices, default=StepMode.ANY)
    approvers = models.ManyToManyField(settings.AUTH_USER_MODEL, verbose_name=_("approvers"), related_name="+")

    class Meta:
        verbose_name = _("approval step")
        verbose_name_plural = _("approval steps")
        ordering = ["organisation_id", "position"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "position"], name="outreach_step_position_unique")
        ]

    def __str__(self) -> str:
        return f"{self.organisation_id}/{self.position}: {self.name}"


class Campaign(models.Model):
    """A unit's named series of posts (both languages), from a start day to an optional end day."""

    organisation = models.ForeignKey(
        "missions.Organisation", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="outreach_campaigns"
    )
    name_vi = models.CharField(_("Vietnamese name"), max_length=200)
    name_en = models.CharField(_("English name"), max_length=200)
    starts_on = models.DateField(_("starts"))
    ends_on = models.DateField(_("ends"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        ordering = ["-starts_on", "pk"]

    def __str__(self) -> str:
        return self.name_en


class Post(models.Model):
    """A statement in Vietnamese and English for one or more platform accounts and the ministry's channel."""

    organisation = models.ForeignKey(
        "missions.Organisation", verbose_name=_("unit"), on_delete=models.PROTECT, related_name="outreach_posts"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("author"), on_delete=models.PROTECT, related_name="outreach_posts"
    )
    title = models.CharField(_("working title"), max_length=200)
    campaign = models.ForeignKey(
        Campaign, verbose_name=_("campaign"), on_delete=models.SET_NULL, null=True, blank=True, related_name="posts"
    )
    text_vi = models.TextField(_("Vietnamese text"))
    text_en = models.TextField(_("English text"))
    ai_assisted = models.BooleanField(_("AI-assisted text"), default=False)
    state = models.CharField(_("state"), max_length=16, choices=PostState.choices, default=PostState.DRAFT)
    scheduled_for = models.DateTimeField(_("scheduled for"), db_index=True)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    statement_published_at = models.DateTimeField(_("on the ministry's channel since"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)

    class Meta:
        verbose_name = _("post")
        verbose_name_plural = _("posts")
        ordering = ["scheduled_for", "pk"]

    def __str__(self) -> str:
        return f"post {self.pk}"

    def text(self, language: str) -> str:
        """Return the version in ``language`` (``"vi"`` or ``"en"``)."""
        return self.text_vi if language == Language.VI else self.text_en


class Target(models.Model):
    """A post's copy on one account, with the idempotency key fixed before the first attempt."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="targets")
    account = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="targets")
    idempotency_key = models.CharField(max_length=64, unique=True)
    state = models.CharField(max_length=16, choices=TargetState.choices, default=TargetState.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(null=True, blank=True, db_index=True)
    claimed_until = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)
    remote_id = models.CharField(max_length=600, blank=True)
    url = models.URLField(max_length=600, blank=True)
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("publishing target")
        verbose_name_plural = _("publishing targets")
        ordering = ["post_id", "pk"]
        constraints = [models.UniqueConstraint(fields=["post", "account"], name="outreach_target_unique")]

    def __str__(self) -> str:
        return f"{self.post_id} -> {self.account_id}"


class Approval(models.Model):
    """One approver's approval of one language version at one step, valid only for that exact text."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="approvals")
    step = models.ForeignKey(ApprovalStep, on_delete=models.CASCADE, related_name="+")
    approver = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    link = models.ForeignKey("ApprovalLink", on_delete=models.PROTECT, related_name="+", null=True, blank=True)
    language = models.CharField(max_length=2, choices=Language.choices)
    text_sha256 = models.CharField(max_length=64)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("approval")
        verbose_name_plural = _("approvals")
        ordering = ["post_id", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["post", "step", "approver", "language", "text_sha256"], name="outreach_approval_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.post_id}/{self.step_id}/{self.language} by {self.approver_id}"


class ApprovalLink(models.Model):
    """A signed, expiring link letting one outside approver approve or reject one version of one post.

    Bound to the post's step and to the SHA-256 of both texts when it was issued: a changed text, a passed
    step, a decision already taken or the expiry time each make it void. The token itself is never stored.
    """

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="approval_links")
    step = models.ForeignKey(ApprovalStep, on_delete=models.CASCADE, related_name="+")
    issued_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    approver_name = models.CharField(_("outside approver"), max_length=200)
    text_sha256_vi = models.CharField(max_length=64)
    text_sha256_en = models.CharField(max_length=64)
    created_at = models.DateTimeField(_("issued"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires"))
    used_at = models.DateTimeField(_("used"), null=True, blank=True)
    decision = models.CharField(_("decision"), max_length=16, blank=True)

    class Meta:
        verbose_name = _("approval link")
        verbose_name_plural = _("approval links")
        ordering = ["post_id", "created_at"]

    def __str__(self) -> str:
        return f"link {self.pk} for post {self.post_id}"


class Evidence(models.Model):
    """What prompted a post: the intelligence alert (with its figures) or one story behind it, as a snapshot.

    Copied when the press officer starts the response, so the evidence stays with the post through
    approval and publication even if the alert or story is later deleted (the links then go nowhere).
    """

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="evidence")
    kind = models.CharField(_("kind"), max_length=8)  # "alert" or "story"
    alert = models.ForeignKey("intelligence.Alert", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    item = models.ForeignKey("intelligence.Item", on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    label = models.CharField(_("label"), max_length=1000)
    source_url = models.CharField(_("source address"), max_length=2000, blank=True)
    figures = models.JSONField(_("figures"), default=dict, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")
        ordering = ["post_id", "position"]

    def __str__(self) -> str:
        return f"{self.kind} for post {self.post_id}"


class Template(models.Model):
    """A unit's reusable starting text for posts, in both languages (e.g. condolences, national days)."""

    organisation = models.ForeignKey(
        "missions.Organisation", verbose_name=_("unit"), on_delete=models.CASCADE, related_name="outreach_templates"
    )
    name = models.CharField(_("name"), max_length=200)
    text_vi = models.TextField(_("Vietnamese text"))
    text_en = models.TextField(_("English text"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("created"), default=timezone.now)

    class Meta:
        verbose_name = _("post template")
        verbose_name_plural = _("post templates")
        ordering = ["organisation_id", "name"]

    def __str__(self) -> str:
        return self.name


class AuthorisationRequest(models.Model):
    """A platform sign-in under way: who started it, for what, and its sealed PKCE verifier and app secrets.

    Only the SHA-256 of the OAuth ``state`` is stored; the row is deleted when the platform redirects back
    (or is refused once expired), so a ``state`` works once, for the user who started the sign-in.
    """

    state_sha256 = models.CharField(max_length=64, unique=True)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    organisation = models.ForeignKey("missions.Organisation", on_delete=models.CASCADE, related_name="+")
    platform = models.CharField(max_length=16, choices=PlatformChoice.choices)
    base_url = models.URLField()
    web_base_url = models.URLField(blank=True)
    language = models.CharField(max_length=2, choices=Language.choices)
    redirect_uri = models.URLField(max_length=500)
    page_id = models.CharField(max_length=40, blank=True)
    account = models.ForeignKey(Account, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    key_id = models.CharField(max_length=32, unique=True)
    kek_id = models.CharField(max_length=64)
    wrapped_key = models.BinaryField(null=True)
    secrets_sealed = models.BinaryField()
    created_at = models.DateTimeField(default=timezone.now)
    expires_at = models.DateTimeField()

    class Meta:
        verbose_name = _("platform sign-in")
        verbose_name_plural = _("platform sign-ins")
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"sign-in {self.pk} to {self.platform}"


# Images, thread parts, link cards, published parts, engagement and replies (registered with this app).
from chancery.outreach import content_models  # noqa: E402, F401
