"""Supervision sessions of every type, the cases discussed in them, and supervision agreements.

These are the facts the obligations engine counts. A session's `recorded_date` is when its record
was completed; the engine measures recording deadlines from the session date to it.
"""

from __future__ import annotations

import datetime as dt
import secrets
from typing import TYPE_CHECKING, Any, Self

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.db.models import Exists, F, OuterRef, Q, Subquery, Value
from django.utils import timezone

from oversight.access.staff import staff_of
from oversight.audit.trail import audit, changes
from oversight.cases.models import Case
from oversight.engine.facts import SESSION_TYPES
from oversight.engine.periods import parse_period
from oversight.formatting import long_date, long_time
from oversight.model_fields import own_field
from oversight.organisation.models import LineManagement, Staff, Team
from oversight.transitions import (
    AppendOnlyError,
    Move,
    NotAllowed,
    TransitionRow,
    Workflow,
    WorkflowError,
)
from oversight.versions import STAMP_FIELDS, Versioned, claim

if TYPE_CHECKING:
    from django.contrib.auth.models import User

SESSION_TYPE_LABELS = {
    "individual": "One-to-one supervision",
    "case_discussion": "Case discussion",
    "management_oversight": "Management oversight",
    "group": "Group reflective supervision",
    "practice_observation": "Practice observation",
    "conference_chair": "Conference chair supervision",
}


def new_session_id() -> str:
    # Sessions made in Oversight need an identifier that never collides with a council's own ids.
    return f"OV-{secrets.token_hex(5).upper()}"


# A session as the data set's sessions.csv (DATA.md) and the engine's facts both describe it, in
# their order: the lookups to read it out of the database with.
SESSION_DATA_SET_FIELDS = (
    "session_id",
    "type",
    "date",
    "supervisor__staff_id",
    "supervisee__staff_id",
    "team__name",
    "duration_minutes",
    "recorded_date",
)


def _took_place() -> Q:
    """The one definition of a session that took place, for `SessionQuerySet`."""
    events = SessionEvent.objects.filter(session=OuterRef("pk"))
    return ~Exists(events.filter(kind=SessionEvent.Kind.CANCELLED)) & (
        ~Exists(events.filter(kind=SessionEvent.Kind.BOOKED))
        | Exists(events.filter(kind=SessionEvent.Kind.HELD))
    )


class SessionQuerySet(models.QuerySet["Session"]):
    def on_or_before(self, day: dt.date) -> SessionQuerySet:
        return self.filter(date__lte=day)

    def of_type(self, *types: str) -> Self:
        return self.filter(type__in=types)

    def involving(self, staff: Staff) -> Self:
        # A joint supervision involves each of its supervisees (B 3.1.10).
        joint = JointSupervisee.objects.filter(staff=staff).values("session")
        return self.filter(Q(supervisor=staff) | Q(supervisee=staff) | Q(pk__in=joint))

    def not_cancelled(self) -> Self:
        return self.exclude(events__kind=SessionEvent.Kind.CANCELLED)

    def took_place(self) -> SessionQuerySet:
        """Sessions that count towards obligations (issue 8): not cancelled, and either recorded
        elsewhere (imported: never booked in Oversight, so it counts from its date as RULES.md
        says) or booked here and confirmed held (explicitly, or by sending its record)."""
        return self.filter(_took_place())

    def not_taken_place(self) -> SessionQuerySet:
        """The sessions `took_place` leaves out: bookings not (yet) held, and cancelled ones.
        Only a session with events can be one, so the query starts from the events: for the
        whole council, reading every session and dropping these is much faster than asking of
        each of 100,000 sessions whether it took place."""
        return self.filter(pk__in=SessionEvent.objects.values("session")).exclude(_took_place())

    def awaiting_confirmation(self, supervisor: Staff, now: dt.datetime) -> SessionQuerySet:
        """The supervisor's bookings whose time has come, not yet confirmed held or cancelled:
        they count for nothing until the supervisor says whether they took place."""
        events = SessionEvent.objects.filter(session=OuterRef("pk"))
        today = timezone.localtime(now)
        return (
            self.filter(supervisor=supervisor)
            .filter(Exists(events.filter(kind=SessionEvent.Kind.BOOKED)))
            .exclude(Exists(events.filter(kind__in=SessionEvent.SETTLED)))
            .filter(
                Q(date__lt=today.date())
                | Q(date=today.date(), start_time__isnull=True)
                | Q(date=today.date(), start_time__lte=today.time())
            )
        )


