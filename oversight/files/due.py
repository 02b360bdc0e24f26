"""Documents that expire (registration, DBS check, car insurance) as due items for My work and
the file page: due soon within 30 days of expiry, overdue once expired."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from oversight.files.models import EXPIRING_KINDS, Document
from oversight.organisation.models import Staff

DUE_SOON_DAYS = 30


@dataclass(frozen=True)
class FileDueItem:
    staff_id: str
    kind: str
    kind_label: str
    title: str
    document_id: int
    expiry_date: dt.date
    status: str  # "due_soon" or "overdue", as the obligations' status tags read it

    @property
    def due_date(self) -> dt.date:
        return self.expiry_date

    @property
    def explanation(self) -> str:
        when = self.expiry_date.strftime("%-d %B %Y")
        if self.status == "overdue":
            return f"{self.kind_label} expired on {when}: upload the renewed one"
        return f"{self.kind_label} expires on {when}: upload the renewed one before then"


def file_due_items(staff: Iterable[Staff], as_of: dt.date) -> dict[str, list[FileDueItem]]:
    """For each person (by staff ID), the documents expiring within 30 days of `as_of` or
    already expired, soonest first. Only the latest expiry of each kind counts: uploading the
    renewed DBS check clears the old one. Leavers' files are archived, so nothing is due."""
    people = [p for p in staff if p.end_date is None or p.end_date >= as_of]
    found: dict[str, list[FileDueItem]] = {p.staff_id: [] for p in people}
    latest: dict[tuple[str, str], Document] = {}
    documents = (
        Document.objects.filter(
            file__staff__in=[p.pk for p in people],
            file__destroyed_on__isnull=True,
            kind__in=EXPIRING_KINDS,
            expiry_date__isnull=False,
        )
        .select_related("file__staff")
        .order_by("expiry_date", "pk")
    )
    for document in documents:
        latest[(document.file.staff.staff_id, document.kind)] = document
    soon = as_of + dt.timedelta(days=DUE_SOON_DAYS)
    for (staff_id, kind), document in latest.items():
        assert document.expiry_date is not None
        if document.expiry_date > soon:
            continue
        found[staff_id].append(
            FileDueItem(
                staff_id=staff_id,
                kind=kind,
                kind_label=document.kind_label,
                title=document.title,
                document_id=document.pk,
                expiry_date=document.expiry_date,
                status="overdue" if document.expiry_date < as_of else "due_soon",
            )
        )
    for items in found.values():
        items.sort(key=lambda item: item.expiry_date)
    return found
