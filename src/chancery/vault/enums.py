"""The vault's fixed vocabularies: accepted file types and document languages."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class FileType(models.TextChoices):
    """The file types the vault accepts, by the MIME type detected from their bytes."""

    PDF = "application/pdf", _("PDF document")
    DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document", _("Word document (DOCX)")
    TEXT = "text/plain", _("Plain text")
    MARKDOWN = "text/markdown", _("Markdown")
    HTML = "text/html", _("HTML")
    PNG = "image/png", _("PNG image")
    JPEG = "image/jpeg", _("JPEG image")
    GIF = "image/gif", _("GIF image")
    WEBP = "image/webp", _("WebP image")


EXTENSIONS: dict[str, frozenset[str]] = {
    FileType.PDF: frozenset({".pdf"}),
    FileType.DOCX: frozenset({".docx"}),
    FileType.TEXT: frozenset({".txt", ".text"}),
    FileType.MARKDOWN: frozenset({".md", ".markdown"}),
    FileType.HTML: frozenset({".html", ".htm"}),
    FileType.PNG: frozenset({".png"}),
    FileType.JPEG: frozenset({".jpg", ".jpeg"}),
    FileType.GIF: frozenset({".gif"}),
    FileType.WEBP: frozenset({".webp"}),
}
"""File-name extensions allowed for each detected type."""

TEXT_TYPES = frozenset({FileType.TEXT, FileType.MARKDOWN, FileType.HTML})
"""Types whose content is text (redlines, watermark by a header line)."""

IMAGE_TYPES = frozenset({FileType.PNG, FileType.JPEG, FileType.GIF, FileType.WEBP})
"""Image types (no text to index; published images lose their metadata first, see outreach)."""


class Language(models.TextChoices):
    """The language a document is written in."""

    VIETNAMESE = "vi", _("Vietnamese")
    ENGLISH = "en", _("English")
    FRENCH = "fr", _("French")
    OTHER = "other", _("Other / several")
