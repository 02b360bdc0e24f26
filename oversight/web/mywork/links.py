"""Addresses of pages in other areas that My work links to."""

from __future__ import annotations

from django.urls import reverse


def record_url(pk: int) -> str:
    return reverse("records:detail", args=[pk])


def book_supervision_url(staff_id: str) -> str:
    return reverse("records:book") + f"?supervisee={staff_id}"
