"""Sent reminders, readable by the system administrator (the demo writes them to files too)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.contrib import admin
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import URLPattern, path, reverse
from django.utils.csp import CSP
from django.utils.html import format_html
from django.views.decorators.csp import csp_override

from oversight.audit.actor import Actor
from oversight.reminders.models import Message

if TYPE_CHECKING:
    MessageAdminBase = admin.ModelAdmin[Message]
else:
    # ModelAdmin is generic only to the type checker.
    MessageAdminBase = admin.ModelAdmin

# An email's HTML carries its styles inline, as email clients need; its page may use those and
# nothing else: no scripts, no images, no frames, no forms.
EMAIL_PAGE_POLICY = {
    "default-src": [CSP.NONE],
    "style-src": [CSP.UNSAFE_INLINE],
    "base-uri": [CSP.NONE],
    "form-action": [CSP.NONE],
    "frame-ancestors": [CSP.NONE],
}


@admin.register(Message)
class MessageAdmin(MessageAdminBase):
    list_display = ["created_at", "kind", "to", "subject", "delivery", "attempts"]
    list_filter = ["kind", "delivery"]
    search_fields = ["to", "subject"]
    readonly_fields = ["as_sent"]
    exclude = ["html"]

    @admin.display(description="as the recipient sees it")
    def as_sent(self, message: Message) -> str:
        return format_html(
            '<a href="{}">Open the email as HTML</a>',
            reverse("admin:reminders_message_email", args=[message.pk]),
        )

    def get_urls(self) -> list[URLPattern]:
        email = self.admin_site.admin_view(self.email_view)
        return [
            path("<int:pk>/email/", email, name="reminders_message_email"),
            *super().get_urls(),
        ]

    def email_view(self, request: HttpRequest, pk: int) -> HttpResponse:
        if not self.has_view_permission(request):
            return HttpResponse(status=403)
        message = get_object_or_404(Message, pk=pk)
        # It names staff and children's case IDs: reading it is audited like any record.
        Actor.from_request(request).audit("view", message)
        return csp_override(EMAIL_PAGE_POLICY)(lambda r: HttpResponse(message.html))(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: object = None) -> bool:
        return False
