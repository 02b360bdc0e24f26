"""A supervision record on paper (issue 10, part 5): the record page's contents as a tagged PDF.

Whoever may read the record's page may download it, and only they (the same `viewable_record`);
what they may read of a draft is what the page shows them. Each download is on the audit trail,
filed under the session as every look at the record is. The two confirmations are the record's
signatures: the supervisor sending it as the record of the supervision, and the worker (or each
attendee of a group) agreeing it, read from the record's history rows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone

from oversight.access.records import viewable_record
from oversight.access.staff import staff_of
from oversight.facts.live import council_name
from oversight.formatting import long_date, state_name
from oversight.records.models import CopyState, Record, RecordTransition
from oversight.records.workflow import State
from oversight.supervision.models import SESSION_TYPE_LABELS
from oversight.web.paper import pdf_response, render_pdf
from oversight.web.records.views import (
    attendee_agreement,
    audit_record,
    booking_status,
    content_template,
    disagreement_history,
    history_rows,
    may_read_contents,
    record_contents,
    written_as_oversight,
)
from oversight.web.requests import AuthenticatedHttpRequest

# What the top of each page says of a record not yet agreed: paper outlives the screen.
MARKINGS = {
    State.DRAFT: "DRAFT",
    State.RETURNED: "DRAFT",
    State.SENT: "NOT YET AGREED",
}


def record_pdf(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    record = viewable_record(request.user, pk)
    me = staff_of(request.user)
    role = record.role_of(me)
    history = list(record.history())
    type_label = SESSION_TYPE_LABELS.get(record.type, record.type)
    about = record.supervisee or record.team
    title = f"{type_label}, {long_date(record.date)}" + (f": {about.name}" if about else "")
    state = record.state
    context: dict[str, Any] = {
        "session": record,
        "record": record,
        "title": title,
        "council": council_name(),
        "type_label": type_label,
        "marking": MARKINGS.get(State(state), ""),
        "state": state,
        "state_name": state_name(state),
        "content_template": content_template(
            "management_oversight" if written_as_oversight(record) else record.type
        ),
        "show_content": may_read_contents(record, role),
        "signatures": signatures(record, history),
        "history_rows": history_rows(record, history),
        "addenda": list(record.addenda.select_related("author", "case").order_by("on", "id")),
        "disagreements": [
            {"disagreement": d, "history": disagreement_history(d)}
            for d in record.disagreements.select_related(
                "raised_by", "escalated_to", "escalated_by", "resolved_by"
            ).prefetch_related("transitions__by__staff")
        ],
        "agenda": list(record.agenda_items.select_related("added_by")),
        "produced_by": me.name if me else request.user.get_username(),
        "produced_at": timezone.localtime(),
        **booking_status(record, request.user),
        **record_contents(record),
        **attendee_agreement(record, me),
    }
    pdf = render_pdf("records/paper.html", context, request)
    # Handing out the record is a look at it: audited as the page is, saying it was the PDF.
    with transaction.atomic():
        audit_record(request, "download", record, {"format": "pdf"})
    return pdf_response(pdf, title)


def signatures(record: Record, history: list[RecordTransition]) -> list[dict[str, Any]]:
    """Who confirmed the record and when: the supervisor's sending of the version agreed (the
    latest), then the worker's agreement, or each attendee's for a group. A confirmation not
    given yet is there too, unsigned, so the paper says whose is missing."""
    if record.state == State.IMPORTED:
        return []
    sent = next((m for m in reversed(history) if m.to_state == State.SENT), None)
    rows = [
        _signature(
            "Supervisor",
            record.supervisor.name if record.supervisor else "",
            sent,
            "Sent as the record of the supervision",
        )
    ]
    if record.agreed_by_each_attendee:
        # A group's attendees, or a joint supervision's supervisees, each sign for themselves.
        role = "Attendee" if record.supervisee_id is None else "Supervisee"
        for copy in record.copies():
            answer = copy.answered if copy.state == CopyState.AGREED else None
            rows.append(_signature(role, copy.staff.name, answer, "Agreed the record"))
        if sent is None and hasattr(record, "group_record"):
            rows += [
                _signature(role, person.name, None, "")
                for person in record.group_record.attendees.all()
            ]
        elif sent is None and record.supervisee_id is not None:
            rows += [_signature(role, person.name, None, "") for person in record.agreeing()]
        return rows
    agreed: RecordTransition | None = None
    if sent is not None:
        agreed = next(
            (m for m in history if m.pk > sent.pk and m.to_state == State.AGREED),
            None,
        )
    supervisee = record.supervisee.name if record.supervisee else ""
    rows.append(_signature("Supervisee", supervisee, agreed, "Agreed the record"))
    return rows


def _signature(
    role: str, name: str, move: Any | None, what: str
) -> dict[str, str | dt.datetime | None]:
    by = staff_of(move.by) if move is not None and move.by is not None else None
    return {
        "role": role,
        "name": by.name if by is not None else name,
        "what": what if move is not None else "",
        "at": move.at if move is not None else None,
    }
