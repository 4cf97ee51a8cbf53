"""Django admin for organisations and compartments.

Post reports are deliberately not registered: the admin bypasses the policy engine, so classified
reports are read and written only through the pages and the API.
"""

from __future__ import annotations

from django.contrib import admin

from chancery.missions.models import Compartment, Organisation


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin[Organisation]):
    """Organisations: search by code or name, filter by kind and country."""

    list_display = ("code", "name_en", "name_vi", "kind", "country_code", "city", "is_active")
    list_filter = ("kind", "is_active", "country_code")
    search_fields = ("code", "name_en", "name_vi", "city")
    raw_id_fields = ("parent",)


@admin.register(Compartment)
class CompartmentAdmin(admin.ModelAdmin[Compartment]):
    """Need-to-know compartments."""

    list_display = ("code", "name_en", "name_vi")
    search_fields = ("code", "name_en", "name_vi")
