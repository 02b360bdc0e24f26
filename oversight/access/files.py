"""Supervision files (N 11): who reads them, who adds to them, and who destroys them.

N 11.1: line, senior and deputising managers read the file, and so does the person themselves;
Business Support create files and add to sections 1 and 4 without reading them; HR hold a leaver's
file (N 11.2) and confirm its destruction when the retention period ends; QA read everything.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db.models import Q

from oversight.access.predicates import require
from oversight.access.queries import access_for, has_left, visible_files, visible_staff
from oversight.access.staff import staff_of
from oversight.files.models import Document
from oversight.organisation.models import Staff, StaffQuerySet

FILE_SECTIONS = (1, 2, 3, 4)
# N 11.3: section 1 is registration, DBS and car insurance; section 4 is "other", e.g. leave and
# TOIL. Those are what Business Support hold; agreements, development plans, appraisals and
# records are the managers'.
BUSINESS_SUPPORT_SECTIONS = frozenset({1, 4})


def can_view_file(user: Any, staff: Staff, day: dt.date | None = None) -> bool:
    """May the user read this person's supervision file (N 11.1: line, senior and deputising
    managers; the person themselves; HR once they have left (N 11.2); QA)?"""
    access = access_for(user, day)
    return access.is_qa or access.in_line(staff) or (access.is_hr and has_left(staff, access.day))


def uses_supervision_files(user: Any, day: dt.date | None = None) -> bool:
    """Has the Supervision files area: staff (their own and their people's files), HR (leavers'
    files) and Business Support (creating files and adding to them)."""
    access = access_for(user, day)
    return staff_of(user) is not None or access.is_hr or access.is_business_support


def can_create_file(user: Any, staff: Staff, day: dt.date | None = None) -> bool:
    """N 11.1: Business Support's technical officer creates the file, the manager makes sure."""
    access = access_for(user, day)
    if has_left(staff, access.day):
        return False
    return access.is_business_support or access.manages(staff)


def can_upload_to_file(user: Any, staff: Staff, section: int, day: dt.date | None = None) -> bool:
    """Managers add to any section; Business Support to sections 1 and 4; nobody to a leaver's
    file (it has gone to HR for retention) and QA, HR and the supervisee only read."""
    if section not in FILE_SECTIONS:
        raise ValueError(f"A supervision file has sections 1 to 4, not {section!r}.")
    access = access_for(user, day)
    if has_left(staff, access.day):
        return False
    return access.manages(staff) or (
        access.is_business_support and section in BUSINESS_SUPPORT_SECTIONS
    )


def upload_sections(user: Any, staff: Staff, day: dt.date | None = None) -> list[int]:
    """The sections of this person's file the user may add to (none: they may not upload)."""
    return [s for s in FILE_SECTIONS if can_upload_to_file(user, staff, s, day)]


def can_destroy_files(user: Any, day: dt.date | None = None) -> bool:
    """HR hold leavers' files for retention (N 11.2), so HR confirm their destruction."""
    return access_for(user, day).is_hr


def require_destroy_files(user: Any, day: dt.date | None = None) -> None:
    require(
        can_destroy_files(user, day),
        "Only HR can see supervision files past retention and confirm their destruction, "
        "because HR hold leavers' files. Ask HR if a file should be destroyed.",
    )


# Fetch and authorise, for the views ------------------------------------------------------------


def file_owner_for_user(user: Any, staff_id: str, day: dt.date | None = None) -> Staff:
    """The person whose file the user opens, found among the files the user may read; the same
    refusal whether the person does not exist or is not theirs to see, so the URL tells nothing."""
    staff = (
        visible_files(user, day).select_related("team__service").filter(staff_id=staff_id).first()
    )
    if staff is None or not can_view_file(user, staff, day):
        raise PermissionDenied(
            "You do not have access to this supervision file: it belongs to someone you do not "
            "supervise. Check the staff ID, or ask their manager."
        )
    return staff


def file_to_upload_to(
    user: Any, staff_id: str, day: dt.date | None = None
) -> tuple[Staff, list[int]]:
    """The person and the sections of their file the user may add to, or a refusal."""
    staff = visible_staff(user, day).select_related("team").filter(staff_id=staff_id).first()
    sections = upload_sections(user, staff, day) if staff is not None else []
    if staff is None or not sections:
        raise PermissionDenied(
            "You cannot add documents to this supervision file: managers add to the files of "
            "the people they supervise, and Business Support to sections 1 and 4, until the "
            "person leaves."
        )
    return staff, sections


def document_for_user(user: Any, pk: int, day: dt.date | None = None) -> Document:
    """A document the user may download: in a file they may read and not destroyed."""
    document = (
        Document.objects.filter(
            file__staff__in=visible_files(user, day).values("pk"),
            file__destroyed_on__isnull=True,
        )
        .select_related("file__staff")
        .filter(pk=pk)
        .first()
    )
    if document is None or not can_view_file(user, document.file.staff, day):
        raise PermissionDenied(
            "You do not have access to this document: it is in the supervision file of someone "
            "you do not supervise, or it has been destroyed."
        )
    return document


def upload_only_files(user: Any, day: dt.date | None = None) -> StaffQuerySet:
    """People whose file the user adds to without reading it: Business Support, for anyone who
    has not left (N 11.1, N 11.3 sections 1 and 4). Nobody for anyone else."""
    access = access_for(user, day)
    if not access.is_business_support:
        return Staff.objects.none()
    return (
        visible_staff(user, access.day)
        .filter(Q(end_date__isnull=True) | Q(end_date__gte=access.day))
        .exclude(pk__in=visible_files(user, access.day).values("pk"))
    )