class Session(Versioned):
    """A supervision session; as a record written on one page, `Versioned` (oversight.versions)."""

    session_id = models.CharField("session ID", max_length=50, unique=True, default=new_session_id)
    type = models.CharField(
        max_length=30, choices=[(t, SESSION_TYPE_LABELS[t]) for t in SESSION_TYPES]
    )
    date = models.DateField()
    start_time = models.TimeField(null=True, blank=True)
    location = models.CharField(
        "place", max_length=200, blank=True, help_text="For example, meeting room 2, or online."
    )
    supervisor = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="sessions_led"
    )
    supervisee = models.ForeignKey(
        Staff, on_delete=models.PROTECT, null=True, blank=True, related_name="sessions_received"
    )
    team = models.ForeignKey(
        Team,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="group_sessions",
        help_text="For group reflective supervision: the team that met.",
    )
    duration_minutes = models.PositiveIntegerField(null=True, blank=True)
    recorded_date = models.DateField(
        null=True, blank=True, help_text="When the record of the session was completed."
    )
    cases = models.ManyToManyField(Case, through="SessionCase", related_name="sessions")
    # Joint supervision (B 3, 3.1.10): others jointly working with the family, supervised with
    # the supervisee in the same case supervision session.
    joint_supervisees = models.ManyToManyField(
        Staff, through="JointSupervisee", related_name="joint_sessions", blank=True
    )
    # The hidden token of the form that created the session (a booking, a new record): posted
    # twice (a double click, a resent form), it finds this session instead of making another.
    submission = models.UUIDField(null=True, blank=True, unique=True, editable=False)

    objects = SessionQuerySet.as_manager()

    class Meta:
        ordering = ["-date", "session_id"]
        indexes = [models.Index(fields=["date"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(recorded_date__isnull=True) | Q(recorded_date__gte=models.F("date")),
                name="session_recorded_on_or_after_it_happened",
            )
        ]

    def __str__(self) -> str:
        return f"{self.get_type_display()} on {self.date} ({self.session_id})"


class SessionCase(models.Model):
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="session_cases")
    case = models.ForeignKey(Case, on_delete=models.PROTECT, related_name="session_cases")

    class Meta:
        verbose_name = "case discussed"
        verbose_name_plural = "cases discussed"
        constraints = [
            models.UniqueConstraint(fields=["session", "case"], name="case_discussed_once")
        ]

    def __str__(self) -> str:
        return f"{self.case} in {self.session}"


class JointSupervisee(models.Model):
    """Another worker supervised jointly with the session's supervisee (B 3: "where one or more
    members of staff are jointly working with a family, joint supervision may be beneficial";
    B 3.1.10).

    Only a case discussion is supervised jointly: a one-to-one's professional part is about one
    worker alone (B 2). The session lists the children of every supervisee discussed, so it meets
    those children's case obligations whoever holds them; each supervisee agrees or returns the
    record for themselves (records.AttendeeCopy).
    """

    JOINT_TYPES = ("case_discussion",)

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="joint_rows")
    # Named `staff`, as other things about one person are, so the audit trail of the row is found
    # among that person's (oversight.access.audit_trail).
    staff = models.ForeignKey(
        Staff, on_delete=models.PROTECT, related_name="joint_rows", verbose_name="supervisee"
    )

    class Meta:
        ordering = ["session", "staff__name", "id"]
        verbose_name = "joint supervisee"
        constraints = [
            models.UniqueConstraint(fields=["session", "staff"], name="joint_supervisee_once")
        ]

    def __str__(self) -> str:
        return f"{self.staff} jointly in {self.session}"


