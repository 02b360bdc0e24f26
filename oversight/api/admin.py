"""API tokens in the admin: made here (the token is shown once, on the page after saving) and
revoked with the list's action. Every add, change and revocation is audited (the admin site puts
the audit mixin into every ModelAdmin; the revoke action writes its own entries)."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db import transaction
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils import timezone

from oversight.api.models import ApiToken
from oversight.audit.trail import audit

SHOWN_ONCE = (
    "The token for '{name}' is {token} . Copy it now into the system that will use it: it is "
    "not kept and will not be shown again."
)


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "scope", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["scope", "revoked_at"]
    search_fields = ["name", "prefix"]
    fields = ["name", "scope", "user", "prefix", "created_at", "last_used_at", "revoked_at"]
    readonly_fields = ["prefix", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def save_model(self, request: HttpRequest, obj: ApiToken, form: Any, change: bool) -> None:
        if not change:
            token = obj.new_secret()
            messages.warning(request, SHOWN_ONCE.format(name=obj.name, token=token))
        super().save_model(request, obj, form, change)

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request: HttpRequest, queryset: QuerySet[ApiToken]) -> None:
        with transaction.atomic():
            for token in queryset.in_use():  # type: ignore[attr-defined]
                token.revoked_at = timezone.now()
                token.save(update_fields=["revoked_at"])
                audit(request.user, "revoke", token, request=request, detail={"via": "admin"})
        messages.success(request, "The tokens are revoked: they no longer open the API.")
