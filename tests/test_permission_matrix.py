"""Who may open what: every address Oversight answers, for every role, against one expected table.

The table is built from the URL configuration: a page added without a row here fails the suite
(`test_it_has_a_row_for_every_address`), so no view goes live without someone deciding who may
use it. Each row opens the address as every role and compares allowed (anything but a refusal)
with refused (403, or the sign-in page for someone not signed in). A second set of rows opens the
same addresses for another team's worker's things, as someone might by changing the id in the
address.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest
import time_machine
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from oversight.access.models import Delegation
from oversight.audit.actor import Actor
from oversight.cases.models import Case
from oversight.files.models import SupervisionFile
from oversight.files.uploads import store_document
from oversight.organisation.models import Staff, Team
from oversight.quality.auditing import draw_sample
from oversight.records.models import CaseNote, OversightNote, Record
from oversight.reminders.models import Notification
from oversight.returns.uploads import store_return
from oversight.supervision.models import Agreement, Session
from tests.council import NOW, pdf_bytes, upload
from tests.factories import (
    AllocationFactory,
    CaseFactory,
    CaseStatusFactory,
    LineManagementFactory,
    StaffFactory,
    TeamFactory,
    UserFactory,
)
from tests.paths import DATA

ROLES = (
    "anonymous",
    "worker",
    "worker_b",
    "manager",
    "manager_b",
    "head",
    "chair",
    "support",
    "hr",
    "auditor",
    "admin",
)
LONG_AGO = dt.date(2024, 1, 8)
ANNEX_A = DATA / "annex-a" / "Annex_A_2024_Jan.xlsx"
NO_PASSWORD = "!"  # stored as is: an unusable password, so no slow hashing for a dozen accounts


@dataclass
class Organisation:
    """Two teams under one head of service, and everyone else who uses Oversight."""

    users: dict[str, Any]
    team_a: Team
    team_b: Team
    worker: Staff
    worker_b: Staff
    manager: Staff
    chair: Staff
    leaver: Staff
    child: Case
    child_b: Case
    draft: Record
    sent: Record
    agreed: Record
    sent_b: Record
    agreement: Agreement
    agreement_b: Agreement
    extra: dict[str, Any] = field(default_factory=dict)


def _account(staff: Staff | None, username: str, *groups: str, **flags: Any) -> Any:
    user = UserFactory(username=username, password=NO_PASSWORD, **flags)
    for name in groups:
        user.groups.add(Group.objects.get_or_create(name=name)[0])
    if staff is not None:
        staff.user = user
        staff.save(update_fields=["user"])
    return user


def build_organisation() -> Organisation:
    today = timezone.localdate()
    team_a = TeamFactory(name="Team A")
    team_b = TeamFactory(name="Team B", service=team_a.service)
    head = StaffFactory(name="Head", category="manager", team=None, start_date=LONG_AGO)
    manager = StaffFactory(name="Manager A", category="manager", team=team_a, start_date=LONG_AGO)
    manager_b = StaffFactory(name="Manager B", category="manager", team=team_b, start_date=LONG_AGO)
    worker = StaffFactory(name="Worker A", team=team_a, start_date=LONG_AGO)
    worker_b = StaffFactory(name="Worker B", team=team_b, start_date=LONG_AGO)
    chair = StaffFactory(name="Chair", category="conference_chair", team=None, start_date=LONG_AGO)
    support = StaffFactory(
        name="Support", category="support_staff", team=team_a, start_date=LONG_AGO
    )
    leaver = StaffFactory(
        name="Leaver",
        team=team_a,
        start_date=dt.date(2015, 1, 5),
        end_date=today - dt.timedelta(days=7 * 366),  # past the 6 years' retention
    )
    for staff, boss in [
        (manager, head),
        (manager_b, head),
        (worker, manager),
        (worker_b, manager_b),
        (chair, head),
        (support, manager),
    ]:
        LineManagementFactory(staff=staff, manager=boss, start_date=LONG_AGO)
    LineManagementFactory(
        staff=leaver, manager=manager, start_date=dt.date(2015, 1, 5), end_date=leaver.end_date
    )

    child = CaseFactory(case_id="C-A", display_name="Child A", open_date=LONG_AGO)
    child_b = CaseFactory(case_id="C-B", display_name="Child B", open_date=LONG_AGO)
    for case, holder in [(child, worker), (child_b, worker_b)]:
        AllocationFactory(case=case, worker=holder, start_date=LONG_AGO)
        CaseStatusFactory(case=case, status="child_protection", start_date=LONG_AGO)

    users = {
        "worker": _account(worker, "worker"),
        "worker_b": _account(worker_b, "worker-b"),
        "manager": _account(manager, "manager"),
        "manager_b": _account(manager_b, "manager-b"),
        "head": _account(head, "head"),
        "chair": _account(chair, "chair"),
        "support": _account(support, "support", "Business support", is_staff=True),
        "hr": _account(None, "hr", "HR"),
        "auditor": _account(None, "auditor", "Quality assurance"),
        "admin": _account(None, "admin", is_staff=True, is_superuser=True),
    }

    def record(supervisor: Staff, supervisee: Staff, case: Case, days_ago: int) -> Record:
        session = Session.objects.create(
            type="case_discussion",
            date=today - dt.timedelta(days=days_ago),
            supervisor=supervisor,
            supervisee=supervisee,
        )
        session.cases.add(case)
        CaseNote.objects.create(session=session, case=case, purpose="Why we are involved")
        return Record.of(session)

    draft = record(manager, worker, child, 1)
    sent = record(manager, worker, child, 5)
    sent.send_to_worker(by=users["manager"], on=today - dt.timedelta(days=4))
    agreed = record(manager, worker, child, 9)
    agreed.send_to_worker(by=users["manager"], on=today - dt.timedelta(days=8))
    Record.of(agreed).agree(by=users["worker"])
    sent_b = record(manager_b, worker_b, child_b, 5)
    sent_b.send_to_worker(by=users["manager_b"], on=today - dt.timedelta(days=4))

    agreement = Agreement.objects.create(staff=worker, supervisor=manager, frequency="28d")
    agreement_b = Agreement.objects.create(staff=worker_b, supervisor=manager_b)

    SupervisionFile.objects.create(
        staff=leaver,
        created_on=leaver.start_date,
        created_by=users["manager"],
    )
    one_to_one = Session.objects.create(
        type="individual", date=today, supervisor=manager, supervisee=worker
    )
    oversight = Session.objects.create(
        type="management_oversight", date=today, supervisor=manager, supervisee=worker
    )
    OversightNote.objects.create(
        session=oversight, case=child, discussion="Visit", decision="Carry on", rationale="Safe"
    )
    sent_record = Record.of(sent)
    open_disagreement = sent_record.record_disagreement(
        by=users["worker"], what="The plan", on=today
    )
    escalated = sent_record.record_disagreement(by=users["worker"], what="The visits", on=today)
    escalated.escalate(by=users["worker"], meeting_date=today, on=today)
    # Planned cover, so it gives nobody access today: the address to end it needs one.
    cover = Delegation.objects.create(
        from_manager=manager,
        deputy=manager_b,
        start_date=today + dt.timedelta(days=10),
        end_date=today + dt.timedelta(days=12),
        reason="Annual leave",
        created_by=users["manager"],
    )
    document = store_document(
        worker,
        upload("dbs.pdf", pdf_bytes()),
        kind="dbs",
        title="DBS check",
        expiry_date=None,
        by=Actor(users["manager"]),
    )
    document_b = store_document(
        worker_b,
        upload("dbs.pdf", pdf_bytes()),
        kind="dbs",
        title="DBS check",
        expiry_date=None,
        by=Actor(users["manager_b"]),
    )
    annex_a = store_return(
        SimpleUploadedFile("annex-a.xlsx", ANNEX_A.read_bytes()),
        changed_on=today,
        by=Actor(users["support"]),
    )
    # Quality assurance: a sample of each team's records, drawn by the auditor.
    extra_quality = {
        f"sample_{name}": draw_sample(Actor(users["auditor"]), team, LONG_AGO, today, 2, seed=1)
        for name, team in (("a", team_a), ("b", team_b))
    }
    return Organisation(
        users=users,
        team_a=team_a,
        team_b=team_b,
        worker=worker,
        worker_b=worker_b,
        manager=manager,
        chair=chair,
        leaver=leaver,
        child=child,
        child_b=child_b,
        draft=Record.of(draft),
        sent=Record.of(sent),
        agreed=Record.of(agreed),
        sent_b=Record.of(sent_b),
        agreement=agreement,
        agreement_b=agreement_b,
        extra={
            "head": head,
            "manager_b": manager_b,
            "one_to_one": Record.of(one_to_one),
            "oversight": Record.of(oversight),
            "open_disagreement": open_disagreement,
            "escalated": escalated,
            "cover": cover,
            "document": document,
            "document_b": document_b,
            "annex_a": annex_a,
            **extra_quality,
            "audit_a": extra_quality["sample_a"].records.first(),
            "audit_b": extra_quality["sample_b"].records.first(),
            # Only its recipient opens it; anyone else is answered "not found".
            "notification": Notification.objects.create(
                recipient=worker, event="record_sent", what="A record to agree", path="/"
            ),
        },
    )


@dataclass(frozen=True)
class Row:
    """One address: how to fill it in for team A's worker, and who may use it."""

    address: Callable[[Organisation], str]
    allowed: frozenset[str]
    method: str = "get"
    data: Callable[[Organisation], dict[str, Any]] = lambda org: {}
    # The same address for team B's worker's things, and who may open that (None: not checked).
    other_team: Callable[[Organisation], str] | None = None
    allowed_other_team: frozenset[str] = frozenset()


