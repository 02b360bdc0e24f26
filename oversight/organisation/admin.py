from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from oversight.organisation.models import LineManagement, Service, Staff, Team


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    search_fields = ["name"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "service"]
    list_filter = ["service"]
    search_fields = ["name"]


class LineManagementInline(admin.TabularInline):
    model = LineManagement
    fk_name = "staff"
    autocomplete_fields = ["manager"]
    extra = 0


@admin.register(Staff)
class StaffAdmin(admin.ModelAdmin):
    list_display = ["name", "staff_id", "category", "team", "start_date", "end_date"]
    list_filter = ["category", "team__service", "team"]
    search_fields = ["name", "staff_id", "email", "swe_number"]
    autocomplete_fields = ["team", "user"]
    inlines = [LineManagementInline]
    date_hierarchy = "start_date"

    def get_readonly_fields(self, request: HttpRequest, obj: Staff | None = None) -> list[str]:
        # The sign-in linked to a staff row is whose supervision the account reads: only the
        # system administrator links one, never business support (who could take over the row).
        readonly = list(super().get_readonly_fields(request, obj))
        return readonly if request.user.is_superuser else [*readonly, "user"]


@admin.register(LineManagement)
class LineManagementAdmin(admin.ModelAdmin):
    list_display = ["staff", "manager", "start_date", "end_date"]
    search_fields = ["staff__name", "manager__name", "staff__staff_id"]
    autocomplete_fields = ["staff", "manager"]
