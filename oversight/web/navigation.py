"""The service navigation: the areas a signed-in person can use, and which one they are in."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import reverse

from oversight.access.audit_trail import can_search_trail
from oversight.access.dashboards import uses_dashboards
from oversight.access.data_set import can_export_data_set
from oversight.access.files import uses_supervision_files
from oversight.access.quality import uses_quality
from oversight.access.returns import can_import_returns
from oversight.access.staff import staff_of
from oversight.web.reminders.notifications import unread_count


@dataclass(frozen=True)
class Link:
    label: str
    href: str
    active: bool


def navigation(request: HttpRequest) -> dict[str, Any]:
    """Context processor: `navigation` (the menu) and `footer_navigation` for signed-in people."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    is_staff_member = staff_of(user) is not None
    areas: list[tuple[str, str]] = [("My work", reverse("home"))]
    if is_staff_member:
        areas += [
            ("Records", reverse("records:list")),
            ("Actions", reverse("mywork:actions")),
            ("Agreements", reverse("agreements:list")),
        ]
        # The unread count in the menu itself, on every page (issue 11 §5).
        unread = unread_count(user)
        label = f"Notifications ({unread} new)" if unread else "Notifications"
        areas.insert(1, (label, reverse("reminders:notifications")))
    if uses_supervision_files(user):
        areas.append(("Supervision files", reverse("files:list")))
    if uses_dashboards(user):
        areas.append(("Dashboards", reverse("dashboards:index")))
    if can_import_returns(user):
        areas.append(("Returns", reverse("returns:list")))
    if uses_quality(user):
        areas.append(("Quality", reverse("quality:index")))
    if can_search_trail(user):
        areas.append(("Audit trail", reverse("audit_trail:search")))
    # Everyone finds what they may see: a child, a person or a record (web/search).
    areas.append(("Search", reverse("search:search")))
    if can_export_data_set(user):
        areas.append(("Data set", reverse("data_set:page")))
    path = request.path
    menu = [
        # The home page is active only on itself; every other area on any page beneath it.
        Link(label, href, path == href if href == "/" else path.startswith(href))
        for label, href in areas
    ]
    footer = [Link("Two-step verification", reverse("two_factor"), False)]
    if is_staff_member:
        footer.insert(0, Link("Who has looked at your records", reverse("audit_trail:mine"), False))
        footer.insert(1, Link("Supervision in your calendar", reverse("calendar:page"), False))
        footer.append(Link("Reminders", reverse("reminders:preferences"), False))
    return {"navigation": menu, "footer_navigation": footer}