def roles(*names: str) -> frozenset[str]:
    unknown = set(names) - set(ROLES)
    assert not unknown, f"unknown roles {unknown}"
    return frozenset(names)


EVERYONE_SIGNED_IN = roles(*(r for r in ROLES if r != "anonymous"))
STAFF = roles("worker", "worker_b", "manager", "manager_b", "head", "chair", "support")
WORKER_CHAIN = roles("worker", "manager", "head")
MANAGERS_OF_A = roles("manager", "head")


def url(name: str, *args: Any, query: str = "") -> Callable[[Organisation], str]:
    def build(org: Organisation) -> str:
        values = [arg(org) if callable(arg) else arg for arg in args]
        return reverse(name, args=values) + query

    return build


def query(name: str, make_query: Callable[[Organisation], str]) -> Callable[[Organisation], str]:
    return lambda org: reverse(name) + make_query(org)


MATRIX: dict[str, Row] = {}  # filled in below, one row per named address


# Addresses that are for people not yet signed in, or that only start a sign-in elsewhere.
PUBLIC = {
    "login",
    "sign_in_code",
    "oidc_authentication_init",
    "oidc_authentication_callback",
    # A calendar program cannot sign in: the secret address is the key (tests/test_calendar_feed).
    "calendar:feed",
}
# The REST API takes a token, not a signed-in session: its rows are the API rows at the end of
# this file (a person's token against the pages' rows) and tests/test_api.py; the schema and its
# docs hold no data.
API = {
    f"api:{name}"
    for name in (
        "staff",
        "teams",
        "cases",
        "obligations",
        "records",
        "indicators",
        "sessions",
        "allocations",
        "case_statuses",
        "case_events",
        "schema",
        "docs",
    )
}


