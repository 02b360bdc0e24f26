"""The one-page record forms: management oversight (and ad hoc case discussions), group reflective
supervision, practice observations and a conference chair's dedicated supervision.

Every kind goes through one skeleton (`record_page`): fetch and authorise, bind the form, its
decisions and actions and any per-child forms, call the kind's domain save, redirect to the
record's own page (`records:detail`), where it is sent, agreed and corrected. What differs between
kinds is one class each in `KINDS`: the form, the template, who may write it, the save operation
and what else the page shows.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, ClassVar

from django import forms
from django.contrib import messages
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from oversight.access import records as access
from oversight.access.queries import visible_cases
from oversight.audit.actor import Actor
from oversight.cases.models import Allocation, Case
from oversight.engine.engine import Obligation
from oversight.facts.live import council_policy
from oversight.formatting import NOTHING_DUE, urgency
from oversight.organisation.models import Staff, StaffQuerySet, Team
from oversight.records import writing
from oversight.records.models import (
    ChairReview,
    GroupRecord,
    PracticeObservation,
    RecordTransition,
)
from oversight.records.workflow import State, WorkflowError
from oversight.supervision.models import Session
from oversight.versions import EditConflict, seen_version
from oversight.web.conflicts import refuse
from oversight.web.records import guidance
from oversight.web.records.forms import (
    ChairForm,
    ChairReviewForm,
    CompletableForm,
    GroupForm,
    ObservationForm,
    OversightForm,
    action_formset,
    action_rows,
    error_summary,
    posted,
    unjudged,
)
from oversight.web.records.submissions import posted_submission, submission_to_show
from oversight.web.requests import AuthenticatedHttpRequest

# A per-child form on the page, with the child it is about.
Subform = tuple[Case, forms.Form]


def _people(*querysets: Any) -> StaffQuerySet:
    q = Q(pk__in=[])
    for qs in querysets:
        q |= Q(pk__in=qs.values("pk"))
    return Staff.objects.filter(q).order_by("name")


class RecordKind:
    """One kind of record written on one page. A subclass is made for each showing of the page,
    once the writer may write it; its attributes and methods are the per-kind table."""

    form_class: ClassVar[type[CompletableForm]]
    template: ClassVar[str]
    param: ClassVar[str]  # the query parameter naming what a new record is about
    types: ClassVar[tuple[str, ...]]  # the session types it writes

    def __init__(
        self, request: AuthenticatedHttpRequest, subject: Any, session: Session | None
    ) -> None:
        self.request = request
        self.today = timezone.localdate()
        self.author = access.author(request.user, self.today)
        self.subject = subject
        self.session = session
        self.authorise()

    # What each kind says -----------------------------------------------------------------------

    @classmethod
    def find(cls, value: str) -> Any:
        """What a new record is about, from the query parameter; 404 if there is no such thing."""
        raise NotImplementedError

    @classmethod
    def subject_of(cls, session: Session) -> Any:
        """What a saved record is about; 404 if it names nothing."""
        raise NotImplementedError

    def authorise(self) -> None:
        raise NotImplementedError

    def owners(self) -> StaffQuerySet:
        """Who an action can be given to."""
        raise NotImplementedError

    def form_kwargs(self) -> dict[str, Any]:
        return {}

    def initial(self) -> dict[str, Any]:
        """The form's starting values: a new record's defaults, or what the record holds."""
        raise NotImplementedError

    def subforms(self, data: Any, complete: bool) -> list[Subform]:
        """Forms for each child the record covers, bound to `data` if posted."""
        return []

    def is_postback(self, data: Any) -> bool:
        """A post that changes what the page shows rather than saving (besides adding a row)."""
        return False

    def save(
        self,
        form: Any,
        subforms: list[Subform],
        actions: list[dict[str, Any]],
        posted: writing.Posted,
    ) -> Session:
        """Save through the kind's domain operation, passing on what the form carries."""
        raise NotImplementedError

    def context(self, form: Any, subforms: list[Subform]) -> dict[str, Any]:
        return {}

    def dated_people(self, form: Any) -> list[Staff | None]:
        """Whose start the record's date cannot come before (None: nobody's, so it must be
        within the last year), as a booking's date cannot (writing.booking_date_problem)."""
        return [None]

    # Shared by every kind ----------------------------------------------------------------------

    def form(self, *args: Any, **kwargs: Any) -> Any:
        return self.form_class(*args, **kwargs, **self.form_kwargs())

    def back_url(self) -> str:
        if self.session is None:
            return reverse("home")
        return reverse("records:detail", args=[self.session.pk])

    def date_problem(self, form: Any) -> str | None:
        """Why the date typed cannot be the record's (issue 8): the bookings' one check, for each
        person the record is about. A date the record already has is not judged again, so an old
        draft can still be finished."""
        day = form.cleaned_data["date"]
        if self.session is not None and day == self.session.date:
            return None
        for person in self.dated_people(form):
            if problem := writing.booking_date_problem(day, person, self.today):
                return problem
        return None


