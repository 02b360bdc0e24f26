from __future__ import annotations

from django.contrib import admin

from oversight.cases.models import Allocation, Case, CaseEvent, CaseStatus, SiblingGroup


class AllocationInline(admin.TabularInline):
    model = Allocation
    autocomplete_fields = ["worker"]
    extra = 0


class CaseStatusInline(admin.TabularInline):
    model = CaseStatus
    extra = 0


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    extra = 0


@admin.register(Case)
class CaseAdmin(admin.ModelAdmin):
    list_display = ["case_id", "display_name", "open_date", "close_date"]
    search_fields = ["case_id", "display_name"]
    autocomplete_fields = ["sibling_group"]
    inlines = [AllocationInline, CaseStatusInline, CaseEventInline]


@admin.register(SiblingGroup)
class SiblingGroupAdmin(admin.ModelAdmin):
    search_fields = ["name"]
