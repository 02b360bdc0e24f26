"""Lost updates: how a save that would overwrite someone else's is refused, the one way for every
form that edits stored content.

Whatever a form edits (a session written on one page, the professional part of a one-to-one, a
child's note, an agreement's terms) is `Versioned`: it carries a version number, moved on by every
save, and who saved it last and when. The form carries the version it was opened at in a hidden
field (`VERSION_FIELD`); the domain operation locks the row, checks with `claim`, which raises
`EditConflict` when somebody else saved in between and otherwise moves the version on. The
page then shows what the other person saved beside what this person typed, and the version it
now carries lets them save again once they have looked.

A thing not yet stored is at version 0 and a stored one starts at 1, so two people writing a note
that neither has saved yet still cannot overwrite each other.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone

from oversight.access.staff import staff_of
from oversight.formatting import long_date

VERSION_FIELD = "version"  # the hidden form field carrying the version the form was opened at
NOT_STORED = 0  # the version of something not yet saved


class Versioned(models.Model):
    """Something edited on a form, saved only from the version the form was opened at."""

    version = models.PositiveIntegerField(
        default=1, editable=False, help_text="Moved on by every save from a form."
    )
    saved_at = models.DateTimeField(null=True, blank=True, editable=False)
    saved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="+",
    )

    class Meta:
        abstract = True


class EditConflict(Exception):
    """Somebody saved the thing after this person opened it: their save would be overwritten."""

    def __init__(self, current: Versioned | None, by: Any) -> None:
        self.version = current.version if current is not None else NOT_STORED
        self.saved_by = current.saved_by if current is not None else None
        self.saved_at = current.saved_at if current is not None else None
        self.by = by
        super().__init__(self.message("record"))

    def who(self) -> str:
        """Who saved it, as the start of a sentence."""
        if self.saved_by is None:
            return "Someone else"
        if self.by is not None and self.saved_by.pk == getattr(self.by, "pk", None):
            return "You, in another tab or window,"
        staff = staff_of(self.saved_by)
        name = staff.name if staff else self.saved_by.get_full_name() or self.saved_by.username
        return f"Someone else ({name})"

    def when(self) -> str:
        if self.saved_at is None:
            return ""
        local = timezone.localtime(self.saved_at)
        day = "" if local.date() == timezone.localdate() else f" on {long_date(local.date())}"
        return f" at {local:%H:%M}{day}"

    def message(self, thing: str) -> str:
        """The error summary's words, naming `thing` ("record", "agreement")."""
        return (
            f"{self.who()} saved this {thing}{self.when()}, after you opened it. Your changes "
            "have not been saved yet: the saved answers that differ from yours are shown below. "
            "Check them, then save again."
        )


def seen_version(data: Mapping[str, Any] | None) -> int | None:
    """The version a posted form was opened at; None if it carries none (nothing to check)."""
    if data is None:
        return None
    value = str(data.get(VERSION_FIELD, "")).strip()
    return int(value) if value.isdigit() else None


def version_of(thing: Versioned | None) -> int:
    return thing.version if thing is not None and thing.pk is not None else NOT_STORED


def claim(thing: Versioned, current: Versioned | None, seen: int | None, *, by: Any) -> None:
    """Check that `current` (the thing as stored now, read under a lock; None if not stored) has
    not been saved since the form was opened at version `seen`, raising EditConflict if it has;
    then mark `thing` (what is about to be saved over it) as the next version, saved by `by`.
    `seen` None means the form carried no version, so there is nothing to check."""
    if seen is not None and version_of(current) != seen:
        raise EditConflict(current, by)
    thing.version = version_of(current) + 1
    thing.saved_by = by if getattr(by, "pk", None) is not None else None
    thing.saved_at = timezone.now()


STAMP_FIELDS = ["version", "saved_by", "saved_at"]  # what `claim` sets, for update_fields
