"""Disagreements keep their history (N 9.1): once the supervisor's line manager has decided an
escalated disagreement, the record still shows who raised it and when, who escalated it and to
whom with the meeting date, and who decided it with the outcome. Only that line manager decides
an escalated one."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.urls import reverse

from oversight.records.models import Disagreement, DisagreementState
from tests.council import date_fields, today
from tests.factories import ProfessionalRecordFactory

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.urls("oversight.urls"),
    pytest.mark.usefixtures("frozen_today"),
]

DAY = dt.timedelta(days=1)


@pytest.fixture
def disagreement(org) -> Disagreement:
    """Raised by the worker on a record the manager sent them two days ago."""
    record = org.session(today() - 3 * DAY)
    ProfessionalRecordFactory(session=record)
    record.send_to_worker(by=org.users["manager"], on=today() - 2 * DAY)
    return record.record_disagreement(
        by=org.users["worker"], what="How often I visit", on=today() - DAY
    )


def page_text(client, disagreement: Disagreement) -> str:
    html = client.get(reverse("records:detail", args=[disagreement.session_id])).content.decode()
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def escalate(client, org, disagreement: Disagreement, meeting: dt.date):
    client.force_login(org.users["worker"])
    return client.post(
        reverse("records:escalate_disagreement", args=[disagreement.session_id, disagreement.pk]),
        date_fields(f"escalate-{disagreement.pk}-meeting_date", meeting),
    )


def resolve(client, org, who: str, disagreement: Disagreement, outcome: str = "Visit fortnightly"):
    client.force_login(org.users[who])
    return client.post(
        reverse("records:resolve_disagreement", args=[disagreement.session_id, disagreement.pk]),
        {f"resolve-{disagreement.pk}-outcome": outcome},
    )


def test_it_keeps_the_escalation_and_meeting_on_the_record_after_the_decision(
    client, org, disagreement
):
    escalate(client, org, disagreement, today() + 7 * DAY)
    assert resolve(client, org, "head", disagreement).status_code == 302

    client.force_login(org.users["worker"])
    text = page_text(client, disagreement)

    assert "Status Resolved" in text
    assert f"Raised By Wanda Worker on {(today() - DAY):%-d %B %Y}" in text
    assert (
        f"Escalated By Wanda Worker on {today():%-d %B %Y}: three-way meeting with Hari Head "
        f"on {(today() + 7 * DAY):%-d %B %Y}"
    ) in text
    assert f"Resolved Decided at the meeting by Hari Head on {today():%-d %B %Y}" in text
    assert "Outcome Visit fortnightly" in text


def test_it_shows_the_history_in_the_order_it_happened(client, org, disagreement):
    escalate(client, org, disagreement, today() + 7 * DAY)
    resolve(client, org, "head", disagreement)

    text = page_text(client, disagreement)

    assert text.index("Raised By") < text.index("Escalated By") < text.index("Resolved Decided")


def test_it_shows_who_settled_an_open_one_between_them_with_no_escalation(
    client, org, disagreement
):
    assert resolve(client, org, "manager", disagreement, "Agreed weekly").status_code == 302

    text = page_text(client, disagreement)

    assert f"Resolved Resolved by Tamsin Manager on {today():%-d %B %Y}" in text
    assert "Escalated By" not in text
    assert "Outcome Agreed weekly" in text


def test_it_shows_an_escalated_one_waiting_for_the_meeting(client, org, disagreement):
    escalate(client, org, disagreement, today() + 7 * DAY)

    text = page_text(client, disagreement)

    assert "Status Escalated" in text
    assert "three-way meeting with Hari Head" in text
    assert "Resolved Decided" not in text


@pytest.mark.parametrize("who", ["manager", "worker", "other_manager", "qa"])
def test_only_the_supervisors_line_manager_decides_an_escalated_one(client, org, disagreement, who):
    escalate(client, org, disagreement, today() + 7 * DAY)

    response = resolve(client, org, who, disagreement)

    assert response.status_code in {403, 404}
    disagreement.refresh_from_db()
    assert disagreement.status == DisagreementState.ESCALATED
    assert disagreement.outcome == ""


def test_it_offers_the_decision_only_to_the_line_manager(client, org, disagreement):
    escalate(client, org, disagreement, today() + 7 * DAY)
    url = reverse("records:detail", args=[disagreement.session_id])
    field = f"resolve-{disagreement.pk}-outcome"

    for who in ("manager", "worker"):
        client.force_login(org.users[who])
        assert field not in client.get(url).content.decode(), who
    client.force_login(org.users["head"])
    assert field in client.get(url).content.decode()