class SessionEvent(models.Model):
    """What happened to a session booked in Oversight: booked, held, moved or cancelled.

    Rows are only appended (ADR 0002: facts stored, states derived). A session with no rows was
    recorded elsewhere and counts from its date; one booked here counts once a `held` row says it
    took place, and never once `cancelled`. A move keeps the date and time it had and the new
    ones, with the reason; the session's own date and time are the latest move's.
    """

    class Kind(models.TextChoices):
        BOOKED = "booked", "Booked"
        HELD = "held", "Took place"
        MOVED = "moved", "Moved"
        CANCELLED = "cancelled", "Cancelled"
        # An unfinished record passed to the supervisee's new supervisor (N 12.1); the reason
        # names who wrote it and who has it now.
        HANDED_OVER = "handed_over", "Handed over"

    # Once held or cancelled, a booking is settled: it cannot be moved, cancelled or held again.
    SETTLED = (Kind.HELD, Kind.CANCELLED)

    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="events")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)
    reason = models.TextField(blank=True)
    from_date = models.DateField(null=True, blank=True)
    from_time = models.TimeField(null=True, blank=True)
    to_date = models.DateField(null=True, blank=True)
    to_time = models.TimeField(null=True, blank=True)

    class Meta:
        ordering = ["session", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(kind__in=["moved", "cancelled"]) | ~Q(reason=""),
                name="session_moved_or_cancelled_with_reason",
            ),
            models.UniqueConstraint(
                fields=["session"],
                condition=Q(kind__in=["held", "cancelled"]),
                name="session_settled_once",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.session} at {self.at}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            raise AppendOnlyError("What happened to a session cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        raise AppendOnlyError("What happened to a session cannot be deleted.")


# Supervision agreements -------------------------------------------------------------------------

# The terms of N Appendix 1 and B Appendix A, in the order the forms list them.
AGREEMENT_TERMS = (
    "frequency",
    "session_length",
    "location",
    "recording",
    "confidentiality",
    "agenda_setting",
    "mediating_difficulties",
    "other_issues",
)

# Both appendices leave a box for each of these: an agreement signed with one of them empty would
# not say how the two people are to work together. The frequency may stay empty (it then follows
# the policy) and "other issues" is there only if there are any.
REQUIRED_TO_CONFIRM = {
    "session_length": "Enter how long each session will last",
    "location": "Enter where supervision will take place",
    "recording": "Enter who is responsible for recording supervision",
    "confidentiality": "Enter the extent of confidentiality",
    "agenda_setting": "Enter how the agenda will be set",
    "mediating_difficulties": "Enter how difficulties will be resolved",
}


class AgreementState(models.TextChoices):
    """Read from the confirmations, the signed date and the organisation; never stored."""

    DRAFT = "draft", "Draft"
    AWAITING_SUPERVISEE = "awaiting_supervisee", "Waiting for the supervisee to confirm"
    AWAITING_SUPERVISOR = "awaiting_supervisor", "Waiting for the supervisor to confirm"
    SIGNED = "signed", "Signed"
    SUPERSEDED = "superseded", "Earlier agreement"


# While an agreement is in one of these states its terms can change and it can be confirmed.
OPEN_AGREEMENT_STATES = frozenset(
    {
        AgreementState.DRAFT,
        AgreementState.AWAITING_SUPERVISEE,
        AgreementState.AWAITING_SUPERVISOR,
    }
)


class AgreementRole(models.TextChoices):
    SUPERVISOR = "supervisor", "the supervisor"
    SUPERVISEE = "supervisee", "the supervisee"


# Every move an agreement can make. Superseded is not a move: it is read from the organisation on
# the day asked about (a new line manager, or a later agreement signed), so an agreement signed
# last year was signed, not superseded, on the days before that happened.
_DRAFT, _SIGNED = AgreementState.DRAFT, AgreementState.SIGNED
_WAITING_FOR_SUPERVISEE = AgreementState.AWAITING_SUPERVISEE
_WAITING_FOR_SUPERVISOR = AgreementState.AWAITING_SUPERVISOR
_SUPERVISOR, _SUPERVISEE = AgreementRole.SUPERVISOR, AgreementRole.SUPERVISEE
# fmt: off
AGREEMENT_TRANSITIONS: tuple[Move, ...] = (
    # name          from                     to                       who
    Move("confirm", _DRAFT,                  _WAITING_FOR_SUPERVISEE, _SUPERVISOR),
    Move("confirm", _DRAFT,                  _WAITING_FOR_SUPERVISOR, _SUPERVISEE),
    Move("confirm", _WAITING_FOR_SUPERVISOR, _SIGNED,                 _SUPERVISOR),
    Move("confirm", _WAITING_FOR_SUPERVISEE, _SIGNED,                 _SUPERVISEE),
    # New wording clears both confirmations: each was a signature on the terms as they stood.
    Move("change_terms", _WAITING_FOR_SUPERVISEE, _DRAFT,             _SUPERVISOR),
    Move("change_terms", _WAITING_FOR_SUPERVISOR, _DRAFT,             _SUPERVISOR),
)
# fmt: on


class AgreementError(WorkflowError):
    """A change the agreement does not allow now; the message says why in plain English."""


class AgreementNotAllowed(AgreementError, NotAllowed):
    """This person may not do this (a view turns PermissionDenied into a 403)."""


class AgreementLocked(AgreementError):
    """Signed or superseded: kept exactly as it was, for the file (N 12.1)."""


def validate_frequency(value: str | None) -> str:
    """The agreed frequency as a period the engine reads (e.g. "14d"); empty follows the policy."""
    text = (value or "").strip()
    if not text:
        return ""
    fix = (
        "choose one from the list, or write a number followed by d (days), w (weeks), "
        "m (months) or wd (working days), for example 14d. Leave it empty to follow the policy"
    )
    try:
        period = parse_period(text)
    except ValueError:
        raise ValidationError(f"'{text}' is not a frequency: {fix}", code="invalid") from None
    if period.count == 0:
        raise ValidationError(
            f"'{text}' is not a frequency: supervision cannot be every 0 days; {fix}",
            code="invalid",
        )
    return str(period)


def readable_frequency(value: str | None) -> str | None:
    """A stored frequency as the engine is to read it, or None when it has none or cannot be read.

    Frequencies were not checked when some agreements were stored (999999999d, "fortnight"):
    such an agreement follows the policy's frequency, as an empty one does, rather than stopping
    every page that works out the person's supervision. `oversight check --database default`
    lists them (oversight/supervision/checks.py)."""
    try:
        return validate_frequency(value) or None
    except ValidationError:
        return None


class AgreementQuerySet(models.QuerySet["Agreement"]):
    def signed(self) -> AgreementQuerySet:
        return self.filter(signed_date__isnull=False)

    def in_force(self) -> AgreementQuerySet:
        """Signed, and not followed by a later signed agreement for the same person."""
        later_signed = Agreement.objects.filter(staff=OuterRef("staff")).filter(
            Q(signed_date__gt=OuterRef("signed_date"))
            | Q(signed_date=OuterRef("signed_date"), pk__gt=OuterRef("pk"))
        )
        return self.signed().filter(~Exists(later_signed))

    def unsigned(self) -> AgreementQuerySet:
        return self.filter(signed_date__isnull=True)

    def of(self, staff: Staff) -> AgreementQuerySet:
        return self.filter(staff=staff)

    def with_state(self, day: dt.date) -> AgreementQuerySet:
        """Annotate what `state_on(day)` needs, so a page listing agreements runs one query."""
        current_manager = (
            LineManagement.objects.active_on(day)
            .filter(staff=OuterRef("staff"))
            .order_by("-start_date")
            .values("manager")[:1]
        )
        later_signed = Agreement.objects.filter(
            staff=OuterRef("staff"), signed_date__lte=day
        ).filter(
            Q(signed_date__gt=OuterRef("signed_date"))
            | Q(signed_date=OuterRef("signed_date"), pk__gt=OuterRef("pk"))
        )
        return self.annotate(
            current_manager_pk=Subquery(current_manager),
            later_signed=Exists(later_signed),
            state_day=Value(day, output_field=models.DateField()),
        )

    def not_superseded_on(self, day: dt.date) -> AgreementQuerySet:
        """In force or still being agreed on `day`: what lists show; earlier ones are on file."""
        return (
            self.with_state(day)
            # A lookup on with_state()'s annotation, which the plugin cannot follow across methods.
            .filter(current_manager_pk=F("supervisor_id"))  # type: ignore[misc]
            .filter(Q(signed_date__isnull=True) | Q(later_signed=False))
        )


class Agreement(Versioned):
    """A supervision agreement signed by a supervisee and their supervisor (N 6, B Appendix A)."""

    staff = models.ForeignKey(Staff, on_delete=models.CASCADE, related_name="agreements")
    supervisor = models.ForeignKey(
        Staff, on_delete=models.PROTECT, related_name="agreements_as_supervisor"
    )
    signed_date = models.DateField(
        null=True,
        blank=True,
        help_text="The day both people had confirmed it; empty while it is still being agreed.",
    )
    frequency = models.CharField(
        max_length=10,
        blank=True,
        help_text="Agreed frequency as a period, e.g. 14d or 1m; blank to follow the policy.",
    )
    # The terms of N Appendix 1 and B Appendix A. Imported agreements carry none of them.
    session_length = models.CharField(
        "length of sessions", max_length=100, blank=True, help_text="For example, 90 minutes."
    )
    location = models.CharField("where supervision takes place", max_length=200, blank=True)
    recording = models.TextField("responsibility for recording", blank=True)
    confidentiality = models.TextField("extent of confidentiality", blank=True)
    agenda_setting = models.TextField("how the agenda is set", blank=True)
    mediating_difficulties = models.TextField("process for mediating difficulties", blank=True)
    other_issues = models.TextField("other issues", blank=True)
    # Each person's confirmation is their signature, with the time they gave it.
    supervisor_confirmed_at = models.DateTimeField(null=True, blank=True)
    supervisee_confirmed_at = models.DateTimeField(null=True, blank=True)

    objects = AgreementQuerySet.as_manager()

    class Meta:
        ordering = ["staff", "-signed_date"]
        constraints = [
            models.UniqueConstraint(
                fields=["staff", "supervisor", "signed_date"], name="one_agreement_per_signing"
            )
        ]

    def __str__(self) -> str:
        signed = f"signed {self.signed_date}" if self.signed_date else "not yet signed"
        return f"Agreement between {self.staff.name} and {self.supervisor.name}, {signed}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        # A signed agreement is the record of what two people signed: it is never edited, a new
        # one is signed instead (N 6.1 review, N 12.1 new supervisor). Checked here as well as in
        # the methods below so that no other path (a form, the admin, a script) can rewrite one.
        if self.pk is not None and not kwargs.get("force_insert"):
            stored = (
                Agreement.objects.filter(pk=self.pk).values_list("signed_date", flat=True).first()
            )
            if stored is not None:
                raise AgreementLocked(
                    f"This agreement was signed on {long_date(stored)} and cannot be "
                    "changed. To change the terms, start a new agreement."
                )
        super().save(*args, **kwargs)

    # State ------------------------------------------------------------------------------------

    def _current_manager_pk(self, day: dt.date) -> int | None:
        if getattr(self, "state_day", None) == day:
            # Annotated by with_state(day), which also set state_day; not a field of the model.
            return self.current_manager_pk  # type: ignore[attr-defined]
        manager = self.staff.line_manager_on(day)
        return manager.pk if manager else None

    def _later_signed(self, day: dt.date) -> bool:
        if getattr(self, "state_day", None) == day:
            # Annotated by with_state(day) too.
            return bool(self.later_signed)  # type: ignore[attr-defined]
        return (
            Agreement.objects.signed()
            .filter(staff_id=self.staff_id, signed_date__lte=day)
            .filter(
                Q(signed_date__gt=self.signed_date)
                | Q(signed_date=self.signed_date, pk__gt=self.pk)
            )
            .exists()
        )

    def state_on(self, day: dt.date | None = None) -> AgreementState:
        """Where the agreement stands on `day` (today if not given).

        Superseded: a later agreement for the same person has been signed, or the supervisor is
        no longer their line manager (N 12.1: the new supervisor signs a new one, and the old one
        stays on the file for audit). A draft with a supervisor who has moved on can no longer be
        signed, so it is superseded too.
        """
        day = day or timezone.localdate()
        if self._current_manager_pk(day) != self.supervisor_id:
            return AgreementState.SUPERSEDED
        if self.signed_date is not None:
            if self._later_signed(day):
                return AgreementState.SUPERSEDED
            return AgreementState.SIGNED
        if self.supervisor_confirmed_at is not None:
            return AgreementState.AWAITING_SUPERVISEE
        if self.supervisee_confirmed_at is not None:
            return AgreementState.AWAITING_SUPERVISOR
        return AgreementState.DRAFT

    @property
    def state(self) -> AgreementState:
        return self.state_on(getattr(self, "state_day", None))

    def role_of(self, user: Any) -> str | None:
        """ "supervisor", "supervisee" or None: what this user is to the agreement in person."""
        staff = staff_of(user)
        if staff is None:
            return None
        if staff.pk == self.supervisor_id:
            return "supervisor"
        if staff.pk == self.staff_id:
            return "supervisee"
        return None

    def confirmed_at(self, role: str) -> dt.datetime | None:
        return (
            self.supervisor_confirmed_at if role == "supervisor" else self.supervisee_confirmed_at
        )

    def missing_terms(self) -> list[str]:
        return [name for name in REQUIRED_TO_CONFIRM if not str(getattr(self, name)).strip()]

    def terms(self) -> dict[str, str]:
        return {name: getattr(self, name) for name in AGREEMENT_TERMS}

    # Changes ----------------------------------------------------------------------------------

    @classmethod
    def start(
        cls,
        staff: Staff,
        supervisor: Staff,
        *,
        by: User,
        on: dt.date | None = None,
        **terms: str,
    ) -> Agreement:
        """A draft agreement between `staff` and `supervisor`, their line manager on `on`."""
        day = on or timezone.localdate()
        cleaned = _clean_terms(terms)
        with transaction.atomic():
            current = staff.line_manager_on(day)
            if current is None or current.pk != supervisor.pk:
                who = (
                    f"their line manager is {current.name}"
                    if current
                    else "they have no line manager recorded"
                )
                raise AgreementError(
                    f"{supervisor.name} is not {staff.name}'s line manager on "
                    f"{long_date(day)} ({who}). A supervision agreement is made with the "
                    "current line manager: record the change of line manager first."
                )
            if staff.end_date is not None and staff.end_date < day:
                raise AgreementError(
                    f"{staff.name} left on {long_date(staff.end_date)}: an agreement cannot be "
                    "started with someone who has left."
                )
            me = staff_of(by)
            if me is None or me.pk != supervisor.pk:
                raise AgreementNotAllowed(
                    f"Only {supervisor.name}, {staff.name}'s line manager, can start a "
                    "supervision agreement with them."
                )
            draft = (
                cls.objects.select_for_update()
                .of(staff)
                .unsigned()
                .filter(supervisor=supervisor)
                .first()
            )
            if draft is not None:
                raise AgreementError(
                    f"An agreement between {supervisor.name} and {staff.name} is already being "
                    "agreed: continue that one rather than starting another."
                )
            agreement = cls.objects.create(staff=staff, supervisor=supervisor, **cleaned)
            audit(
                by,
                "create",
                agreement,
                detail={"staff": staff.staff_id, "supervisor": supervisor.staff_id, **cleaned},
            )
        return agreement

    def update_terms(
        self,
        *,
        by: User,
        on: dt.date | None = None,
        seen_version: int | None = None,
        **terms: str,
    ) -> bool:
        """Change the terms while the agreement is not signed; True if anything changed.
        `seen_version` is the version the form was opened at: EditConflict if the terms were
        saved since (oversight.versions)."""
        day = on or timezone.localdate()
        cleaned = _clean_terms(terms)
        with transaction.atomic():
            # Locked so a confirmation given at the same moment cannot sign the old wording,
            # and a save from another tab cannot slip in between the check and the write.
            current = Agreement.objects.select_for_update().get(pk=self.pk)
            current._check_open(day, "change")
            if current.role_of(by) != "supervisor":
                raise AgreementNotAllowed(
                    f"Only the supervisor, {current.supervisor.name}, can change the terms of "
                    "this agreement."
                )
            changed = changes({name: getattr(current, name) for name in cleaned}, cleaned)
            if not changed:
                return False
            claim(current, current, seen_version, by=by)
            cleared = [
                role
                for role in ("supervisor", "supervisee")
                if current.confirmed_at(role) is not None
            ]
            detail = {"changes": changed, "confirmations_cleared": cleared}

            def rewrite(agreement: Agreement, move: Move | None = None) -> None:
                for name, value in cleaned.items():
                    setattr(agreement, name, value)
                for name in STAMP_FIELDS:  # the workflow may hand over a fresh copy of `current`
                    setattr(agreement, name, getattr(current, name))
                # A confirmation is a signature on the terms as they stood when it was given.
                # Whoever confirmed did not agree to the new wording, so both confirm again
                # rather than one person's signature carrying over to terms they never saw.
                agreement.supervisor_confirmed_at = None
                agreement.supervisee_confirmed_at = None
                agreement.save(
                    update_fields=[
                        *cleaned,
                        "supervisor_confirmed_at",
                        "supervisee_confirmed_at",
                        *STAMP_FIELDS,
                    ]
                )

            if cleared:
                current, _, _ = AgreementWorkflow(on=day).apply(
                    current,
                    "change_terms",
                    by=by,
                    write=rewrite,
                    audit_action="change",
                    detail=detail,
                )
            else:
                rewrite(current)
                audit(by, "change", current, detail=detail)
        self._copy_from(current)
        return True

    def confirm(self, *, by: User, at: dt.datetime | None = None) -> AgreementState:
        """Record `by`'s confirmation (their signature); the second one signs the agreement."""
        workflow = AgreementWorkflow(at)
        day = workflow.day

        def complete(agreement: Agreement, move: Move) -> None:
            if missing := agreement.missing_terms():
                raise ValidationError({name: REQUIRED_TO_CONFIRM[name] for name in missing})

        def sign(agreement: Agreement, move: Move) -> None:
            if move.who == AgreementRole.SUPERVISOR:
                agreement.supervisor_confirmed_at = workflow.at
            else:
                agreement.supervisee_confirmed_at = workflow.at
            if move.to_state == AgreementState.SIGNED:
                # It comes into force when the second person signs; the engine reads only
                # signed agreements.
                clash = (
                    Agreement.objects.signed()
                    .filter(staff=agreement.staff, supervisor=agreement.supervisor, signed_date=day)
                    .exclude(pk=agreement.pk)
                    .exists()
                )
                if clash:
                    raise AgreementError(
                        f"{agreement.supervisor.name} and {agreement.staff.name} already signed "
                        f"an agreement on {long_date(day)}, and only one agreement between the "
                        "same two people can come into force on one day. Confirm this one on "
                        "another day."
                    )
                agreement.signed_date = day
            agreement.save(
                update_fields=["supervisor_confirmed_at", "supervisee_confirmed_at", "signed_date"]
            )

        current, move, _ = workflow.apply(
            self,
            "confirm",
            by=by,
            checks=complete,
            write=sign,
            detail={"confirmed_by": str(self.role_of(by))},
        )
        self._copy_from(current)
        return AgreementState(move.to_state)

    def history(self) -> models.QuerySet[AgreementTransition]:
        return self.transitions.select_related("by").order_by("id")

    def locked_error(self, day: dt.date, doing: str) -> AgreementLocked | None:
        """Why the agreement can no longer change on `day`, or None while it is being agreed."""
        state = self.state_on(day)
        if state == AgreementState.SIGNED:
            return AgreementLocked(
                f"Cannot {doing} this agreement: it was signed on {long_date(self.signed_date)} "
                "and is kept as signed. To change the terms, start a new agreement."
            )
        if state == AgreementState.SUPERSEDED:
            reason = (
                "a later agreement has been signed"
                if self.signed_date is not None
                else f"{self.supervisor.name} is no longer {self.staff.name}'s line manager"
            )
            return AgreementLocked(
                f"Cannot {doing} this agreement: {reason}, so it is kept on the file as it is. "
                "The current line manager starts a new agreement."
            )
        return None

    def _check_open(self, day: dt.date, doing: str) -> None:
        if error := self.locked_error(day, doing):
            raise error

    def _copy_from(self, other: Agreement) -> None:
        for name in (
            *AGREEMENT_TERMS,
            "supervisor_confirmed_at",
            "supervisee_confirmed_at",
            *STAMP_FIELDS,
        ):
            setattr(self, name, getattr(other, name))
        self.signed_date = other.signed_date


class AgreementTransition(TransitionRow):
    """One move of an agreement: a confirmation, or confirmations cleared by new terms."""

    agreement = models.ForeignKey(Agreement, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=30, choices=AgreementState.choices)
    to_state = models.CharField(max_length=30, choices=AgreementState.choices)

    class Meta:
        # Appended under a lock on the agreement, so the highest id is the latest move.
        ordering = ["agreement", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(from_state=F("to_state")), name="agreement_transition_changes_state"
            )
        ]


