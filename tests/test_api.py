"""The REST API (issue 12, part 3): tokens per system with read and write scopes, the pages'
access rules for a person's token, the whole organisation for a system's, writes checked as the
importer checks a data set and audited, one shape for every refusal, and a schema that validates.
"""

from __future__ import annotations

import json
import subprocess
import sys
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings

from oversight.access.queries import visible_cases, visible_sessions, visible_staff
from oversight.api.models import ApiToken
from oversight.audit.models import AuditEvent
from oversight.cases.models import Allocation, CaseEvent, CaseStatus
from oversight.obligations.models import StoredObligation
from oversight.supervision.models import Session
from tests.council import Council, conference_children, days_ago, supervised
from tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]


@pytest.fixture(autouse=True)
def _fresh_throttle() -> None:
    # The throttle counts in the cache, which outlives a test.
    cache.clear()


@pytest.fixture
def council_with_children(org: Council) -> Council:
    conference_children(org)
    supervised(org.worker, org.manager, days_ago(20), (org.case,))
    return org


def token(scope: str = "read", user: Any = None, name: str | None = None) -> str:
    _, secret = ApiToken.issue(name or f"{scope} {user or 'system'}", scope, user)
    return secret


def get(secret: str | None, path: str) -> Any:
    headers = {"Authorization": f"Bearer {secret}"} if secret else {}
    return Client().get(path, headers=headers)


def post(secret: str, path: str, body: Any) -> Any:
    return Client().post(
        path,
        json.dumps(body),
        content_type="application/json",
        headers={"Authorization": f"Bearer {secret}"},
    )


def every(secret: str, path: str) -> list[dict[str, Any]]:
    joined = "&" if "?" in path else "?"
    response = get(secret, f"{path}{joined}page_size=1000")
    assert response.status_code == 200, response.content
    return response.json()["results"]


# Tokens --------------------------------------------------------------------------------------


def test_it_keeps_only_a_hash_of_the_token_and_shows_it_once_from_the_command(org: Council) -> None:
    out = StringIO()

    call_command("api_token", "create", "Case management", "--scope", "write", stdout=out)

    secret = out.getvalue().strip().splitlines()[-1]
    stored = ApiToken.objects.get(name="Case management")
    assert secret.startswith("ovt_")
    assert stored.can_write
    assert stored.user is None
    assert secret not in json.dumps(list(ApiToken.objects.values()), default=str)
    assert ApiToken.find(secret) == stored
    assert AuditEvent.objects.filter(action="create", object_type="api.apitoken").exists()


def test_it_refuses_a_revoked_token_after_the_command_revokes_it(org: Council) -> None:
    secret = token(name="Reporting")
    assert get(secret, "/api/teams/").status_code == 200

    call_command("api_token", "revoke", "Reporting", stdout=StringIO())

    response = get(secret, "/api/teams/")
    assert response.status_code == 401
    assert "revoked" in response.json()["errors"][0]["message"]
    assert AuditEvent.objects.filter(action="revoke").exists()


def test_the_admin_shows_a_new_token_once_and_revokes_tokens_audited(org: Council) -> None:
    client = Client()
    client.force_login(UserFactory(username="sysadmin", is_staff=True, is_superuser=True))

    added = client.post(
        "/admin/api/apitoken/add/", {"name": "Reporting", "scope": "read"}, follow=True
    )

    shown = [str(m) for m in added.context["messages"]]
    assert shown, added.redirect_chain
    secret = next(word for m in shown for word in m.split() if word.startswith("ovt_"))
    stored = ApiToken.objects.get(name="Reporting")
    assert ApiToken.find(secret) == stored
    assert "will not be shown again" in shown[0]
    assert (
        client.get(f"/admin/api/apitoken/{stored.pk}/change/").content.count(secret.encode()) == 0
    )
    client.post(
        "/admin/api/apitoken/",
        {"action": "revoke", "_selected_action": [stored.pk]},
    )
    assert ApiToken.find(secret) is None
    assert AuditEvent.objects.filter(action="revoke", object_id=str(stored.pk)).exists()
    assert AuditEvent.objects.filter(action="create", object_id=str(stored.pk)).exists()


def test_it_makes_a_persons_token_only_for_an_account_that_exists(org: Council) -> None:
    with pytest.raises(CommandError, match="No account is called 'nobody'"):
        call_command("api_token", "create", "Mine", "--person", "nobody")


def test_it_answers_a_request_without_a_token_with_401_and_how_to_send_one(org: Council) -> None:
    response = get(None, "/api/staff/")

    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Bearer")
    assert response.json() == {
        "status": 401,
        "errors": [{"field": None, "message": "Authentication credentials were not provided."}],
    }


def test_it_refuses_a_made_up_token(org: Council) -> None:
    response = get("ovt_00000000notatoken", "/api/staff/")

    assert response.status_code == 401
    assert "not known" in response.json()["errors"][0]["message"]


