"""Which audit entries a person may search, and which are about a given member of staff.

An entry names its object by type ("supervision.session") and id. Whose object it is follows the
same line as access: a session's record is the supervisee's, an agreement or a supervision file is
the staff member's, a document in the file is the file's owner's, the staff member is their own
file. The models are found by their fields (a foreign key called `supervisee` or `staff` to
Staff, `session` to Session, or `file` to SupervisionFile), so a new kind of thing in someone's
file counts without a change here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

from django.apps import apps
from django.core.exceptions import FieldDoesNotExist, PermissionDenied
from django.db import models
from django.db.models import CharField, Q
from django.db.models.functions import Cast

from oversight.access.queries import access_for
from oversight.audit.models import AuditEvent, AuditEventQuerySet
from oversight.files.models import SupervisionFile
from oversight.organisation.models import Staff
from oversight.supervision.models import Session

# Looking at or taking away someone's records: what a subject access request asks about.
ACCESS_ACTIONS = ("view", "download", "export")


def _subject_paths() -> Iterator[tuple[type[models.Model], str]]:
    for model in apps.get_models():
        if issubclass(model, Staff):
            yield model, "pk"
            continue
        for name, target, path in (
            ("supervisee", Staff, "supervisee"),
            ("staff", Staff, "staff"),
            ("session", Session, "session__supervisee"),
            # A document in a supervision file is the file's owner's.
            ("file", SupervisionFile, "file__staff"),
        ):
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            related = field.related_model if field.is_relation else None
            if isinstance(related, type) and issubclass(related, target) and not field.many_to_many:
                yield model, path
                break


def about_staff(staff: Any) -> Q:
    """Entries about anything in these people's files. `staff` is a Staff queryset or pks."""
    q = Q(pk__in=[])
    for model, path in _subject_paths():
        ids = (
            model._base_manager.filter(**{f"{path}__in": staff})
            .annotate(audit_id=Cast("pk", CharField()))
            .values("audit_id")
        )
        q |= Q(object_type=model._meta.label_lower, object_id__in=ids)
    return q


def can_search_trail(user: Any, day: dt.date | None = None) -> bool:
    """Quality assurance, and anyone with people below them in line management."""
    access = access_for(user, day)
    return access.is_qa or bool(access.managed)


def searchable_events(user: Any, day: dt.date | None = None) -> AuditEventQuerySet:
    """The entries the user may search: all for QA; for a manager, those by or about the
    people below them in line management on the day."""
    access = access_for(user, day)
    if access.is_qa:
        return AuditEvent.objects.all()
    if not access.managed:
        raise PermissionDenied("Only managers and quality assurance can search the audit trail.")
    below = Staff.objects.filter(pk__in=access.managed)
    by_them = Q(actor__in=below.exclude(user__isnull=True).values("user"))
    return AuditEvent.objects.filter(by_them | about_staff(below.values("pk")))


def access_history(staff: Staff, user: Any) -> AuditEventQuerySet:
    """Every look at or download of this person's records, agreements and file by anyone else."""
    return AuditEvent.objects.filter(about_staff([staff.pk]), action__in=ACCESS_ACTIONS).exclude(
        actor=user
    )