# The skeleton ------------------------------------------------------------------------------------


def record_page(request: AuthenticatedHttpRequest, page: RecordKind) -> HttpResponse:
    session = page.session
    owners = page.owners()
    # A record being changed carries its version (oversight.versions); a new one, its token.
    data = request.POST if request.method == "POST" else None
    seen = seen_version(data)
    saving: dict[str, Any] = {
        "version": (session.version if seen is None else seen) if session else None,
        "submission": None if session else submission_to_show(data),
    }
    if data is not None:
        complete = "save" in data  # only the main button checks the record is complete
        form = page.form(data, complete=complete)
        actions = action_formset(data, owners=owners, existing=[])
        subforms = page.subforms(data, complete)
        adding = "add_action" in data
        if adding or page.is_postback(data):
            # Nothing is saved, so nothing is judged: show back what was typed, unbound.
            form = page.form(initial=posted(form))
            actions = unjudged(actions, add_row=adding)
            subforms = [(case, type(f)(initial=posted(f), prefix=f.prefix)) for case, f in subforms]
        elif _valid(page, form, actions, subforms):
            carried = writing.Posted(seen_version=seen, submission=posted_submission(data))
            try:
                saved = page.save(form, subforms, actions.rows(), carried)
            except WorkflowError as problem:
                # Sent or agreed meanwhile: the save rolled back, and the page says why.
                form.add_error(None, str(problem))
            except EditConflict as conflict:
                # Saved by someone else since this page was opened: show what they saved.
                assert session is not None  # only a record already stored has a version
                session.refresh_from_db()
                saving |= refuse(conflict, form, page.form(initial=page.initial()))
            else:
                done = "saved" if session is not None else "created"
                messages.success(
                    request,
                    f"{saved.get_type_display()} record {done}. It is a draft until you send it "
                    "to be agreed.",
                )
                return redirect("records:detail", pk=saved.pk)
    else:
        form = page.form(initial=page.initial())
        existing = action_rows(session.actions.order_by("id")) if session else []
        actions = action_formset(None, owners=owners, existing=existing)
        subforms = page.subforms(None, False)
        if session is not None:
            writing.audit_session(Actor.from_request(request), "view", session, {})

    return render(
        request,
        page.template,
        {
            "back_url": page.back_url(),
            "session": session,
            "form": form,
            "actions": actions,
            "subforms": subforms,
            "error_list": _errors(form, actions, *(f for _, f in subforms)),
            **saving,
            **page.context(form, subforms),
        },
    )


def _valid(page: RecordKind, form: Any, actions: Any, subforms: list[Subform]) -> bool:
    """Every part of the page is valid, and the date is one the record can have."""
    valid = form.is_valid() & actions.is_valid() & all([f.is_valid() for _, f in subforms])
    if valid and (problem := page.date_problem(form)):
        form.add_error("date", problem)
        return False
    return valid


def _errors(form: Any, *others: Any) -> list[dict[str, str]]:
    found = error_summary(form, *others)
    if found and not form.errors:
        # base.html prefixes the title with "Error:" when `form` has errors; make sure it does.
        form.add_error(None, "")
    return found


@require_http_methods(["GET", "POST"])
def new(request: AuthenticatedHttpRequest, kind: str) -> HttpResponse:
    """A new record of `kind` about the thing the query parameter names."""
    page_class = KINDS[kind]
    value = request.GET.get(page_class.param, "").strip()
    if not value:
        raise Http404(f"Say which record this is for: add ?{page_class.param}= to the address.")
    return record_page(request, page_class(request, page_class.find(value), None))


