"""What a post carries besides its first text, and what comes back after publishing.

* :class:`PostMedia`: an image taken from the vault, re-encoded without its metadata (EXIF, GPS, XMP,
  comments), with alt text in both languages. The cleaned bytes are kept with the post (at most four
  images of at most 10 MiB), so what was approved is exactly what is published.
* :class:`PostPart`: the further parts of a thread (the post's own texts are part 1).
* :class:`PostLinkCard`: a link preview fetched once through the safe fetcher (title, description,
  thumbnail), embedded on Bluesky; Mastodon builds its own.
* :class:`TargetPart`: each part of a thread as published on one account (its id, CID and URL), recorded
  as soon as it exists so that a retry continues the thread instead of posting it again.
* :class:`EngagementSnapshot`: counts read from the platform at one moment (likes, reposts, replies,
  quotes; reach and regions only where the platform reports them).
* :class:`SocialReply`: a reply to or mention of a published post, which a press officer may send to the
  intelligence pipeline as a social post.

Imported at the end of :mod:`chancery.outreach.models`, so Django registers them with the app.
"""

from __future__ import annotations

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chancery.outreach.models import Account, Post, Target


class PostMedia(models.Model):
    """An image of a post, from a vault document, cleaned of metadata, with alt text in both languages."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="media")
    position = models.PositiveSmallIntegerField(_("position"))
    document = models.ForeignKey(
        "vault.Document", verbose_name=_("vault document"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    version_number = models.PositiveIntegerField(_("document version"))
    filename = models.CharField(_("file name"), max_length=200)
    mime_type = models.CharField(_("type"), max_length=20)
    data = models.BinaryField(_("image without metadata"))
    size = models.PositiveIntegerField(_("size"))
    width = models.PositiveIntegerField(_("width"))
    height = models.PositiveIntegerField(_("height"))
    sha256 = models.CharField(max_length=64)
    alt_vi = models.TextField(_("Vietnamese alt text"))
    alt_en = models.TextField(_("English alt text"))

    class Meta:
        verbose_name = _("post image")
        verbose_name_plural = _("post images")
        ordering = ["post_id", "position"]
        constraints = [models.UniqueConstraint(fields=["post", "position"], name="outreach_media_position_unique")]

    def __str__(self) -> str:
        return f"image {self.position} of post {self.post_id}"

    def alt(self, language: str) -> str:
        """Return the alt text in ``language`` (``"vi"`` or ``"en"``)."""
        return self.alt_vi if language == "vi" else self.alt_en


class PostPart(models.Model):
    """A further part of a thread (position 2, 3, ...), in both languages."""

    post = models.ForeignKey(Post, on_delete=models.CASCADE, related_name="parts")
    position = models.PositiveSmallIntegerField(_("position"))
    text_vi = models.TextField(_("Vietnamese text"))
    text_en = models.TextField(_("English text"))

    class Meta:
        verbose_name = _("thread part")
        verbose_name_plural = _("thread parts")
        ordering = ["post_id", "position"]
        constraints = [models.UniqueConstraint(fields=["post", "position"], name="outreach_part_position_unique")]

    def __str__(self) -> str:
        return f"part {self.position} of post {self.post_id}"

    def text(self, language: str) -> str:
        """Return the part's version in ``language``."""
        return self.text_vi if language == "vi" else self.text_en


class PostLinkCard(models.Model):
    """The link preview of a post, fetched once when the link was set (what approvers saw is what is sent)."""

    post = models.OneToOneField(Post, on_delete=models.CASCADE, related_name="link_card")
    url = models.URLField(_("link"), max_length=2000)
    title = models.CharField(_("title"), max_length=300, blank=True)
    description = models.TextField(_("description"), blank=True)
    thumb = models.BinaryField(_("thumbnail without metadata"), null=True, blank=True)
    thumb_mime = models.CharField(max_length=20, blank=True)
    thumb_sha256 = models.CharField(max_length=64, blank=True)
    fetched_at = models.DateTimeField(_("fetched"), default=timezone.now)

    class Meta:
        verbose_name = _("link card")
        verbose_name_plural = _("link cards")

    def __str__(self) -> str:
        return f"link card of post {self.post_id}"


class TargetPart(models.Model):
    """One part of a thread as published on one account: recorded as soon as the platform confirms it."""

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="parts")
    position = models.PositiveSmallIntegerField()
    remote_id = models.CharField(max_length=600)
    cid = models.CharField(max_length=200, blank=True)
    url = models.URLField(max_length=600, blank=True)
    published_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("published thread part")
        verbose_name_plural = _("published thread parts")
        ordering = ["target_id", "position"]
        constraints = [models.UniqueConstraint(fields=["target", "position"], name="outreach_target_part_unique")]

    def __str__(self) -> str:
        return f"{self.target_id}/{self.position}"


class EngagementSnapshot(models.Model):
    """Counts read back from a platform for one published copy at one moment.

    ``reach`` and ``regions`` stay empty where the platform does not report them (Mastodon and Bluesky
    report neither).
    """

    target = models.ForeignKey(Target, on_delete=models.CASCADE, related_name="engagement")
    taken_at = models.DateTimeField(_("read at"), default=timezone.now, db_index=True)
    likes = models.PositiveIntegerField(_("likes"))
    reposts = models.PositiveIntegerField(_("reposts"))
    replies = models.PositiveIntegerField(_("replies"))
    quotes = models.PositiveIntegerField(_("quotes"), null=True, blank=True)
    reach = models.PositiveIntegerField(_("reach"), null=True, blank=True)
    regions = models.JSONField(_("reach by region"), default=dict, blank=True)

    class Meta:
        verbose_name = _("engagement reading")
        verbose_name_plural = _("engagement readings")
        ordering = ["target_id", "taken_at"]

    def __str__(self) -> str:
        return f"{self.target_id} at {self.taken_at:%Y-%m-%d %H:%M}"


class SocialReply(models.Model):
    """A public reply to (or mention of) one of the ministry's published posts, read from the platform."""

    account = models.ForeignKey(Account, on_delete=models.CASCADE, related_name="social_replies")
    target = models.ForeignKey(Target, on_delete=models.SET_NULL, null=True, blank=True, related_name="social_replies")
    kind = models.CharField(_("kind"), max_length=8)  # "reply" or "mention"
    remote_id = models.CharField(max_length=600)
    author = models.CharField(_("author"), max_length=300)
    text = models.TextField(_("text"))
    url = models.URLField(max_length=600, blank=True)
    language = models.CharField(_("language"), max_length=12, blank=True)
    created_at = models.DateTimeField(_("posted"), null=True, blank=True)
    imported_at = models.DateTimeField(_("imported"), default=timezone.now)
    intelligence_item_id = models.PositiveIntegerField(_("intelligence item"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent to intelligence"), null=True, blank=True)

    class Meta:
        verbose_name = _("reply or mention")
        verbose_name_plural = _("replies and mentions")
        ordering = ["-created_at", "pk"]
        constraints = [models.UniqueConstraint(fields=["account", "remote_id"], name="outreach_social_reply_unique")]

    def __str__(self) -> str:
        return f"{self.kind} {self.remote_id}"
