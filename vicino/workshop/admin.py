"""Django admin for the workshop: for superusers (see core/admin.py); staff work in Vicino's own pages."""

from django.contrib import admin

from .models import CourtesyVehicle, Finding, Loan, LoanPhoto, OnCall, OrderEvent, OrderUpdate, RepairOrder, Vehicle, WorkLine


@admin.register(Vehicle)
class VehicleAdmin(admin.ModelAdmin):
    list_display = ["plate", "vin", "make", "model", "year", "network"]
    list_filter = ["network", "fuel"]
    search_fields = ["plate", "vin", "make", "model"]
    raw_id_fields = ["owners", "vehicle_model"]


class WorkLineInline(admin.TabularInline):
    model = WorkLine
    extra = 0
    raw_id_fields = ["finding"]


class OrderEventInline(admin.TabularInline):
    model = OrderEvent
    extra = 0
    readonly_fields = ["status", "at", "by"]


class FindingInline(admin.TabularInline):
    model = Finding
    extra = 0
    fields = ["title", "grade", "price", "answer", "answered_at", "answered_via", "answered_ip", "recorded_by"]
    readonly_fields = ["answer", "answered_at", "answered_via", "answered_ip", "recorded_by"]


class OrderUpdateInline(admin.TabularInline):
    model = OrderUpdate
    extra = 0
    fields = ["created_at", "author", "text", "is_visible", "media_kind"]
    readonly_fields = ["created_at", "author", "media_kind"]


@admin.register(RepairOrder)
class RepairOrderAdmin(admin.ModelAdmin):
    list_display = ["number", "site", "vehicle", "customer", "status", "is_urgent", "promised_at"]
    list_filter = ["network", "status", "source", "is_urgent"]
    search_fields = ["number", "vehicle__plate", "vehicle__vin"]
    date_hierarchy = "created_at"
    raw_id_fields = ["vehicle", "customer", "booking", "advisor", "technician", "bay"]
    readonly_fields = ["number", "status_changed_at", "ready_at", "delivered_at"]
    inlines = [WorkLineInline, FindingInline, OrderUpdateInline, OrderEventInline]


@admin.register(CourtesyVehicle)
class CourtesyVehicleAdmin(admin.ModelAdmin):
    list_display = ["name", "plate", "site", "fuel", "is_active"]
    list_filter = ["network", "is_active"]
    search_fields = ["name", "plate"]
    autocomplete_fields = ["site"]


class LoanPhotoInline(admin.TabularInline):
    model = LoanPhoto
    extra = 0


@admin.register(Loan)
class LoanAdmin(admin.ModelAdmin):
    list_display = ["courtesy_vehicle", "customer", "out_at", "back_at", "out_km", "back_km"]
    list_filter = ["courtesy_vehicle__site"]
    date_hierarchy = "out_at"
    raw_id_fields = ["customer", "order", "lent_by"]
    inlines = [LoanPhotoInline]


@admin.register(OnCall)
class OnCallAdmin(admin.ModelAdmin):
    list_display = ["site", "user", "starts_at", "ends_at"]
    list_filter = ["site"]
    raw_id_fields = ["user"]