@require_http_methods(["GET", "POST"])
def edit(request: AuthenticatedHttpRequest, pk: int) -> HttpResponse:
    """The Edit link of every record written on one page: the right form for its type."""
    record = access.editable_record(request.user, pk, BY_TYPE)
    page_class = BY_TYPE[record.type]
    return record_page(request, page_class(request, page_class.subject_of(record), record))


# Management oversight / ad hoc case discussion ---------------------------------------------------


class OversightPage(RecordKind):
    form_class = OversightForm
    template = "records/oversight_form.html"
    param = "case"
    types = ("management_oversight", "case_discussion")

    @classmethod
    def find(cls, value: str) -> Case:
        return get_object_or_404(Case, case_id=value)

    @classmethod
    def subject_of(cls, session: Session) -> Case:
        note = session.oversight_notes.select_related("case").first()
        case = note.case if note else session.cases.order_by("case_id").first()
        if case is None:
            raise Http404("This record is not about a child, so it cannot be edited here.")
        return case

    def authorise(self) -> None:
        access.require_write_oversight(self.request.user, self.subject, self.today)
        self.workers = access.supervised_by(self.request.user, self.today)
        self.allocated = (
            Allocation.objects.active_on(self.today)
            .filter(case=self.subject, worker__in=self.workers)
            .first()
        )

    def owners(self) -> StaffQuerySet:
        return _people(self.workers, Staff.objects.filter(pk=self.author.pk))

    def form_kwargs(self) -> dict[str, Any]:
        return {"workers": self.workers.order_by("name")}

    def dated_people(self, form: Any) -> list[Staff | None]:
        return [form.cleaned_data["worker"]]

    def initial(self) -> dict[str, Any]:
        if self.session is None:
            return {
                "type": "management_oversight",
                "date": self.today,
                "worker": self.allocated.worker_id if self.allocated else None,
            }
        notes = self.session.oversight_notes
        note = notes.filter(case=self.subject).first()
        return {
            "type": self.session.type,
            "date": self.session.date,
            "worker": self.session.supervisee_id,
            "discussion": note.discussion if note else "",
            "decision": note.decision if note else "",
            "rationale": note.rationale if note else "",
        }

    def save(
        self,
        form: Any,
        subforms: list[Subform],
        actions: list[dict[str, Any]],
        posted: writing.Posted,
    ) -> Session:
        return writing.save_oversight(
            by=Actor.from_request(self.request),
            session=self.session,
            author=self.author,
            case=self.subject,
            data=form.cleaned_data,
            actions=actions,
            posted=posted,
        )

    def context(self, form: Any, subforms: list[Subform]) -> dict[str, Any]:
        deadlines = [guidance.recording_deadline(t) for t in self.types]
        session = self.session
        return {
            "case": self.subject,
            "allocated": self.allocated,
            "deadlines": [d for d in deadlines if d is not None],
            "no_deadline": [t for t, d in zip(self.types, deadlines, strict=True) if not d],
            "due": guidance.recording_deadline(session.type, session.date) if session else None,
        }


# Group reflective supervision --------------------------------------------------------------------


