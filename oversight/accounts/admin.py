from __future__ import annotations

from django.contrib import admin

from oversight.accounts.models import ExternalIdentity


@admin.register(ExternalIdentity)
class ExternalIdentityAdmin(admin.ModelAdmin):
    """Where an administrator links a council identity to an account before its first use."""

    list_display = ["user", "oid", "tid", "created_at"]
    search_fields = ["user__username", "oid"]
    raw_id_fields = ["user"]