def named_addresses() -> Iterator[str]:
    def walk(patterns: list[Any], namespace: str | None) -> Iterator[str]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.app_name == "admin":
                    continue
                inner = pattern.namespace or namespace
                if pattern.namespace and namespace:
                    inner = f"{namespace}:{pattern.namespace}"
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                assert pattern.name, f"every address needs a name: {pattern.pattern}"
                yield f"{namespace}:{pattern.name}" if namespace else pattern.name

    yield from walk(get_resolver().url_patterns, None)


def refused(response: Any, role: str) -> bool:
    if role == "anonymous":
        return response.status_code == 302 and "/sign-in/" in response.get("Location", "")
    return response.status_code in {403, 404}


@contextmanager
def organisation_built_once(
    django_db_blocker: Any, tmp_path_factory: Any
) -> Iterator[Organisation]:
    """The organisation, for a module of tests, inside a transaction rolled back at the end.

    Each test opens pages in a transaction of its own within it, so a test that changes a record
    changes it only for itself. The clock stays at NOW throughout: the organisation is dated from
    today."""
    from django.test import override_settings

    files = override_settings(
        MEDIA_ROOT=tmp_path_factory.mktemp("files"),
        PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
    )
    with django_db_blocker.unblock(), files, time_machine.travel(NOW, tick=False):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_organisation()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture(scope="module")
def organisation(
    django_db_setup: Any, django_db_blocker: Any, tmp_path_factory: Any
) -> Iterator[Organisation]:
    with organisation_built_once(django_db_blocker, tmp_path_factory) as org:
        yield org