class GroupPage(RecordKind):
    form_class = GroupForm
    template = "records/group_form.html"
    param = "team"
    types = ("group",)

    @classmethod
    def find(cls, value: str) -> Team:
        if not (value.isascii() and value.isdigit()):  # int() cannot read "²", which isdigit
            raise Http404("No such team.")
        return get_object_or_404(Team, pk=int(value))

    @classmethod
    def subject_of(cls, session: Session) -> Team:
        if session.team is None:
            raise Http404("This group record names no team, so it cannot be edited here.")
        return session.team

    def authorise(self) -> None:
        access.require_write_group(self.request.user, self.subject, self.today)
        members = Staff.objects.filter(team=self.subject).active_on(self.today)
        members = members.exclude(pk=self.author.pk)
        if self.session is not None:
            # People who attended then and have since moved team stay on the record.
            attended = Staff.objects.filter(group_records_attended__session=self.session)
            members = _people(members, attended)
        self.members = members

    def owners(self) -> StaffQuerySet:
        return _people(self.members, Staff.objects.filter(pk=self.author.pk))

    def form_kwargs(self) -> dict[str, Any]:
        return {
            "team_staff": self.owners(),
            "members": self.members.order_by("name"),
            "visible": visible_cases(self.request.user, self.today),
        }

    def dated_people(self, form: Any) -> list[Staff | None]:
        return [None, *form.cleaned_data["attendees"]]

    def initial(self) -> dict[str, Any]:
        if self.session is None:
            return {"date": self.today, "facilitator": self.author.pk}
        initial: dict[str, Any] = {"date": self.session.date, "facilitator": self.author.pk}
        group = GroupRecord.objects.filter(session=self.session).first()
        if group is not None:
            initial |= {
                "facilitator": group.facilitator_id or self.author.pk,
                "attendees": list(group.attendees.values_list("pk", flat=True)),
                "presented_by": group.presented_by_id,
                "presentation": group.presentation,
                "hypotheses": group.hypotheses,
                "learning": group.learning,
            }
        cases = self.session.cases.order_by("case_id").values_list("case_id", flat=True)
        initial["cases"] = ", ".join(cases)
        return initial

    def save(
        self,
        form: Any,
        subforms: list[Subform],
        actions: list[dict[str, Any]],
        posted: writing.Posted,
    ) -> Session:
        return writing.save_group(
            by=Actor.from_request(self.request),
            session=self.session,
            author=self.author,
            team=self.subject,
            data=form.cleaned_data,
            actions=actions,
            posted=posted,
        )

    def context(self, form: Any, subforms: list[Subform]) -> dict[str, Any]:
        return {
            "team": self.subject,
            "policy_name": council_policy().name,
            "returned": self._returned(),
        }

    def _returned(self) -> RecordTransition | None:
        """The attendee's return being corrected, if it is one: what they asked to change."""
        if self.session is None:
            return None
        latest = self.session.transitions.select_related("by").order_by("-id").first()
        return latest if latest is not None and latest.to_state == State.RETURNED else None


# Practice observation ----------------------------------------------------------------------------


class ObservationPage(RecordKind):
    form_class: ClassVar[type[CompletableForm]] = ObservationForm
    template = "records/observation_form.html"
    param = "staff"
    types = ("practice_observation",)
    doing = "you cannot record an observation of their practice"

    @classmethod
    def find(cls, value: str) -> Staff:
        return get_object_or_404(Staff, staff_id=value)

    @classmethod
    def subject_of(cls, session: Session) -> Staff:
        if session.supervisee is None:
            raise Http404("This record names no worker, so it cannot be edited here.")
        return session.supervisee

    def authorise(self) -> None:
        access.require_supervises(self.request.user, self.subject, self.today, self.doing)

    def owners(self) -> StaffQuerySet:
        return _people(Staff.objects.filter(pk__in=[self.subject.pk, self.author.pk]))

    def dated_people(self, form: Any) -> list[Staff | None]:
        return [self.subject]

    def initial(self) -> dict[str, Any]:
        if self.session is None:
            return {"date": self.today}
        initial: dict[str, Any] = {"date": self.session.date}
        found = PracticeObservation.objects.filter(session=self.session).first()
        if found is not None:
            initial |= {
                name: getattr(found, name)
                for name in (
                    "setting",
                    "setting_detail",
                    "strengths",
                    "areas_for_development",
                    "worker_reflection",
                )
            }
        return initial

    def save(
        self,
        form: Any,
        subforms: list[Subform],
        actions: list[dict[str, Any]],
        posted: writing.Posted,
    ) -> Session:
        return writing.save_observation(
            by=Actor.from_request(self.request),
            session=self.session,
            author=self.author,
            worker=self.subject,
            data=form.cleaned_data,
            actions=actions,
            posted=posted,
        )

    def context(self, form: Any, subforms: list[Subform]) -> dict[str, Any]:
        return {
            "worker": self.subject,
            "observations": guidance.observations_of(self.subject, self.today),
        }


# Conference chair supervision --------------------------------------------------------------------