# Reading ---------------------------------------------------------------------------------------


ROLES = ("worker", "colleague", "manager", "head", "outsider", "chair", "support", "hr", "qa")


@pytest.mark.parametrize("role", ROLES)
def test_it_shows_a_persons_token_exactly_what_the_person_sees_in_the_pages(
    council_with_children: Council, role: str, frozen_today: Any
) -> None:
    org = council_with_children
    user = org.users[role]
    secret = token(user=user)

    staff = {row["staff_id"] for row in every(secret, "/api/staff/")}
    cases = {row["case_id"] for row in every(secret, "/api/cases/")}
    records = {row["session_id"] for row in every(secret, "/api/records/")}

    assert staff == set(visible_staff(user, frozen_today).values_list("staff_id", flat=True))
    assert cases == set(visible_cases(user, frozen_today).values_list("case_id", flat=True))
    assert records == set(visible_sessions(user, frozen_today).values_list("session_id", flat=True))


def test_a_workers_token_sees_their_own_children_and_nobody_elses(
    council_with_children: Council,
) -> None:
    secret = token(user=council_with_children.worker.user)

    cases = {row["case_id"] for row in every(secret, "/api/cases/")}
    staff = {row["staff_id"] for row in every(secret, "/api/staff/")}
    teams = every(secret, "/api/teams/")

    assert cases == {"C-MILO", "C-NEAR"}
    assert staff == {"WA"}
    assert teams == []


def test_a_person_sees_only_the_obligations_of_what_they_may_see(
    council_with_children: Council,
) -> None:
    outsider = token(user=council_with_children.outsider.user)
    worker = token(user=council_with_children.worker.user, name="worker's")

    outsiders = {(r["subject_type"], r["subject_id"]) for r in every(outsider, "/api/obligations/")}
    workers = {(r["subject_type"], r["subject_id"]) for r in every(worker, "/api/obligations/")}

    assert ("case", "C-ZARA") in outsiders
    assert ("case", "C-MILO") not in outsiders
    assert ("case", "C-MILO") in workers
    assert ("staff", "WB") not in workers


def test_a_system_token_reads_the_whole_organisation(council_with_children: Council) -> None:
    secret = token()

    staff = {row["staff_id"] for row in every(secret, "/api/staff/")}
    cases = {row["case_id"]: row for row in every(secret, "/api/cases/")}
    teams = {row["name"] for row in every(secret, "/api/teams/")}

    assert staff == {"H1", "MA", "WA", "WA2", "MB", "WB", "CM", "CH"}
    assert set(cases) == {"C-MILO", "C-ZARA", "C-NEAR", "C-NEW"}
    assert teams == {"Court Team 1", "Assessment Team 1", "Safeguarding and Reviewing Unit"}
    near = cases["C-NEAR"]
    assert near["allocations"][0]["worker_id"] == "WA"
    assert near["statuses"][0]["status"] == "child_protection"
    assert near["statuses"][0]["label"] == "Child protection plan"


def test_it_gives_dates_in_iso_form_and_each_persons_line_manager(
    council_with_children: Council,
) -> None:
    rows = {row["staff_id"]: row for row in every(token(), "/api/staff/")}

    assert rows["WA"]["line_manager_id"] == "MA"
    assert rows["WA"]["team"] == "Court Team 1"
    assert rows["WA"]["start_date"] == council_with_children.worker.start_date.isoformat()


def test_it_gives_each_obligation_with_the_engines_explanation_from_the_store(
    council_with_children: Council,
) -> None:
    rows = every(token(), "/api/obligations/?subject_type=case&subject_id=C-MILO")

    assert rows, "the child has obligations"
    stored = StoredObligation.objects.filter(subject_type="case", subject_id="C-MILO")
    assert {(r["obligation"], r["explanation"]) for r in rows} == {
        (s.obligation, s.explanation) for s in stored
    }
    assert all(r["rule"] and r["owners"] for r in rows)


def test_it_gives_records_metadata_without_their_contents(
    council_with_children: Council,
) -> None:
    rows = every(token(), "/api/records/")

    milo = [r for r in rows if "C-MILO" in r["case_ids"]]
    assert milo
    assert milo[0]["supervisor_id"] == "MA"
    assert milo[0]["supervisee_id"] == "WA"
    assert set(milo[0]) == {
        "session_id",
        "type",
        "date",
        "supervisor_id",
        "supervisee_id",
        "team",
        "duration_minutes",
        "recorded_date",
        "case_ids",
    }


def test_it_pages_long_lists(council_with_children: Council) -> None:
    body = get(token(), "/api/staff/?page_size=3").json()

    assert body["count"] == 8
    assert len(body["results"]) == 3
    assert "page=2" in body["next"]