def open_as(org: Organisation, role: str, row: Row, address: str) -> Any:
    client = Client()
    if role != "anonymous":
        client.force_login(org.users[role])
    if row.method == "post":
        return client.post(address, row.data(org))
    return client.get(address)


def mismatches(org: Organisation, row: Row, address: str, allowed: frozenset[str]) -> list[str]:
    found = []
    for role in ROLES:
        # Each role meets the organisation as built: one role's agreeing a record must not
        # leave the next role looking at an agreed one.
        with transaction.atomic():
            response = open_as(org, role, row, address)
            transaction.set_rollback(True)
        was_refused = refused(response, role)
        if role in allowed and was_refused:
            found.append(f"{role} was refused {address} ({response.status_code})")
        if role not in allowed and not was_refused:
            found.append(f"{role} could use {address} ({response.status_code})")
    return found


def _staff_id(attr: str) -> Callable[[Organisation], str]:
    return lambda org: getattr(org, attr).staff_id


def _pk(attr: str) -> Callable[[Organisation], int]:
    return lambda org: getattr(org, attr).pk


def _extra_pk(key: str) -> Callable[[Organisation], int]:
    return lambda org: org.extra[key].pk


def _date_fields(name: str, day: dt.date) -> dict[str, str]:
    return {
        f"{name}_day": str(day.day),
        f"{name}_month": str(day.month),
        f"{name}_year": str(day.year),
    }


READERS_OF_A = roles("worker", "manager", "head", "auditor")
READERS_OF_B = roles("worker_b", "manager_b", "head", "auditor")
PEOPLE_WITH_A_LINE = roles("manager", "manager_b", "head", "auditor")

