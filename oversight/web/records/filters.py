"""The records list's filters: team, worker, type, state, dates and late write-ups, as a GET form.

The form offers only the teams and people found on records the user may see (`visible_sessions`),
so its choices reveal nothing the list would not; a team or person typed into the address that is
not among them is refused as a choice, never looked up. `RecordFilters.apply` narrows a queryset
the view has already limited to what the user may see, with the records' own queryset methods.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms

from oversight.facts.write_ups import sessions_late_to_write_up
from oversight.organisation.models import Staff, Team
from oversight.records.models import RecordQuerySet
from oversight.records.workflow import State
from oversight.supervision.models import SESSION_TYPE_LABELS, JointSupervisee, SessionQuerySet
from oversight.web.widgets import GovukDateField

CANCELLED = "cancelled"
# As the list shows them: a cancelled booking is "Cancelled" whatever its record's state.
STATE_CHOICES = [
    (State.DRAFT.value, "Draft"),
    (State.SENT.value, "Sent to the worker"),
    (State.RETURNED.value, "Returned to the supervisor"),
    (State.AGREED.value, "Agreed"),
    (State.IMPORTED.value, "Recorded elsewhere"),
    (CANCELLED, "Cancelled"),
]
# The GET parameters the form reads, in the order they are written back into links.
PARAMETERS = (
    "team",
    "worker",
    "type",
    "state",
    "date_from_day",
    "date_from_month",
    "date_from_year",
    "date_to_day",
    "date_to_month",
    "date_to_year",
    "late",
)


def _date_errors(which: str) -> dict[str, str]:
    # Two dates on one page: each message names its date, as GOV.UK asks.
    return {
        "invalid": f"The {which} date must be a real date, for example 27 3 2025",
        "incomplete": f"The {which} date must include a %(missing)s",
        "year": f"The {which} year must include 4 numbers",
    }


def on_records(visible: SessionQuerySet) -> tuple[list[Team], list[Staff]]:
    """The teams and the people found on the records in `visible`.

    The teams are the supervisees' teams and the groups' teams; the people are every supervisor
    and every person supervised (each supervisee of a joint supervision). One pass over the
    sessions gives the distinct few: asked as `IN` one subquery each, PostgreSQL read a
    director's 100,000 sessions five times (0.8 s at the largest council).
    """
    team_ids: set[int] = set()
    people_ids: set[int] = set()
    found = (
        visible.order_by()
        .values_list("supervisee_id", "supervisor_id", "team_id", "supervisee__team_id")
        .distinct()
    )
    for supervisee, supervisor, team, supervisees_team in found:
        people_ids.update(pk for pk in (supervisee, supervisor) if pk is not None)
        # A one-to-one belongs to its supervisee's team; a group (no supervisee) to its own.
        belongs_to = supervisees_team if supervisee is not None else team
        if belongs_to is not None:
            team_ids.add(belongs_to)
    people_ids.update(
        JointSupervisee.objects.filter(session__in=visible.values("pk")).values_list(
            "staff_id", flat=True
        )
    )
    return (
        list(Team.objects.filter(pk__in=team_ids).order_by("name")),
        list(Staff.objects.filter(pk__in=people_ids).order_by("name", "staff_id")),
    )


class RecordFilters(forms.Form):
    team = forms.TypedChoiceField(
        label="Team",
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": "Choose a team from the list"},
    )
    worker = forms.ChoiceField(
        label="Worker",
        required=False,
        help_text="Supervised, or supervising",
        error_messages={"invalid_choice": "Choose a worker from the list"},
    )
    type = forms.ChoiceField(
        label="Type",
        required=False,
        choices=[("", "Any type"), *SESSION_TYPE_LABELS.items()],
        error_messages={"invalid_choice": "Choose a type of record from the list"},
    )
    state = forms.ChoiceField(
        label="State",
        required=False,
        choices=[("", "Any state"), *STATE_CHOICES],
        error_messages={"invalid_choice": "Choose a state from the list"},
    )
    date_from = GovukDateField(
        label="From",
        required=False,
        help_text="The session's date, for example 1 4 2025",
        error_messages=_date_errors("From"),
    )
    date_to = GovukDateField(
        label="To",
        required=False,
        help_text="For example, 30 6 2025",
        error_messages=_date_errors("To"),
    )
    late = forms.BooleanField(
        label="Late write-ups only",
        required=False,
        help_text="Sessions whose record is overdue or due soon and not yet written",
    )

    def __init__(
        self, data: Any = None, *, teams: list[Team], people: list[Staff], **kwargs: Any
    ) -> None:
        super().__init__(data, **kwargs)
        self.teams = {team.pk: team for team in teams}
        self.people = {person.staff_id: person for person in people}
        team_field = self.fields["team"]
        worker_field = self.fields["worker"]
        assert isinstance(team_field, forms.ChoiceField)
        assert isinstance(worker_field, forms.ChoiceField)
        team_field.choices = [("", "Any team"), *((t.pk, t.name) for t in teams)]
        worker_field.choices = [
            ("", "Anyone"),
            *((p.staff_id, f"{p.name} ({p.staff_id})") for p in people),
        ]

    @classmethod
    def for_records(cls, data: Any, visible: SessionQuerySet) -> RecordFilters:
        """The form with the teams and people on the records in `visible` as its choices."""
        teams, people = on_records(visible)
        return cls(data, teams=teams, people=people)

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and end < start:
            self.add_error("date_to", "The To date must be the same as or after the From date")
        return cleaned

    @property
    def in_use(self) -> bool:
        """Any filter chosen (call after is_valid())."""
        return any(value not in (None, "", False) for value in self.cleaned_data.values())

    def apply(self, records: RecordQuerySet, today: dt.date) -> RecordQuerySet:
        """The records among `records` that pass every filter chosen; call after is_valid()."""
        data = self.cleaned_data
        if (team := data.get("team")) is not None:
            records = records.of_team(self.teams[team])
        if worker := data.get("worker"):
            records = records.involving(self.people[worker])
        if kind := data.get("type"):
            records = records.of_type(kind)
        if state := data.get("state"):
            records = records.cancelled() if state == CANCELLED else records.listed_as(state)
        start: dt.date | None = data.get("date_from")
        end: dt.date | None = data.get("date_to")
        records = records.dated_between(start, end)
        if data.get("late"):
            records = records.filter(session_id__in=sessions_late_to_write_up(today))
        return records

    def query(self) -> dict[str, str]:
        """The filters as GET parameters, blanks left out, for links that keep them."""
        given = {name: self.data.get(name) for name in PARAMETERS}
        return {name: str(value) for name, value in given.items() if value not in (None, "")}
