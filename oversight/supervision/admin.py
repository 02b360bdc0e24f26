from __future__ import annotations

from django.contrib import admin
from django.http import HttpRequest

from oversight.supervision.models import Agreement, Session, SessionCase


class SessionCaseInline(admin.TabularInline):
    model = SessionCase
    autocomplete_fields = ["case"]
    extra = 0


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["session_id", "type", "date", "supervisor", "supervisee", "recorded_date"]
    list_filter = ["type"]
    search_fields = ["session_id", "supervisor__name", "supervisee__name"]
    autocomplete_fields = ["supervisor", "supervisee", "team"]
    inlines = [SessionCaseInline]
    date_hierarchy = "date"


@admin.register(Agreement)
class AgreementAdmin(admin.ModelAdmin):
    list_display = ["staff", "supervisor", "signed_date", "frequency"]
    search_fields = ["staff__name", "supervisor__name"]
    autocomplete_fields = ["staff", "supervisor"]

    def has_change_permission(self, request: HttpRequest, obj: Agreement | None = None) -> bool:
        # A signed agreement is both people's signature: it is replaced by a new one, never edited.
        if obj is not None and obj.signed_date is not None:
            return False
        return super().has_change_permission(request, obj)