MATRIX.update(
    {
        # Everyone signed in: their own work, lists that start from what they may see.
        "home": Row(url("home"), EVERYONE_SIGNED_IN),
        "two_factor": Row(url("two_factor"), EVERYONE_SIGNED_IN),
        "mywork:actions": Row(url("mywork:actions"), EVERYONE_SIGNED_IN),
        "agreements:list": Row(url("agreements:list"), EVERYONE_SIGNED_IN),
        "records:list": Row(url("records:list"), EVERYONE_SIGNED_IN),
        "files:list": Row(url("files:list"), EVERYONE_SIGNED_IN),
        "audit_trail:mine": Row(url("audit_trail:mine"), EVERYONE_SIGNED_IN),
        "records:month": Row(url("records:month"), EVERYONE_SIGNED_IN),
        # The search finds only what each person may see (tests/test_search.py).
        "search:search": Row(url("search:search", query="?q=C-B"), EVERYONE_SIGNED_IN),
        "reminders:notifications": Row(url("reminders:notifications"), EVERYONE_SIGNED_IN),
        "reminders:open_notification": Row(
            url("reminders:open_notification", _extra_pk("notification")), roles("worker")
        ),
        "reminders:mark_all_read": Row(
            url("reminders:mark_all_read"), EVERYONE_SIGNED_IN, method="post"
        ),
        "calendar:page": Row(url("calendar:page"), EVERYONE_SIGNED_IN),
        "calendar:make": Row(url("calendar:make"), EVERYONE_SIGNED_IN, method="post"),
        "calendar:stop": Row(url("calendar:stop"), EVERYONE_SIGNED_IN, method="post"),
        "calendar:session": Row(
            url("calendar:session", _pk("sent")),
            READERS_OF_A,
            other_team=url("calendar:session", _pk("sent_b")),
            allowed_other_team=READERS_OF_B,
        ),
        # A child's record: the allocated worker and their management chain, and QA.
        "mywork:child": Row(
            url("mywork:child", lambda org: org.child.case_id),
            READERS_OF_A,
            other_team=url("mywork:child", lambda org: org.child_b.case_id),
            allowed_other_team=READERS_OF_B,
        ),
        "mywork:team": Row(
            url("mywork:team", _pk("team_a")),
            roles("manager", "head", "auditor"),
            other_team=url("mywork:team", _pk("team_b")),
            allowed_other_team=roles("manager_b", "head", "auditor"),
        ),
        # Supervision agreements.
        "agreements:staff": Row(
            url("agreements:staff", _pk("worker")),
            READERS_OF_A,
            other_team=url("agreements:staff", _pk("worker_b")),
            allowed_other_team=READERS_OF_B,
        ),
        "agreements:new": Row(
            url("agreements:new", _pk("worker")),
            roles("manager"),
            other_team=url("agreements:new", _pk("worker_b")),
            allowed_other_team=roles("manager_b"),
        ),
        "agreements:detail": Row(
            url("agreements:detail", _pk("agreement")),
            READERS_OF_A,
            other_team=url("agreements:detail", _pk("agreement_b")),
            allowed_other_team=READERS_OF_B,
        ),
        # On paper (issue 10, part 5): exactly who may read the page.
        "agreements:pdf": Row(
            url("agreements:pdf", _pk("agreement")),
            READERS_OF_A,
            other_team=url("agreements:pdf", _pk("agreement_b")),
            allowed_other_team=READERS_OF_B,
        ),
        "agreements:edit": Row(url("agreements:edit", _pk("agreement")), roles("manager")),
        "agreements:confirm": Row(
            url("agreements:confirm", _pk("agreement")), roles("worker", "manager"), method="post"
        ),
        # Supervision records and their workflow.
        "records:book": Row(
            query("records:book", lambda org: f"?supervisee={org.worker.staff_id}"),
            roles("manager"),
        ),
        "records:detail": Row(
            url("records:detail", _pk("sent")),
            READERS_OF_A,
            other_team=url("records:detail", _pk("sent_b")),
            allowed_other_team=READERS_OF_B,
        ),
        "records:pdf": Row(
            url("records:pdf", _pk("agreed")),
            READERS_OF_A,
            other_team=url("records:pdf", _pk("sent_b")),
            allowed_other_team=READERS_OF_B,
        ),
        "records:agenda": Row(url("records:agenda", _pk("draft")), READERS_OF_A),
        "records:edit": Row(
            url("records:edit", _pk("draft")),
            roles("manager"),
            other_team=url("records:edit", _pk("sent_b")),
            allowed_other_team=frozenset(),
        ),
        "records:professional": Row(
            url("records:professional", _extra_pk("one_to_one")), roles("manager")
        ),
        "records:cases": Row(url("records:cases", _pk("draft")), roles("manager")),
        "records:joint": Row(url("records:joint", _pk("draft")), roles("manager")),
        "records:case_note": Row(
            url("records:case_note", _pk("draft"), _pk("child")), roles("manager")
        ),
        "records:copy_to_siblings": Row(
            url("records:copy_to_siblings", _pk("draft"), _pk("child")),
            roles("manager"),
            method="post",
        ),
        "records:remove_case": Row(
            url("records:remove_case", _pk("draft"), _pk("child")), roles("manager"), method="post"
        ),
        "records:send": Row(url("records:send", _pk("draft")), roles("manager"), method="post"),
        # The booking itself: confirm it took place, move or cancel it (the supervisor only).
        "records:held": Row(url("records:held", _pk("draft")), roles("manager"), method="post"),
        "records:move": Row(url("records:move", _pk("draft")), roles("manager")),
        "records:cancel": Row(url("records:cancel", _pk("draft")), roles("manager")),
        "records:agree": Row(url("records:agree", _pk("sent")), roles("worker"), method="post"),
        "records:return": Row(
            url("records:return", _pk("sent")),
            roles("worker"),
            method="post",
            data=lambda org: {"reason": "Please add the visit"},
        ),
        "records:add_addendum": Row(
            url("records:add_addendum", _pk("agreed")),
            roles("manager"),
            method="post",
            data=lambda org: {"text": "A correction"},
        ),
        "records:add_disagreement": Row(
            url("records:add_disagreement", _pk("sent")),
            roles("worker", "manager"),
            method="post",
            data=lambda org: {"what": "The plan"},
        ),
        "records:escalate_disagreement": Row(
            url("records:escalate_disagreement", _pk("sent"), _extra_pk("open_disagreement")),
            roles("worker", "manager"),
            method="post",
            data=lambda org: _date_fields(
                f"escalate-{org.extra['open_disagreement'].pk}-meeting_date",
                timezone.localdate() + dt.timedelta(days=7),
            ),
        ),
        "records:resolve_disagreement": Row(
            url("records:resolve_disagreement", _pk("sent"), _extra_pk("escalated")),
            roles("head"),
            method="post",
            data=lambda org: {f"resolve-{org.extra['escalated'].pk}-outcome": "Agreed a plan"},
        ),
        # The other record types.
        "records:oversight_new": Row(
            query("records:oversight_new", lambda org: f"?case={org.child.case_id}"),
            roles("manager", "head"),
        ),
        "records:group_new": Row(
            query("records:group_new", lambda org: f"?team={org.team_a.pk}"),
            roles("manager", "head"),
        ),
        "records:observation_new": Row(
            query("records:observation_new", lambda org: f"?staff={org.worker.staff_id}"),
            roles("manager", "head"),
        ),
        "records:chair_new": Row(
            query("records:chair_new", lambda org: f"?staff={org.chair.staff_id}"),
            roles("head"),
        ),
        "records:edit_other": Row(
            url("records:edit_other", _extra_pk("oversight")), roles("manager")
        ),
        # Supervision files.
        "files:detail": Row(
            url("files:detail", _staff_id("worker")),
            READERS_OF_A,
            other_team=url("files:detail", _staff_id("worker_b")),
            allowed_other_team=READERS_OF_B,
        ),
        "files:download": Row(
            url("files:download", _extra_pk("document")),
            READERS_OF_A,
            other_team=url("files:download", _extra_pk("document_b")),
            allowed_other_team=READERS_OF_B,
        ),
        "files:upload": Row(
            url("files:upload", _staff_id("worker")), roles("manager", "head", "support")
        ),
        "files:retention": Row(url("files:retention"), roles("hr")),
        "files:destroy": Row(url("files:destroy", _staff_id("leaver")), roles("hr")),
        # Leavers and transfers: senior managers above the person.
        # A caseload over time (issue 16): the person, their chain, quality assurance.
        "people:caseload": Row(
            url("people:caseload", _staff_id("worker")),
            READERS_OF_A,
            other_team=url("people:caseload", _staff_id("worker_b")),
            allowed_other_team=READERS_OF_B,
        ),
        "people:team_caseloads": Row(
            url("people:team_caseloads", _pk("team_a")),
            roles("manager", "head", "auditor"),
            other_team=url("people:team_caseloads", _pk("team_b")),
            allowed_other_team=roles("manager_b", "head", "auditor"),
        ),
        # Knowledge and skills coverage (issue 16): the person and the managers above them; not
        # quality assurance, as it is between them and their supervisors.
        "people:kss": Row(
            url("people:kss", _staff_id("worker")),
            roles("worker", "manager", "head"),
            other_team=url("people:kss", _staff_id("worker_b")),
            allowed_other_team=roles("worker_b", "manager_b", "head"),
        ),
        # Appraisal (issue 16): whoever reads the person's supervision file reads it; only the
        # managers above them record it.
        "people:appraisal": Row(
            url("people:appraisal", _staff_id("worker")),
            READERS_OF_A,
            other_team=url("people:appraisal", _staff_id("worker_b")),
            allowed_other_team=READERS_OF_B,
        ),
        "people:appraisal_pdf": Row(
            url("people:appraisal_pdf", _staff_id("worker")),
            READERS_OF_A,
            other_team=url("people:appraisal_pdf", _staff_id("worker_b")),
            allowed_other_team=READERS_OF_B,
        ),
        "people:reassign": Row(url("people:reassign", _staff_id("manager")), roles("head")),
        "people:reassigned": Row(url("people:reassigned", _staff_id("manager")), roles("head")),
        "people:leaver": Row(url("people:leaver", _staff_id("worker")), roles("manager", "head")),
        # A manager arranges their own cover, or a manager above them; never the deputy.
        "people:cover": Row(url("people:cover", _staff_id("manager")), MANAGERS_OF_A),
        # A manager's supervision evidence (N 8.1): the managers above them, never themselves.
        "people:evidence": Row(
            url("people:evidence", _staff_id("manager")),
            roles("head"),
            other_team=url("people:evidence", lambda org: org.extra["manager_b"].staff_id),
            allowed_other_team=roles("head"),
        ),
        "people:cover_end": Row(
            url("people:cover_end", _staff_id("manager"), _extra_pk("cover")),
            MANAGERS_OF_A,
            method="post",
        ),
        # Standard returns: Business Support load the council's children and allocations.
        "returns:list": Row(url("returns:list"), roles("support")),
        "returns:detail": Row(url("returns:detail", _extra_pk("annex_a")), roles("support")),
        "returns:workers": Row(
            url("returns:workers", _extra_pk("annex_a")), roles("support"), method="post"
        ),
        "returns:apply": Row(
            url("returns:apply", _extra_pk("annex_a")), roles("support"), method="post"
        ),
        # The whole data set (issue 10, part 4b): the system administrator and Business Support.
        "data_set:page": Row(url("data_set:page"), roles("support", "admin")),
        "data_set:download": Row(url("data_set:download"), roles("support", "admin")),
        "returns:progress": Row(url("returns:progress", _extra_pk("annex_a")), roles("support")),
        # The audit trail: quality assurance, and managers for the people below them.
        "audit_trail:search": Row(url("audit_trail:search"), PEOPLE_WITH_A_LINE),
        "audit_trail:export": Row(url("audit_trail:export"), PEOPLE_WITH_A_LINE),
        # Reminders: each member of staff chooses their own; nobody else's (issue 11).
        "reminders:preferences": Row(url("reminders:preferences"), STAFF),
    }
)