class AgreementWorkflow(Workflow[Agreement, AgreementTransition]):
    """Agreements move as AGREEMENT_TRANSITIONS says; the state is read on `at`'s day."""

    thing = "agreement"
    moves = AGREEMENT_TRANSITIONS

    def __init__(self, at: dt.datetime | None = None, on: dt.date | None = None) -> None:
        self.at = at or timezone.now()
        self.day = on or timezone.localdate(self.at)

    def lock(self, thing: Agreement) -> Agreement:
        return (
            Agreement.objects.select_for_update(of=("self",))
            .select_related("staff", "supervisor")
            .get(pk=thing.pk)
        )

    def state_of(self, thing: Agreement) -> str:
        return thing.state_on(self.day)

    def role_of(self, thing: Agreement, by: User) -> str | None:
        return thing.role_of(by)

    def illegal(self, thing: Agreement, name: str, state: str, role: Any | None) -> Exception:
        if role is None:
            return self.nobody_else(thing, name)
        doing = "change" if name == "change_terms" else name
        return thing.locked_error(self.day, doing) or AgreementError(
            f"Cannot {doing} this agreement now: it is {AgreementState(state).label.lower()}."
        )

    def not_allowed(
        self, thing: Agreement, moves: tuple[Move, ...], role: Any | None, by: User
    ) -> Exception:
        if role is None or moves[0].name != "confirm":
            return self.nobody_else(thing, moves[0].name)
        # Each person confirms once: the move left is the other person's.
        given = thing.confirmed_at(role)
        other = thing.staff if role == AgreementRole.SUPERVISOR else thing.supervisor
        when = f" on {long_time(given)}" if given else ""
        return AgreementError(
            f"You confirmed this agreement{when}. It is waiting for {other.name} to confirm it."
        )

    def nobody_else(self, thing: Agreement, name: str) -> Exception:
        if name == "change_terms":
            return AgreementNotAllowed(
                f"Only the supervisor, {thing.supervisor.name}, can change the terms of this "
                "agreement."
            )
        return AgreementNotAllowed(
            f"Only {thing.supervisor.name} (the supervisor) and {thing.staff.name} "
            "(the supervisee) can confirm this agreement. A confirmation is that "
            "person's own signature, so nobody can give it on their behalf."
        )

    def append(
        self, thing: Agreement, move: Move, from_state: str, *, by: User, reason: str
    ) -> AgreementTransition:
        return AgreementTransition.objects.create(
            agreement=thing,
            from_state=from_state,
            to_state=move.to_state,
            by=by,
            at=self.at,
            reason=reason,
        )


def _clean_terms(terms: dict[str, Any]) -> dict[str, str]:
    """The terms as they are stored, or a ValidationError naming each bad one and the fix."""
    unknown = set(terms) - set(AGREEMENT_TERMS)
    if unknown:
        raise TypeError(
            f"Not terms of an agreement: {', '.join(sorted(unknown))}; "
            f"the terms are {', '.join(AGREEMENT_TERMS)}"
        )
    cleaned = {name: ("" if value is None else str(value)).strip() for name, value in terms.items()}
    errors: dict[str, list[str]] = {}
    if "frequency" in cleaned:
        try:
            cleaned["frequency"] = validate_frequency(cleaned["frequency"])
        except ValidationError as error:
            errors["frequency"] = error.messages
    for name, value in cleaned.items():
        limit = own_field(Agreement, name).max_length
        if limit is not None and len(value) > limit and name not in errors:
            label = own_field(Agreement, name).verbose_name
            errors[name] = [
                f"{str(label).capitalize()} must be {limit} characters or fewer "
                f"(it has {len(value)})"
            ]
    if errors:
        raise ValidationError(errors)
    return cleaned