class ChairPage(ObservationPage):
    form_class = ChairForm
    template = "records/chair_form.html"
    types = ("conference_chair",)
    doing = "you cannot record their dedicated supervision"

    def authorise(self) -> None:
        super().authorise()
        self.rows = self._offered()
        self.offered = Case.objects.filter(pk__in=[case.pk for case, _ in self.rows])

    def _offered(self) -> list[tuple[Case, Obligation | None]]:
        """Children to offer, with the engine's chair review obligation: those whose review is
        not yet held, most urgent first, then any already on this record."""
        offered = guidance.child_protection_cases(self.today)
        session = self.session
        if session is not None:
            offered = Case.objects.filter(
                Q(pk__in=offered.values("pk")) | Q(pk__in=session.cases.values("pk"))
            )
        due = guidance.chair_reviews_due(offered, self.today)
        on_record = set(session.cases.values_list("pk", flat=True)) if session else set()
        rows = []
        for case in offered.order_by("case_id"):
            obligation = due.get(case.case_id)
            # With the policy's rule, only reviews not yet held are offered.
            held = obligation is None or obligation.status in {"met", "met_late"}
            if due and held and case.pk not in on_record:
                continue
            rows.append((case, obligation))
        rows.sort(key=lambda r: urgency(r[1]) if r[1] is not None else (NOTHING_DUE, dt.date.max))
        return rows

    def form_kwargs(self) -> dict[str, Any]:
        return {"cases": self.offered}

    def initial(self) -> dict[str, Any]:
        chosen = self.session.cases.order_by("case_id") if self.session else Case.objects.none()
        return {
            "date": self.session.date if self.session else self.today,
            "cases": [c.pk for c in chosen],
        }

    def is_postback(self, data: Any) -> bool:
        return "choose" in data

    def subforms(self, data: Any, complete: bool) -> list[Subform]:
        """The eight questions for each child chosen (posted, or on the record)."""
        if data is not None:
            picked = {int(p) for p in data.getlist("cases") if p.isascii() and p.isdigit()}
            chosen = [case for case, _ in self.rows if case.pk in picked]
            return [
                (case, ChairReviewForm(data, prefix=f"review-{case.pk}", complete=complete))
                for case in chosen
            ]
        found: list[Subform] = []
        for case in self.session.cases.order_by("case_id") if self.session else []:
            review = ChairReview.objects.filter(session=self.session, case=case).first()
            initial = {q: getattr(review, q) for q in ChairReview.QUESTIONS} if review else {}
            found.append((case, ChairReviewForm(initial=initial, prefix=f"review-{case.pk}")))
        return found

    def save(
        self,
        form: Any,
        subforms: list[Subform],
        actions: list[dict[str, Any]],
        posted: writing.Posted,
    ) -> Session:
        return writing.save_chair(
            by=Actor.from_request(self.request),
            session=self.session,
            author=self.author,
            chair=self.subject,
            day=form.cleaned_data["date"],
            reviews={case: review.cleaned_data for case, review in subforms},
            actions=actions,
            posted=posted,
        )

    def context(self, form: Any, subforms: list[Subform]) -> dict[str, Any]:
        return {
            "chair": self.subject,
            **self._choices({case.pk for case, _ in subforms}),
            "has_rule": bool(guidance.chair_rules()),
        }

    def _choices(self, chosen: set[int]) -> dict[str, list[dict[str, Any]]]:
        """The checkboxes: reviews falling due (and children already chosen) in view, the rest
        of the children with a plan folded away, so a large council's list stays usable."""
        plan_starts = guidance.plan_starts(self.offered, self.today)
        items = [
            {
                "index": index,
                "case": case,
                "obligation": obligation,
                "plan_start": plan_starts.get(case.pk),
                "checked": case.pk in chosen,
                "approaching": guidance.approaching(obligation),
            }
            for index, (case, obligation) in enumerate(self.rows)
        ]
        near = [i for i in items if i["approaching"] or i["checked"]]
        if not near:
            return {"near_rows": items, "other_rows": []}
        return {"near_rows": near, "other_rows": [i for i in items if i not in near]}


# The table: the kinds by their address, and by the session types they write.
KINDS: dict[str, type[RecordKind]] = {
    "oversight": OversightPage,
    "group": GroupPage,
    "observation": ObservationPage,
    "chair": ChairPage,
}
BY_TYPE: dict[str, type[RecordKind]] = {
    session_type: kind for kind in KINDS.values() for session_type in kind.types
}