def test_each_read_is_audited_with_the_token_and_what_was_read(
    council_with_children: Council,
) -> None:
    every(token(user=council_with_children.worker.user, name="Wanda's"), "/api/cases/")

    entry = AuditEvent.objects.get(action="view", object_type="api.cases")
    assert entry.actor_label == "worker"
    assert entry.detail["api_token"].startswith("Wanda's")
    assert sorted(entry.detail["ids"]) == ["C-MILO", "C-NEAR"]


@override_settings(OVERSIGHT_API_THROTTLE={"read": "2/minute", "write": "1/minute"})
def test_it_throttles_a_token_that_calls_too_often(org: Council) -> None:
    secret = token()

    answers = [get(secret, "/api/teams/").status_code for _ in range(3)]

    assert answers == [200, 200, 429]
    body = get(secret, "/api/teams/").json()
    assert body["status"] == 429
    assert "throttled" in body["errors"][0]["message"]


# Writing ---------------------------------------------------------------------------------------


WRITES = {
    "/api/allocations/": {"case_id": "C-ZARA", "worker_id": "WA", "start_date": "2025-06-02"},
    "/api/case-statuses/": {
        "case_id": "C-ZARA",
        "status": "looked_after",
        "start_date": "2025-06-02",
    },
    "/api/case-events/": {"case_id": "C-ZARA", "event": "legal_planning", "date": "2025-06-02"},
    "/api/sessions/": {
        "session_id": "CMS-1",
        "type": "individual",
        "date": "2025-06-02",
        "supervisor_id": "MB",
        "supervisee_id": "WB",
        "case_ids": ["C-ZARA"],
    },
}


def written() -> tuple[int, int, int, int]:
    return (
        Allocation.objects.count(),
        CaseStatus.objects.count(),
        CaseEvent.objects.count(),
        Session.objects.count(),
    )


@pytest.mark.parametrize("path", sorted(WRITES))
def test_a_token_without_the_write_scope_cannot_write(
    council_with_children: Council, path: str
) -> None:
    before = written()

    response = post(token("read"), path, WRITES[path])

    assert response.status_code == 403
    assert "may only read" in response.json()["errors"][0]["message"]
    assert written() == before


@pytest.mark.parametrize("path", sorted(WRITES))
def test_a_workers_write_token_cannot_write_as_workers_do_not_in_the_pages(
    council_with_children: Council, path: str
) -> None:
    response = post(token("write", council_with_children.worker.user), path, WRITES[path])

    assert response.status_code == 403
    assert "Only business support" in response.json()["errors"][0]["message"]


@pytest.mark.parametrize("path", sorted(WRITES))
def test_each_write_is_made_and_audited_with_the_token(
    council_with_children: Council, path: str
) -> None:
    before = written()

    response = post(token("write", name="Case management"), path, WRITES[path])

    assert response.status_code == 201, response.content
    assert written() != before
    entry = AuditEvent.objects.filter(action="create").latest("pk")
    assert entry.detail["via"] == "api"
    assert entry.detail["api_token"].startswith("Case management")


def test_business_supports_write_token_writes_in_their_name(
    council_with_children: Council,
) -> None:
    secret = token("write", council_with_children.support)

    response = post(secret, "/api/case-events/", WRITES["/api/case-events/"])

    assert response.status_code == 201
    assert AuditEvent.objects.filter(action="create").latest("pk").actor_label == "support"


def test_sending_an_allocation_again_with_an_end_date_ends_it_and_audits_the_change(
    council_with_children: Council,
) -> None:
    secret = token("write")
    post(secret, "/api/allocations/", WRITES["/api/allocations/"])

    response = post(
        secret, "/api/allocations/", {**WRITES["/api/allocations/"], "end_date": "2025-06-09"}
    )

    assert response.status_code == 200
    assert response.json()["end_date"] == "2025-06-09"
    entry = AuditEvent.objects.filter(action="change").latest("pk")
    assert entry.detail["changes"]["end_date"] == {"before": None, "after": "2025-06-09"}


def test_a_session_recorded_elsewhere_counts_from_its_date(council_with_children: Council) -> None:
    secret = token("write")

    response = post(secret, "/api/sessions/", WRITES["/api/sessions/"])

    assert response.status_code == 201
    session = Session.objects.get(session_id="CMS-1")
    assert Session.objects.took_place().filter(pk=session.pk).exists()
    rows = every(secret, "/api/obligations/?subject_type=staff&subject_id=WB")
    assert "2025-06-02" in {row["last_met"] for row in rows}