# Compliance dashboards (issue 10): the head over both teams sees the whole organisation.
DASHBOARD_OF_A = roles("manager", "head", "auditor")
DASHBOARD_OF_B = roles("manager_b", "head", "auditor")
MATRIX.update(
    {
        "dashboards:index": Row(url("dashboards:index"), EVERYONE_SIGNED_IN),
        "dashboards:organisation": Row(url("dashboards:organisation"), roles("head", "auditor")),
        "dashboards:organisation_download": Row(
            url("dashboards:organisation_download", "obligations", "csv"), roles("head", "auditor")
        ),
        "dashboards:service": Row(
            url("dashboards:service", lambda org: org.team_a.service_id), roles("head", "auditor")
        ),
        "dashboards:service_download": Row(
            url(
                "dashboards:service_download",
                lambda org: org.team_a.service_id,
                "obligations",
                "csv",
            ),
            roles("head", "auditor"),
        ),
        "dashboards:team": Row(
            url("dashboards:team", _pk("team_a")),
            DASHBOARD_OF_A,
            other_team=url("dashboards:team", _pk("team_b")),
            allowed_other_team=DASHBOARD_OF_B,
        ),
        "dashboards:team_download": Row(
            url("dashboards:team_download", _pk("team_a"), "obligations", "csv"),
            DASHBOARD_OF_A,
            other_team=url("dashboards:team_download", _pk("team_b"), "obligations", "csv"),
            allowed_other_team=DASHBOARD_OF_B,
        ),
    }
)

