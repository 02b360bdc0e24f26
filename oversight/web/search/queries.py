"""What a search finds: children, people and records matching the words typed, each starting from
what the user may see on the day (`visible_cases`, `visible_staff`, `visible_sessions`), so a
search can never find what the person could not open.

A child is found by their ID (exactly, or its beginning) or by their name; a person by their staff
ID (exactly, or its beginning) or by their name; a record by its number, its session ID, or the
name of its supervisor or the person supervised. A name matches when every word typed appears in
it, in any order ("smith amy" finds Amy Smith).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db import models
from django.db.models import Prefetch, Q, QuerySet, Value, When

from oversight.access.queries import visible_cases, visible_files, visible_sessions, visible_staff
from oversight.cases.models import Allocation, Case
from oversight.engine.explain import CATEGORY_WORDS
from oversight.organisation.models import Staff
from oversight.records.models import Record

# Enough to recognise the one wanted; more says "add more of the name or ID".
LIMIT = 20
# Shorter searches (other than a record number) match too much to be useful.
MIN_LENGTH = 2


@dataclass(frozen=True)
class Found[T]:
    """The first `LIMIT` matches of one kind, and how many there are in all."""

    items: list[T]
    count: int

    @property
    def more(self) -> bool:
        return self.count > len(self.items)


@dataclass(frozen=True)
class Person:
    staff: Staff
    # Links the user may follow: the person's records in the records list, their file.
    has_records: bool
    has_file: bool

    @property
    def role(self) -> str:
        return str(CATEGORY_WORDS.get(self.staff.category) or self.staff.get_category_display())


@dataclass(frozen=True)
class Results:
    children: Found[Case]
    people: Found[Person]
    records: Found[Record]

    @property
    def count(self) -> int:
        return self.children.count + self.people.count + self.records.count


def words_in(lookup: str, text: str) -> Q:
    """Every word of `text` appears in the field `lookup`, in any order."""
    q = Q()
    for word in text.split():
        q &= Q(**{f"{lookup}__icontains": word})
    return q


def _first(found: QuerySet[Any]) -> tuple[list[Any], int]:
    items = list(found[:LIMIT])
    count = len(items) if len(items) < LIMIT else found.count()
    return items, count


def children(user: Any, text: str, day: dt.date) -> Found[Case]:
    """Children the user may see whose ID is or starts with `text`, or whose name has its words;
    an exact ID first. Each with `holders`: the workers holding them on the day."""
    found = (
        visible_cases(user, day)
        .filter(Q(case_id__istartswith=text) | words_in("display_name", text))
        .annotate(
            exact=models.Case(
                When(case_id__iexact=text, then=Value(0)),
                default=Value(1),
                output_field=models.IntegerField(),
            )
        )
        .order_by("exact", "display_name", "case_id")
        .prefetch_related(
            Prefetch(
                "allocations",
                queryset=Allocation.objects.active_on(day).select_related("worker"),
                to_attr="holders",
            )
        )
    )
    items, count = _first(found)
    return Found(items, count)


def people(user: Any, text: str, day: dt.date) -> Found[Person]:
    """People the user may see whose staff ID is or starts with `text`, or whose name has its
    words; an exact staff ID first."""
    found = (
        visible_staff(user, day)
        .filter(Q(staff_id__istartswith=text) | words_in("name", text))
        .annotate(
            exact=models.Case(
                When(staff_id__iexact=text, then=Value(0)),
                default=Value(1),
                output_field=models.IntegerField(),
            )
        )
        .select_related("team")
        .order_by("exact", "name", "staff_id")
    )
    staff, count = _first(found)
    pks = [s.pk for s in staff]
    on_records: set[int] = set()
    for supervisor, supervisee in (
        visible_sessions(user, day)
        .filter(Q(supervisor__in=pks) | Q(supervisee__in=pks))
        .order_by()
        .values_list("supervisor", "supervisee")
        .distinct()
    ):
        on_records |= {supervisor, supervisee}
    with_files = set(visible_files(user, day).filter(pk__in=pks).values_list("pk", flat=True))
    return Found(
        [Person(s, s.pk in on_records, s.pk in with_files) for s in staff],
        count,
    )


def records(user: Any, text: str, day: dt.date) -> Found[Record]:
    """Records the user may see with the number or session ID `text` (or a session ID starting
    with it), or whose supervisor or supervisee has its words in their name; newest first."""
    matches = (
        Q(session_id__istartswith=text)
        | words_in("supervisor__name", text)
        | words_in("supervisee__name", text)
    )
    if text.isdigit():
        matches |= Q(pk=int(text))
    found = (
        Record.objects.filter(pk__in=visible_sessions(user, day).values("pk"))
        .filter(matches)
        .with_cancelled()
        .select_related("supervisor", "supervisee", "team")
        .order_by("-date", "-pk")
    )
    items, count = _first(found)
    return Found(items, count)


def search(user: Any, text: str, day: dt.date) -> Results:
    return Results(
        children=children(user, text, day),
        people=people(user, text, day),
        records=records(user, text, day),
    )
