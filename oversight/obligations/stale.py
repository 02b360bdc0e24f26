"""Which subjects a write makes stale, marked in the same transaction as the write.

Every model holding a fact the engine reads is watched here; a save or delete marks the subjects
whose obligations (or owners) it can change. Marking is one insert, so writes stay cheap; the
recomputation happens when the store is next read (``store.ensure_current``). Bulk writes that
send no signals (the importer, the demo) call ``store.invalidate()`` instead.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.apps import apps
from django.core.exceptions import ObjectDoesNotExist
from django.db.models.signals import post_delete, post_save, pre_save

from oversight.appraisals.models import Appraisal
from oversight.cases.models import Allocation, Case, CaseEvent, CaseStatus
from oversight.obligations.models import StaleSubject
from oversight.organisation.models import LineManagement, Staff, TeamMembership
from oversight.quality.models import EvidenceReview
from oversight.supervision.models import Agreement, Session, SessionCase, SessionEvent

Subject = tuple[str, str]


def mark_stale(subjects: Iterable[Subject]) -> None:
    found = {subject for subject in subjects if subject[1]}
    if found:
        StaleSubject.objects.bulk_create(
            [StaleSubject(subject_type=kind, subject_id=ident) for kind, ident in found],
            ignore_conflicts=True,
        )


def _team_of(staff_pk: int | None) -> list[Subject]:
    if staff_pk is None:
        return []
    name = Staff.objects.filter(pk=staff_pk).values_list("team__name", flat=True).first()
    return [("team", name)] if name else []


def _cases_held_by(staff_pk: int) -> list[Subject]:
    return [
        ("case", case_id)
        for case_id in Allocation.objects.filter(worker_id=staff_pk).values_list(
            "case__case_id", flat=True
        )
    ]


def _sessions_of(staff_pk: int) -> list[Subject]:
    """The records of someone's supervision: each counts in the team they were in on its date."""
    return [
        ("session", session_id)
        for session_id in Session.objects.filter(supervisee_id=staff_pk).values_list(
            "session_id", flat=True
        )
    ]


def of_session(session: Session) -> list[Subject]:
    subjects: list[Subject] = [("session", session.session_id)]
    if session.supervisee_id is not None:
        subjects.append(
            (
                "staff",
                Staff.objects.values_list("staff_id", flat=True).get(pk=session.supervisee_id),
            )
        )
    team = session.team
    if team is not None:
        subjects.append(("team", team.name))
    subjects += [
        ("case", case_id)
        for case_id in SessionCase.objects.filter(session_id=session.pk).values_list(
            "case__case_id", flat=True
        )
    ]
    return subjects


def of_staff(staff: Staff) -> list[Subject]:
    # A person's own obligations, their team's (members decide the team's managers and its first
    # start) and their children's (whose owner is their supervisor).
    subjects = [("staff", staff.staff_id), *_team_of(staff.pk), *_cases_held_by(staff.pk)]
    if staff.category == "conference_chair":
        # The chairs' manager owns every chair review (engine/owners.py).
        subjects += [
            ("case", case_id)
            for case_id in CaseStatus.objects.values_list("case__case_id", flat=True).distinct()
        ]
    return subjects


def _on_change(sender: type[Any], instance: Any, **kwargs: Any) -> None:
    if kwargs.get("raw") or not isinstance(instance, WATCHED):
        return  # fixtures are loaded as they are; whoever loads them refreshes the store
    try:
        subjects = _affected(instance)
    except ObjectDoesNotExist:
        # Deleted along with what it belonged to (a cascade), which marks the same subjects.
        return
    mark_stale(subjects)


def _remember_team(sender: type[Any], instance: Staff, **kwargs: Any) -> None:
    """A move between teams changes the team left behind too."""
    if instance.pk is not None and not kwargs.get("raw"):
        instance._team_when_loaded = (  # type: ignore[attr-defined]
            Staff.objects.filter(pk=instance.pk).values_list("team__name", flat=True).first()
        )


def _affected(instance: Any) -> list[Subject]:
    if isinstance(instance, Session):
        subjects = of_session(instance)
    elif isinstance(instance, SessionEvent):
        subjects = of_session(instance.session)
    elif isinstance(instance, SessionCase):
        subjects = [("case", instance.case.case_id), *of_session(instance.session)]
    elif isinstance(instance, Case):
        subjects = [("case", instance.case_id)]
    elif isinstance(instance, Allocation | CaseStatus | CaseEvent):
        subjects = [
            ("case", instance.case.case_id),
            *_team_of(getattr(instance, "worker_id", None)),
        ]
    elif isinstance(instance, Agreement):
        subjects = [("staff", instance.staff.staff_id)]
    elif isinstance(instance, LineManagement):
        # The manager's too: whether they manage anyone, and since when, is theirs (the review of
        # their supervision evidence, engine manager_evidence_review).
        subjects = [*of_staff(instance.staff), ("staff", instance.manager.staff_id)]
    elif isinstance(instance, EvidenceReview):
        subjects = [("staff", instance.manager.staff_id)]
    elif isinstance(instance, Appraisal):
        subjects = [("staff", instance.staff.staff_id)]
    elif isinstance(instance, Staff):
        subjects = of_staff(instance)
        old_team = getattr(instance, "_team_when_loaded", None)
        if old_team:
            subjects.append(("team", old_team))
        if old_team != (instance.team.name if instance.team is not None else None):
            # Without periods of membership, the team someone is in now is theirs on every day.
            subjects += _sessions_of(instance.pk)
    elif isinstance(instance, TeamMembership):
        subjects = [*of_staff(instance.staff), *_sessions_of(instance.staff_id)]
    else:
        subjects = []
    return subjects


WATCHED = (
    Session,
    SessionEvent,
    SessionCase,
    Case,
    Allocation,
    CaseStatus,
    CaseEvent,
    Agreement,
    LineManagement,
    Staff,
    TeamMembership,
    EvidenceReview,
    Appraisal,
)

# Connected for each watched model and each proxy of one (records are proxies of sessions and send
# signals as themselves), not for every sender: a model with a delete receiver cannot be deleted
# in one statement, and emptying the store itself, row by row with a signal each, took 10 s.
for model in apps.get_models():
    if issubclass(model, WATCHED):
        post_save.connect(_on_change, sender=model, dispatch_uid=f"stale-save-{model._meta.label}")
        post_delete.connect(
            _on_change, sender=model, dispatch_uid=f"stale-delete-{model._meta.label}"
        )
pre_save.connect(_remember_team, sender=Staff, dispatch_uid="obligations-staff-team")
