"""Django admin for bookings: for superusers (see core/admin.py); site managers set the diary up in Vicino's own pages."""

from django.contrib import admin

from .models import Booking, Checklist, ChecklistStep, Closure, Offering, OfferingNeed, OpeningException, Resource, ResourceHours, SiteCalendar


class ResourceHoursInline(admin.TabularInline):
    model = ResourceHours
    extra = 0


class ClosureInline(admin.TabularInline):
    model = Closure
    extra = 0


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    list_display = ["name", "site", "kind", "user", "vehicle_model", "is_active"]
    list_filter = ["network", "kind", "is_active"]
    search_fields = ["name"]
    autocomplete_fields = ["site"]
    inlines = [ResourceHoursInline, ClosureInline]


class OfferingNeedInline(admin.TabularInline):
    model = OfferingNeed
    extra = 0


@admin.register(Offering)
class OfferingAdmin(admin.ModelAdmin):
    list_display = ["name", "site", "kind", "duration_minutes", "is_public"]
    list_filter = ["network", "kind", "is_public"]
    search_fields = ["name", "slug"]
    autocomplete_fields = ["site"]
    inlines = [OfferingNeedInline]


class ChecklistStepInline(admin.TabularInline):
    model = ChecklistStep
    extra = 0


@admin.register(Checklist)
class ChecklistAdmin(admin.ModelAdmin):
    list_display = ["name", "offering"]
    inlines = [ChecklistStepInline]


@admin.register(SiteCalendar)
class SiteCalendarAdmin(admin.ModelAdmin):
    list_display = ["site", "patron_saint", "patron_day", "patron_month"]


@admin.register(OpeningException)
class OpeningExceptionAdmin(admin.ModelAdmin):
    list_display = ["site", "date", "opens_at", "closes_at", "reason"]
    list_filter = ["site"]
    date_hierarchy = "date"


@admin.register(Booking)
class BookingAdmin(admin.ModelAdmin):
    list_display = ["starts_at", "site", "offering", "customer", "status"]
    list_filter = ["network", "status"]
    date_hierarchy = "starts_at"
    raw_id_fields = ["customer", "lead"]
    readonly_fields = ["sequence", "reminder_sent_at"]
