from __future__ import annotations

from django.contrib import admin

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
