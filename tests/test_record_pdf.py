"""A record on paper (issue 10, part 5): each record downloads as a tagged PDF that holds what
its page shows a reader, with both confirmations as its signatures, its history, addenda and
disagreements and the council's name; only for people who may read the record, and audited."""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from oversight.audit.models import AuditEvent
from oversight.records.models import ChairReview, PracticeObservation, Record
from oversight.supervision.models import Session
from oversight.web.paper import _fetcher
from tests.council import (
    DAY,
    TERMS,
    Council,
    conference_children,
    council,
    record,
    sent,
    signed_agreement,
    today,
)
from tests.factories import CaseNoteFactory, GroupRecordFactory, OversightNoteFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

SENT_ON = "11 June 2025 at 09:00"  # the moment it was sent: the frozen clock
SITE = "http://testserver/"


@pytest.fixture
def org() -> Council:
    return conference_children(council())


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def download(user: Any, name: str, pk: int) -> Any:
    return client_for(user).get(reverse(name, args=[pk]))


def pdf_text(content: bytes) -> str:
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return " ".join(text.split())  # lines broken where the page broke them, joined again


def agreed(session: Session, *agreeing: Any) -> Record:
    """The record sent two days ago by its supervisor and agreed by each of `agreeing`."""
    shared = sent(Record.of(session), on=today() - 2 * DAY)
    for person in agreeing or (session.supervisee,):
        Record.of(shared).agree(by=person.user)
    return Record.of(shared)


# Each kind of record ----------------------------------------------------------------------------


def one_to_one(org: Council) -> tuple[Session, str]:
    session = record(org.manager, org.worker, today() - 3 * DAY, case=org.case)
    return session, "Says she likes her new teacher"


def case_discussion(org: Council) -> tuple[Session, str]:
    session = Record.objects.create(
        type="case_discussion",
        date=today() - 3 * DAY,
        supervisor=org.manager,
        supervisee=org.worker,
    )
    CaseNoteFactory(session=session, case=org.case, purpose="Milo is to stay at home safely.")
    return session, "Milo is to stay at home safely."


def management_oversight(org: Council) -> tuple[Session, str]:
    note = OversightNoteFactory(
        session__type="management_oversight",
        session__date=today() - 3 * DAY,
        session__supervisor=org.manager,
        session__supervisee=org.worker,
        case=org.case,
    )
    return note.session, "Convene a strategy discussion today."


def practice_observation(org: Council) -> tuple[Session, str]:
    session = Record.objects.create(
        type="practice_observation",
        date=today() - 3 * DAY,
        supervisor=org.manager,
        supervisee=org.worker,
    )
    PracticeObservation.objects.create(
        session=session, setting="home_visit", strengths="Calm, clear questions to the father."
    )
    return session, "Calm, clear questions to the father."


def conference_chair(org: Council) -> tuple[Session, str]:
    session = Record.objects.create(
        type="conference_chair",
        date=today() - 3 * DAY,
        supervisor=org.chairs_manager,
        supervisee=org.chair,
    )
    ChairReview.objects.create(
        session=session, case=org.cp_case_near, working_well="Core group meets every month."
    )
    return session, "Core group meets every month."


KINDS: dict[str, Callable[[Council], tuple[Session, str]]] = {
    "individual": one_to_one,
    "case_discussion": case_discussion,
    "management_oversight": management_oversight,
    "practice_observation": practice_observation,
    "conference_chair": conference_chair,
}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_it_downloads_each_kind_of_record_with_both_signatures(org: Council, kind: str) -> None:
    session, contents = KINDS[kind](org)
    signed = agreed(session)

    response = download(session.supervisee.user, "records:pdf", signed.pk)

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment; filename=")
    text = pdf_text(response.content)
    assert "Bedford Borough Council" in text
    assert contents in text
    assert f"{session.supervisor.name} Sent as the record of the supervision on {SENT_ON}" in text
    assert f"{session.supervisee.name} Agreed the record on 11 June 2025 at 09:00" in text
    assert "DRAFT" not in text


