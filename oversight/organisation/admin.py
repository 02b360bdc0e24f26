from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone

from oversight.audit.actor import Actor
from oversight.organisation.models import (
    LineManagement,
    Service,
    Staff,
    StaffRole,
    Team,
    TeamMembership,
)
from oversight.organisation.transfers import move_to_team


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


class TeamMembershipInline(admin.TabularInline):
    """The team history, to read: a change of team is made by changing the team above (dated
    today) or by importing team_membership.csv, so the history and the team now always agree."""

    model = TeamMembership
    fields = ["team", "start_date", "end_date"]
    readonly_fields = ["team", "start_date", "end_date"]
    extra = 0
    can_delete = False

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class StaffRoleInline(admin.TabularInline):
    model = StaffRole
    extra = 0


@admin.register(Staff)
class StaffAdmin(admin.ModelAdmin):
    list_display = ["name", "staff_id", "category", "team", "start_date", "end_date"]
    list_filter = ["category", "team__service", "team"]
    search_fields = ["name", "staff_id", "email", "swe_number"]
    autocomplete_fields = ["team", "user"]
    inlines = [TeamMembershipInline, StaffRoleInline, LineManagementInline]
    date_hierarchy = "start_date"

    def save_model(self, request: HttpRequest, obj: Staff, form: Any, change: bool) -> None:
        """A change of team is a move from today (`move_to_team`), so the dated history keeps
        the team they were in before; someone new is in their team from their start date."""
        if not change:
            super().save_model(request, obj, form, change)
            if obj.team is not None:
                TeamMembership.objects.create(staff=obj, team=obj.team, start_date=obj.start_date)
            return
        new_team = obj.team
        moving = "team" in form.changed_data
        if moving:
            obj.team = Staff.objects.get(pk=obj.pk).team
        super().save_model(request, obj, form, change)
        if not moving:
            return
        try:
            move_to_team(obj, new_team, timezone.localdate(), by=Actor.from_request(request))
        except ValidationError as error:
            self.message_user(
                request, f"The team was not changed: {error.messages[0]}", messages.ERROR
            )

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