# Quality assurance (issue 14): QA and the head of service above the teams' managers audit; the
# record's supervisor (and those above them) reads and answers its audit; managers see results
# and drift for the people they manage.
AUDITORS = roles("head", "auditor")
MATRIX.update(
    {
        "quality:index": Row(url("quality:index"), EVERYONE_SIGNED_IN),
        "quality:framework": Row(url("quality:framework"), EVERYONE_SIGNED_IN),
        "quality:new_sample": Row(url("quality:new_sample"), AUDITORS),
        "quality:sample": Row(
            url("quality:sample", _extra_pk("sample_a")),
            AUDITORS,
            other_team=url("quality:sample", _extra_pk("sample_b")),
            allowed_other_team=AUDITORS,
        ),
        "quality:audit": Row(
            url("quality:audit", _extra_pk("audit_a")),
            roles("manager", "head", "auditor"),
            other_team=url("quality:audit", _extra_pk("audit_b")),
            allowed_other_team=roles("manager_b", "head", "auditor"),
        ),
        "quality:team_results": Row(
            url("quality:team_results", _pk("team_a")),
            roles("manager", "head", "auditor"),
            other_team=url("quality:team_results", _pk("team_b")),
            allowed_other_team=roles("manager_b", "head", "auditor"),
        ),
        "quality:results": Row(url("quality:results"), PEOPLE_WITH_A_LINE),
        "quality:drift": Row(url("quality:drift"), PEOPLE_WITH_A_LINE),
        "quality:prompts": Row(
            url("quality:prompts", _pk("draft")),
            roles("manager"),
            method="post",
            data=lambda org: {"analysis": "", "focus": "Visited."},
        ),
    }
)

