from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db import models
from django.http import HttpRequest

from oversight.audit.models import AuditEvent
from oversight.audit.trail import audit


class AuditedAdminMixin(admin.ModelAdmin):
    """Writes an audit entry for every add, change and delete made in the admin.

    Django calls these log_* methods, inside the change's transaction, for every change the admin
    makes (inlines are named in the change message). The admin site (oversight.accounts.admin_site)
    puts this mixin into every ModelAdmin registered, ours and other packages' alike.
    """

    def log_addition(self, request: HttpRequest, obj: models.Model, message: Any) -> Any:
        entry = super().log_addition(request, obj, message)
        audit(request.user, "create", obj, request=request, detail=_detail(message))
        return entry

    def log_change(self, request: HttpRequest, obj: models.Model, message: Any) -> Any:
        entry = super().log_change(request, obj, message)
        audit(request.user, "change", obj, request=request, detail=_detail(message))
        return entry

    def log_deletions(self, request: HttpRequest, queryset: Any) -> Any:
        # Called before the objects are deleted, so each still has its id to record.
        for obj in queryset:
            audit(request.user, "delete", obj, request=request, detail={"via": "admin"})
        return super().log_deletions(request, queryset)


def _detail(message: Any) -> dict[str, Any]:
    # The admin's own structured change message: which fields changed, which inlines were
    # added, changed or deleted.
    return {"via": "admin", "change_message": message or []}


@admin.register(AuditEvent)
class AuditEventAdmin(admin.ModelAdmin):
    """Read-only: entries are written by the app alone and are never changed or removed."""

    list_display = ["id", "at", "actor_label", "action", "object_type", "object_id", "ip_address"]
    list_filter = ["action", "object_type"]
    search_fields = ["actor_label", "object_id", "object_label"]
    date_hierarchy = "at"
    readonly_fields = [field.name for field in AuditEvent._meta.fields]
    # Counting a long trail on every page view is slow and tells an auditor nothing useful.
    show_full_result_count = False

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
