"""Sent reminders, readable by the system administrator (the demo writes them to files too)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin
from django.http import HttpRequest
from django.utils.html import format_html

from oversight.reminders.models import Message

if TYPE_CHECKING:
    MessageAdminBase = admin.ModelAdmin[Message]
else:
    # ModelAdmin is generic only to the type checker.
    MessageAdminBase = admin.ModelAdmin


@admin.register(Message)
class MessageAdmin(MessageAdminBase):
    list_display = ["created_at", "kind", "to", "subject", "delivery", "attempts"]
    list_filter = ["kind", "delivery"]
    search_fields = ["to", "subject"]
    readonly_fields = ["preview"]
    exclude = ["html"]

    @admin.display(description="as the recipient sees it")
    def preview(self, message: Message) -> str:
        # A sandboxed frame: the email's HTML is shown, never run as part of the admin page.
        return format_html(
            '<iframe title="The email" sandbox srcdoc="{}" style="width:100%; height:600px; '
            'border:1px solid #b1b4b6"></iframe>',
            message.html,
        )

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