def test_a_group_record_is_signed_by_its_supervisor_and_each_attendee(org: Council) -> None:
    group = GroupRecordFactory(
        session__date=today() - 3 * DAY,
        session__supervisor=org.manager,
        session__team=org.team,
        facilitator=org.manager,
        learning="Use a genogram before the next visit.",
    )
    group.attendees.set([org.worker, org.colleague])
    signed = agreed(group.session, org.worker, org.colleague)

    text = pdf_text(download(org.colleague.user, "records:pdf", signed.pk).content)

    assert "Use a genogram before the next visit." in text
    assert f"{org.manager.name} Sent as the record of the supervision on {SENT_ON}" in text
    assert f"{org.worker.name} Agreed the record on 11 June 2025" in text
    assert f"{org.colleague.name} Agreed the record on 11 June 2025" in text


def test_it_holds_the_addenda_disagreements_and_whole_history(org: Council) -> None:
    session, _ = one_to_one(org)
    signed = agreed(session)
    signed.add_addendum(by=org.manager.user, text="The visit was on Tuesday, not Monday.")
    signed.record_disagreement(by=org.worker.user, what="The plan for contact with dad.")

    text = pdf_text(download(org.manager.user, "records:pdf", signed.pk).content)

    assert "The visit was on Tuesday, not Monday." in text
    assert "The plan for contact with dad." in text
    assert "Raised by Wanda Worker" in text
    assert "History" in text
    assert "Tamsin Manager Draft Sent to the worker" in text
    assert "Wanda Worker Sent to the worker Agreed" in text


def test_a_draft_says_draft_and_shows_what_its_page_shows(org: Council) -> None:
    session, contents = one_to_one(org)

    by_author = pdf_text(download(org.manager.user, "records:pdf", session.pk).content)
    by_worker = pdf_text(download(org.worker.user, "records:pdf", session.pk).content)

    assert "DRAFT" in by_author
    assert contents in by_author
    assert "Not confirmed yet" in by_author
    # Not yet sent: the worker's page does not show what is being written, nor does the paper.
    assert "DRAFT" in by_worker
    assert contents not in by_worker


def test_a_record_sent_but_not_agreed_says_so(org: Council) -> None:
    session, _ = one_to_one(org)
    shared = sent(Record.of(session), on=today() - 2 * DAY)

    text = pdf_text(download(org.worker.user, "records:pdf", shared.pk).content)

    assert "NOT YET AGREED" in text
    assert "Wanda Worker Not confirmed yet" in text


def test_a_record_from_the_councils_own_system_says_where_it_was_signed(org: Council) -> None:
    imported = Record.objects.create(
        type="individual",
        date=today() - 9 * DAY,
        recorded_date=today() - 8 * DAY,
        supervisor=org.manager,
        supervisee=org.worker,
    )

    text = pdf_text(download(org.worker.user, "records:pdf", imported.pk).content)

    assert "Recorded in the council's own system on 3 June 2025, where it was signed off" in text
    assert "Not confirmed yet" not in text
    assert "DRAFT" not in text


def test_it_is_a_tagged_pdf_with_a_title_and_language(org: Council) -> None:
    session, _ = one_to_one(org)
    signed = agreed(session)

    reader = PdfReader(io.BytesIO(download(org.worker.user, "records:pdf", signed.pk).content))

    catalog = reader.trailer["/Root"]
    assert catalog["/MarkInfo"]["/Marked"].value is True
    assert "/StructTreeRoot" in catalog
    assert catalog["/Lang"] == "en-GB"
    assert reader.metadata is not None
    assert reader.metadata.title == "One-to-one supervision, 8 June 2025: Wanda Worker"
    assert catalog["/ViewerPreferences"]["/DisplayDocTitle"].value is True


