"""Text people type is shown as text: HTML and script in a record never run in someone's browser."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from oversight.records.models import CaseNote
from tests.council import council, smith_children

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]
HOSTILE = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_it_shows_html_typed_into_a_case_note_as_text_everywhere_it_appears(client) -> None:
    team = smith_children(council())
    record = team.session(timezone.localdate() - dt.timedelta(days=1), type="case_discussion")
    record.cases.add(team.amy)
    CaseNote.objects.create(session=record, case=team.amy, purpose=HOSTILE, analysis=HOSTILE)
    record.send_to_worker(by=team.manager_user)
    client.force_login(team.worker_user)

    for address in (f"/records/{record.pk}/", f"/children/{team.amy.case_id}/"):
        page = client.get(address).content.decode()

        assert "<script>alert" not in page, address
        assert "<img src=x" not in page, address
        assert "&lt;script&gt;alert" in page, address


def test_it_shows_html_typed_as_a_return_reason_as_text(client) -> None:
    team = smith_children(council())
    record = team.session(timezone.localdate() - dt.timedelta(days=1), type="case_discussion")
    record.cases.add(team.amy)
    CaseNote.objects.create(session=record, case=team.amy, purpose="Why we are involved")
    record.send_to_worker(by=team.manager_user)
    record.return_to_supervisor(by=team.worker_user, reason=HOSTILE)
    client.force_login(team.manager_user)

    for address in ("/", f"/records/{record.pk}/"):
        page = client.get(address).content.decode()

        assert "<script>alert" not in page, address
        assert "&lt;script&gt;alert" in page, address
