"""Users and personal API tokens."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chancery.identity.enums import MFA_ROLES, Role
from chancery.platform.enums import Classification


class User(AbstractUser):
    """A person (or a partner's account) with a role, a clearance, an organisation and compartments."""

    role = models.CharField(_("role"), max_length=32, choices=Role.choices, default=Role.DESK_OFFICER)
    clearance = models.IntegerField(
        _("clearance"),
        choices=Classification.choices,
        default=Classification.INTERNAL,
    )
    organisation = models.ForeignKey(
        "missions.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="members",
    )
    compartments = models.ManyToManyField(
        "missions.Compartment",
        verbose_name=_("compartments"),
        blank=True,
        related_name="holders",
    )
    password_change_required = models.BooleanField(
        _("must change password at next sign-in"),
        default=False,
        help_text=_("Set when an administrator chose the password: it is good for one sign-in only."),
    )
    temporary_password_expires_at = models.DateTimeField(_("temporary password expires at"), null=True, blank=True)

    class Meta(AbstractUser.Meta):
        verbose_name = _("user")  # type: ignore[assignment]  # django-stubs types the base Meta as str
        verbose_name_plural = _("users")  # type: ignore[assignment]

    @property
    def mfa_required(self) -> bool:
        """True when policy forces a second factor: administrators, security officers, above INTERNAL."""
        return self.role in MFA_ROLES or self.is_superuser or self.is_staff or self.clearance > Classification.INTERNAL


class ApiToken(models.Model):
    """A personal API token: scoped, expiring, revocable; only its SHA-256 digest is stored.

    The secret is 32 random bytes shown once at creation; ``prefix`` (its first characters) lets the
    owner recognise it in lists without revealing it.
    """

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    prefix = models.CharField(_("prefix"), max_length=16, db_index=True)
    digest = models.CharField(_("digest"), max_length=64, unique=True)
    scopes = models.JSONField(_("scopes"), default=list)
    created_at = models.DateTimeField(_("created at"), default=timezone.now)
    expires_at = models.DateTimeField(_("expires at"))
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)
    last_used_ip = models.GenericIPAddressField(_("last used from"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self) -> bool:
        """True while neither revoked nor expired."""
        return self.revoked_at is None and self.expires_at > timezone.now()


class MfaResetStatus(models.TextChoices):
    """Where a request to remove a user's second factors stands."""

    PENDING = "pending", _("Awaiting a second officer")
    APPROVED = "approved", _("Approved and carried out")
    REJECTED = "rejected", _("Rejected")


class MfaResetRequest(models.Model):
    """A security officer's request to remove a user's lost second factors, carried out on a second officer's approval.

    ``identity_evidence`` records how the user's identity was proven (in person, identity document,
    supervisor's confirmation); it names documents, never their numbers in full.
    """

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="+")
    requested_by = models.ForeignKey(User, verbose_name=_("requested by"), on_delete=models.PROTECT, related_name="+")
    identity_evidence = models.TextField(_("how the identity was proven"), max_length=2000)
    created_at = models.DateTimeField(_("requested at"), default=timezone.now)
    status = models.CharField(
        _("status"), max_length=16, choices=MfaResetStatus.choices, default=MfaResetStatus.PENDING
    )
    decided_by = models.ForeignKey(
        User, verbose_name=_("decided by"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("second-factor reset request")
        verbose_name_plural = _("second-factor reset requests")

    def __str__(self) -> str:
        return f"#{self.pk} ({self.status})"
