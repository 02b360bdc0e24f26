"""Addresses of pages in other areas that My work links to."""

from __future__ import annotations

from django.urls import NoReverseMatch, reverse


def record_url(pk: int) -> str:
    """The record's page; its address is fixed by the records area, whose name may not exist yet."""
    try:
        return reverse("records:detail", args=[pk])
    except NoReverseMatch:
        return f"/records/{pk}/"


def book_supervision_url(staff_id: str) -> str:
    return f"/records/new/?supervisee={staff_id}"
