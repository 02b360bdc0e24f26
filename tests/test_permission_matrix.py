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
from dataclasses import dataclass, field
from typing import Any

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone

from oversight.cases.models import Case
from oversight.organisation.models import Staff, Team
from oversight.records.models import Record
from oversight.supervision.models import Agreement, Session
from tests.factories import (
    AllocationFactory,
    CaseFactory,
    CaseStatusFactory,
    LineManagementFactory,
    StaffFactory,
    TeamFactory,
    UserFactory,
)

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
        name="Leaver", team=team_a, start_date=LONG_AGO, end_date=today - dt.timedelta(days=30)
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
        staff=leaver, manager=manager, start_date=LONG_AGO, end_date=leaver.end_date
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
        from oversight.records.models import CaseNote

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


def _everyone_and_public() -> None:
    pass


# Addresses that are for people not yet signed in, or that only start a sign-in elsewhere.
PUBLIC = {"login", "sign_in_code", "oidc_authentication_init", "oidc_authentication_callback"}


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


@pytest.fixture(scope="module")
def organisation(django_db_setup: Any, django_db_blocker: Any) -> Iterator[Organisation]:
    with django_db_blocker.unblock():
        from django.db import transaction

        # Built once for the module, inside a transaction rolled back at the end.
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield build_organisation()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


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
        response = open_as(org, role, row, address)
        was_refused = refused(response, role)
        if role in allowed and was_refused:
            found.append(f"{role} was refused {address} ({response.status_code})")
        if role not in allowed and not was_refused:
            found.append(f"{role} could use {address} ({response.status_code})")
    return found
