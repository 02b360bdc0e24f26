"""Choosing how often reminders come: the one domain operation, audited."""

from __future__ import annotations

from django.db import transaction

from oversight.audit.actor import Actor
from oversight.organisation.models import Staff
from oversight.reminders.models import Frequency, Preference


def frequency_of(staff: Staff) -> str:
    chosen = Preference.objects.filter(staff=staff).values_list("frequency", flat=True).first()
    return chosen or Frequency.DAILY


def choose_frequency(staff: Staff, frequency: str, *, by: Actor) -> Preference:
    if frequency not in Frequency.values:
        raise ValueError(f"Not a frequency of reminders: {frequency!r}")
    with transaction.atomic():
        before = frequency_of(staff)
        preference, _ = Preference.objects.update_or_create(
            staff=staff, defaults={"frequency": frequency}
        )
        by.audit("change", preference, detail={"frequency": [before, frequency]})
    return preference


def events_wanted(staff: Staff) -> bool:
    chosen = Preference.objects.filter(staff=staff).values_list("events", flat=True).first()
    return True if chosen is None else chosen


def choose_events(staff: Staff, wanted: bool, *, by: Actor) -> Preference:
    """Whether `staff` is emailed when something happens that is theirs to act on."""
    with transaction.atomic():
        before = events_wanted(staff)
        preference, _ = Preference.objects.update_or_create(
            staff=staff, defaults={"events": wanted}
        )
        by.audit("change", preference, detail={"events": [before, wanted]})
    return preference