BAD_WRITES = [
    (
        "/api/allocations/",
        {"case_id": "C-ZARA", "worker_id": "WA", "start_date": "02/06/2025"},
        "start_date",
        "is not a date: write it as YYYY-MM-DD",
    ),
    (
        "/api/allocations/",
        {"case_id": "C-NOBODY", "worker_id": "WA", "start_date": "2025-06-02"},
        "case_id",
        "unknown child 'C-NOBODY'",
    ),
    (
        "/api/allocations/",
        {
            "case_id": "C-ZARA",
            "worker_id": "WA",
            "start_date": "2025-06-02",
            "end_date": "2025-06-01",
        },
        "end_date",
        "is before start_date",
    ),
    (
        "/api/case-statuses/",
        {"case_id": "C-ZARA", "status": "happy", "start_date": "2025-06-02"},
        "status",
        "unknown status 'happy'",
    ),
    (
        "/api/case-events/",
        {"case_id": "C-ZARA", "date": "2025-06-02"},
        "event",
        "is empty: a value is required",
    ),
    (
        "/api/sessions/",
        {"session_id": "CMS-2", "type": "group", "date": "2025-06-02", "supervisee_id": "WB"},
        "team",
        "a group session must name its team",
    ),
    (
        "/api/sessions/",
        {"session_id": "CMS-3", "type": "individual", "date": "2025-06-02", "supervisee_id": "X9"},
        "supervisee_id",
        "unknown staff 'X9'",
    ),
    (
        "/api/sessions/",
        {"session_id": "CMS-4", "type": "individual", "date": "2025-06-02", "duration_minutes": 0},
        "duration_minutes",
        "is not a number of minutes",
    ),
    (
        "/api/case-events/",
        {"case_id": "C-ZARA", "event": "closure", "date": "2025-06-02", "colour": "red"},
        "colour",
        "is not a field of this request",
    ),
]


@pytest.mark.parametrize(("path", "body", "field", "message"), BAD_WRITES)
def test_bad_input_is_refused_with_a_400_naming_the_field_and_the_fix_and_changes_nothing(
    council_with_children: Council, path: str, body: dict[str, Any], field: str, message: str
) -> None:
    before = written()
    entries = AuditEvent.objects.filter(action__in=["create", "change"]).count()

    response = post(token("write"), path, body)

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert any(e["field"] == field and message in e["message"] for e in errors), errors
    assert written() == before
    assert AuditEvent.objects.filter(action__in=["create", "change"]).count() == entries


def test_a_body_that_is_not_json_is_refused_clearly(council_with_children: Council) -> None:
    response = Client().post(
        "/api/case-events/",
        "{not json",
        content_type="application/json",
        headers={"Authorization": f"Bearer {token('write')}"},
    )

    assert response.status_code == 400
    assert "JSON parse error" in response.json()["errors"][0]["message"]


def test_a_session_is_recorded_once(council_with_children: Council) -> None:
    secret = token("write")
    post(secret, "/api/sessions/", WRITES["/api/sessions/"])

    response = post(secret, "/api/sessions/", WRITES["/api/sessions/"])

    assert response.status_code == 400
    assert "already recorded" in response.json()["errors"][0]["message"]


# Schema and docs -------------------------------------------------------------------------------


def test_the_schema_is_readable_without_signing_in_and_validates(db: Any) -> None:
    from drf_spectacular.validation import validate_schema

    response = Client().get("/api/schema/?format=json")

    assert response.status_code == 200
    schema = json.loads(response.content)
    validate_schema(schema)
    assert {"/api/staff/", "/api/obligations/", "/api/sessions/"} <= set(schema["paths"])
    assert schema["components"]["securitySchemes"]["token"]["scheme"] == "bearer"


def test_the_docs_page_is_served_from_installed_files_only(db: Any) -> None:
    response = Client().get("/api/docs/")

    assert response.status_code == 200
    page = response.content.decode()
    assert "swagger-ui" in page
    assert "cdn" not in page.lower()
    assert "https://" not in page


# Schemathesis against the live API ---------------------------------------------------------------

SCHEMATHESIS_CHECKS = (
    "not_a_server_error",
    "status_code_conformance",
    "content_type_conformance",
    "response_schema_conformance",
    "response_headers_conformance",
)


@pytest.mark.django_db(transaction=True)
@override_settings(OVERSIGHT_API_THROTTLE={"read": "100000/minute", "write": "100000/minute"})
def test_schemathesis_finds_no_server_error_and_no_schema_violation(
    live_server: Any, council_with_children: Council
) -> None:
    secret = token("write", name="Schemathesis")

    run = subprocess.run(
        [
            str(Path(sys.executable).with_name("st")),
            "run",
            f"{live_server.url}/api/schema/?format=json",
            "--header",
            f"Authorization: Bearer {secret}",
            "--checks",
            ",".join(SCHEMATHESIS_CHECKS),
            "--max-examples",
            "5",
            "--seed",
            "1",
            "--no-color",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )

    assert run.returncode == 0, run.stdout[-4000:]
    assert "Tested: 10" in run.stdout  # every operation in the schema
