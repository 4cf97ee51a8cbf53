"""Retention classes are maintained in the admin (they carry no content)."""

from __future__ import annotations

from django.contrib import admin

from chancery.vault.models import RetentionClass


@admin.register(RetentionClass)
class RetentionClassAdmin(admin.ModelAdmin[RetentionClass]):
    """Code, names and retention period."""

    list_display = ("code", "name_en", "name_vi", "retention_days")
    search_fields = ("code", "name_en", "name_vi")