def test_it_names_the_council_the_settings_name(org: Council, settings: Any) -> None:
    settings.OVERSIGHT_COUNCIL_NAME = "Borsetshire County Council"
    session, _ = one_to_one(org)

    text = pdf_text(download(org.manager.user, "records:pdf", session.pk).content)

    assert "Borsetshire County Council" in text
    assert "Bedford" not in text


# Who may have it, and the audit trail -----------------------------------------------------------


def test_only_people_who_may_read_the_record_get_it(org: Council) -> None:
    session, _ = one_to_one(org)
    signed = agreed(session)

    for user in (org.outsider.user, org.other_manager.user, org.support, org.admin):
        page = download(user, "records:detail", signed.pk)
        paper = download(user, "records:pdf", signed.pk)
        assert page.status_code == paper.status_code == 403
    assert download(org.qa, "records:pdf", signed.pk).status_code == 200
    assert download(org.head.user, "records:pdf", signed.pk).status_code == 200
    assert download(org.manager.user, "records:pdf", 999_999).status_code == 404
    assert AuditEvent.objects.filter(action="download").count() == 2


def test_each_download_is_audited_as_a_look_at_the_record(org: Council) -> None:
    session, _ = one_to_one(org)
    signed = agreed(session)

    download(org.head.user, "records:pdf", signed.pk)

    [entry] = AuditEvent.objects.filter(action="download")
    assert entry.actor == org.head.user
    assert (entry.object_type, entry.object_id) == ("supervision.session", str(signed.pk))
    assert entry.detail == {"format": "pdf"}
    assert entry.ip_address == "127.0.0.1"


# Agreements -------------------------------------------------------------------------------------


def test_a_signed_agreement_downloads_with_both_signatures_and_its_terms(org: Council) -> None:
    agreement = signed_agreement(org)

    response = download(org.worker.user, "agreements:pdf", agreement.pk)

    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Bedford Borough Council" in text
    assert TERMS["location"] in text
    assert "Tamsin Manager Confirmed the agreement on 11 June 2025 at 09:00" in text
    assert "Wanda Worker Confirmed the agreement on 11 June 2025 at 09:00" in text
    assert "Waiting for the supervisee to confirm Signed" in text  # the history
    assert "DRAFT" not in text
    [entry] = AuditEvent.objects.filter(action="download")
    assert (entry.object_type, entry.object_id) == ("supervision.agreement", str(agreement.pk))
    assert entry.detail == {"format": "pdf"}


def test_an_agreement_not_signed_says_draft_and_whose_confirmation_is_missing(
    org: Council,
) -> None:
    from oversight.supervision.models import Agreement

    agreement = Agreement.start(org.worker, org.manager, by=org.manager.user, **TERMS)
    agreement.confirm(by=org.manager.user)

    text = pdf_text(download(org.manager.user, "agreements:pdf", agreement.pk).content)

    assert "DRAFT" in text
    assert "Wanda Worker Not confirmed yet" in text


def test_an_agreement_on_paper_is_for_those_who_may_read_it(org: Council) -> None:
    agreement = signed_agreement(org)

    for user in (org.outsider.user, org.other_manager.user, org.support, org.admin):
        assert download(user, "agreements:pdf", agreement.pk).status_code == 403
    assert not AuditEvent.objects.filter(action="download").exists()


# Nothing is fetched -----------------------------------------------------------------------------


def test_it_fetches_only_the_installed_static_files() -> None:
    fetcher = _fetcher(SITE)

    stylesheet = fetcher.fetch(SITE + "static/oversight/paper.css")

    assert b"@page" in stylesheet.read()
    for address in (
        "https://example.com/tracker.png",
        "http://169.254.169.254/latest/meta-data/",
        SITE + "records/1/",
        SITE + "static/../settings.py",
        "file:///etc/passwd",
        "data:text/css,body{}",
    ):
        with pytest.raises(ValueError, match="refused"):
            fetcher.fetch(address)
