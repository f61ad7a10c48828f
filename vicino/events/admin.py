"""Django admin for events: for superusers (see core/admin.py); staff work in Vicino's own pages."""

from django.contrib import admin

from .models import Event, Partner, Registration, Sponsorship, SponsorshipDocument


class RegistrationInline(admin.TabularInline):
    model = Registration
    extra = 0
    raw_id_fields = ["customer", "checked_in_by"]
    fields = ["customer", "email", "companions", "status", "queued_at", "offer_expires_at", "checked_in_at", "is_walk_in"]


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = ["title", "network", "site", "kind", "starts_at", "capacity", "status"]
    list_filter = ["network", "kind", "status", "audience"]
    search_fields = ["title", "slug", "venue_name", "venue_city"]
    date_hierarchy = "starts_at"
    inlines = [RegistrationInline]


@admin.register(Partner)
class PartnerAdmin(admin.ModelAdmin):
    list_display = ["name", "network", "contact_name", "email"]
    list_filter = ["network"]
    search_fields = ["name", "vat_number"]


class SponsorshipDocumentInline(admin.TabularInline):
    model = SponsorshipDocument
    extra = 0


@admin.register(Sponsorship)
class SponsorshipAdmin(admin.ModelAdmin):
    list_display = ["event", "partner", "gives", "value"]
    raw_id_fields = ["event", "partner"]
    inlines = [SponsorshipDocumentInline]
