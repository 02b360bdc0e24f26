"""What happened that someone must act on, in the application (issue 11 §5): the list, with the
unread count in the menu, each item leading to what needs doing."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from oversight.access.staff import staff_of
from oversight.reminders.models import Notification
from oversight.web.requests import AuthenticatedHttpRequest

PAGE_SIZE = 25


def notification_list(request: AuthenticatedHttpRequest) -> HttpResponse:
    staff = staff_of(request.user)
    found = Notification.objects.for_staff(staff) if staff else Notification.objects.none()
    page = Paginator(found, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "reminders/notifications.html",
        {"page": page, "unread": found.unread().count()},
    )


def open_notification(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """Mark it read and go to what needs doing (the page there checks access as always)."""
    staff = staff_of(request.user)
    notification = get_object_or_404(Notification, pk=pk, recipient=staff)
    if notification.read_at is None:
        notification.read_at = timezone.now()
        notification.save(update_fields=["read_at"])
    return redirect(notification.path)


@require_POST
def mark_all_read(request: AuthenticatedHttpRequest) -> HttpResponse:
    staff = staff_of(request.user)
    if staff is not None:
        Notification.objects.for_staff(staff).unread().update(read_at=timezone.now())
    return redirect("reminders:notifications")


def unread_count(user: object) -> int:
    staff = staff_of(user)
    return Notification.objects.for_staff(staff).unread().count() if staff else 0