# The chair-review impact report (issue 16, part 5): the chairs' manager (here the head, who
# manages the chair), heads of service and quality assurance.
CHAIR_REPORT = roles("head", "auditor")
MATRIX.update(
    {
        "chair_reviews:report": Row(url("chair_reviews:report"), CHAIR_REPORT),
        "chair_reviews:pdf": Row(url("chair_reviews:pdf"), CHAIR_REPORT),
        "chair_reviews:download": Row(
            url("chair_reviews:download", "figures", "csv"), CHAIR_REPORT
        ),
    }
)


def test_it_has_a_row_for_every_address() -> None:
    missing = sorted(set(named_addresses()) - set(MATRIX) - PUBLIC - API - {"logout"})
    stale = sorted(set(MATRIX) - set(named_addresses()))

    assert missing == [], f"addresses with no row in the permission matrix: {missing}"
    assert stale == [], f"rows for addresses that no longer exist: {stale}"


@pytest.mark.parametrize("name", sorted(MATRIX))
def test_it_lets_each_role_use_exactly_what_the_matrix_says(
    name: str, organisation: Organisation, db: Any
) -> None:
    row = MATRIX[name]

    found = mismatches(organisation, row, row.address(organisation), row.allowed)

    assert found == []


@pytest.mark.parametrize("name", sorted(n for n, row in MATRIX.items() if row.other_team))
def test_it_refuses_another_teams_things_when_the_id_in_the_address_is_changed(
    name: str, organisation: Organisation, db: Any
) -> None:
    row = MATRIX[name]
    assert row.other_team is not None

    found = mismatches(organisation, row, row.other_team(organisation), row.allowed_other_team)

    assert found == []
    assert "worker" not in row.allowed_other_team
    assert "manager" not in row.allowed_other_team


def test_it_keeps_the_admin_to_administrators_and_business_support(
    organisation: Organisation, db: Any
) -> None:
    row = Row(lambda org: "/admin/", roles("admin", "support"))
    found = []
    for role in ROLES:
        client = Client()
        if role != "anonymous":
            client.force_login(organisation.users[role])
        response = client.get("/admin/")
        if (response.status_code == 200) != (role in row.allowed):
            found.append(f"{role}: {response.status_code}")

    assert found == []


# The API: a person's token reads what the pages let them open ---------------------------------

API_ROWS = {
    # (API list, how a row names a thing, the thing): who the pages let open it (the rows above).
    "child": ("/api/cases/", "case_id", lambda org: org.child.case_id, READERS_OF_A),
    "child_b": ("/api/cases/", "case_id", lambda org: org.child_b.case_id, READERS_OF_B),
    "record": ("/api/records/", "session_id", lambda org: org.sent.session_id, READERS_OF_A),
    "record_b": ("/api/records/", "session_id", lambda org: org.sent_b.session_id, READERS_OF_B),
    # The compliance indicators: the figures of the dashboards the pages let them open.
    "team_figures": (
        "/api/indicators/?scope_type=team",
        "scope_id",
        lambda org: org.team_a.name,
        DASHBOARD_OF_A,
    ),
    "team_figures_b": (
        "/api/indicators/?scope_type=team",
        "scope_id",
        lambda org: org.team_b.name,
        DASHBOARD_OF_B,
    ),
    "organisation_figures": (
        "/api/indicators/?scope_type=organisation",
        "scope_id",
        lambda org: "",
        roles("head", "auditor"),
    ),
}


@pytest.mark.parametrize("name", sorted(API_ROWS))
def test_a_persons_api_token_reads_exactly_what_the_matrix_lets_them_open(
    name: str, organisation: Organisation, db: Any
) -> None:
    from django.core.cache import cache

    from oversight.api.models import ApiToken

    path, key, ident, allowed = API_ROWS[name]
    if path.startswith("/api/indicators/"):
        from oversight.dashboards.summaries import summarise_after_load

        summarise_after_load(timezone.localdate())
    found = []
    for role in ROLES:
        cache.clear()  # the API's throttle counts in the cache
        with transaction.atomic():
            headers = {}
            if role != "anonymous":
                _, secret = ApiToken.issue(f"{role}'s", "read", organisation.users[role])
                headers = {"Authorization": f"Bearer {secret}"}
            joined = "&" if "?" in path else "?"
            response = Client().get(f"{path}{joined}page_size=1000", headers=headers)
            transaction.set_rollback(True)
        listed = response.status_code == 200 and ident(organisation) in {
            row[key] for row in response.json()["results"]
        }
        if listed != (role in allowed):
            found.append(f"{role} {'read' if listed else 'did not read'} {name} ({path})")

    assert found == []
