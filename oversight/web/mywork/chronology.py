"""How each entry of a child's chronology reads: a title and the things written, in plain words."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import models

from oversight.model_fields import own_field
from oversight.records.models import (
    Action,
    ActionStatus,
    Addendum,
    CaseNote,
    ChairReview,
    OversightNote,
)
from oversight.records.queries import ChronologyEntry
from oversight.records.workflow import EDITABLE_STATES, State
from oversight.web.mywork.links import record_url

TITLES = {
    "case_note": "Case supervision note",
    "oversight_note": "Management oversight",
    "chair_review": "Conference chair review",
    "action": "Decision and action",
    "addendum": "Addendum",
}

# What each kind shows, in the order the record's form asks for it.
FIELDS: dict[str, tuple[str, ...]] = {
    "case_note": CaseNote.WRITTEN_FIELDS,
    "oversight_note": ("discussion", "decision", "rationale"),
    "chair_review": ChairReview.QUESTIONS,
    "action": ("decision", "action", "desired_outcome", "owner", "due_date"),
    "addendum": ("text", "author"),
}
MODELS: dict[str, type[models.Model]] = {
    "case_note": CaseNote,
    "oversight_note": OversightNote,
    "chair_review": ChairReview,
    "action": Action,
    "addendum": Addendum,
}


@dataclass(frozen=True)
class Entry:
    date: dt.date
    title: str
    session_type: str
    supervisor: str
    supervisee: str
    state: str
    private: bool  # a draft or returned record, shown only to its author
    rows: list[tuple[str, str]]
    link: str
    action_status: str = ""
    overdue: bool = False


def present(entries: list[ChronologyEntry], today: dt.date) -> list[Entry]:
    return [_present(entry, today) for entry in entries]


def _present(entry: ChronologyEntry, today: dt.date) -> Entry:
    record = entry.record
    item = entry.item
    status = ""
    overdue = False
    if isinstance(item, Action):
        status = ActionStatus(item.status).label
        overdue = item.status == "open" and item.due_date is not None and item.due_date < today
    return Entry(
        date=entry.date,
        title=TITLES[entry.kind],
        session_type=record.get_type_display(),
        supervisor=record.supervisor.name if record.supervisor else "",
        supervisee=record.supervisee.name if record.supervisee else "",
        state=State(record.state).label,
        private=record.state in EDITABLE_STATES,
        rows=_rows(entry.kind, item),
        link=record_url(record.pk),
        action_status=status,
        overdue=overdue,
    )


def _rows(kind: str, item: models.Model) -> list[tuple[str, str]]:
    rows = []
    for name in FIELDS[kind]:
        field = own_field(MODELS[kind], name)
        value = getattr(item, name)
        if value in (None, ""):
            continue
        if field.choices:
            text = getattr(item, f"get_{name}_display")()
        elif isinstance(value, dt.date):
            text = f"{value.day} {value:%B %Y}"
        elif hasattr(value, "name"):
            text = value.name
        else:
            text = str(value)
        rows.append((_sentence_case(str(field.verbose_name)), text))
    return rows


def _sentence_case(label: str) -> str:
    return label[:1].upper() + label[1:]
