"""Joint supervision (issue 16; B 3 "where one or more members of staff are jointly working with a
family, joint supervision may be beneficial", B 3.1.10): one case discussion with two workers
supervised together meets the case obligations of every child discussed, whichever of them holds
the child, and each worker agrees or returns the record for themselves."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from pypdf import PdfReader

from oversight.access.queries import visible_sessions
from oversight.audit.actor import Actor
from oversight.audit.models import AuditEvent
from oversight.engine.engine import Obligation, compute_obligations
from oversight.facts.live import council_policy, worker_obligations
from oversight.import_export.exporter import export_folder
from oversight.import_export.reader import read_dataset, to_facts
from oversight.records import writing
from oversight.records.models import AttendeeCopy, CopyState, Record
from oversight.records.workflow import State, WorkflowError
from oversight.reminders.models import Notification
from oversight.supervision.models import JointSupervisee
from tests.council import DAY, TODAY, Council, council, smith_children
from tests.factories import START, AllocationFactory, CaseFactory, CaseStatusFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("frozen_today")]

WHY = "Dina's school attendance is 70%, not 85%."


@pytest.fixture
def family() -> Council:
    """The Smith children: Amy (the worker's, child protection), Ben (the worker's since 2024,
    and jointly the colleague's since three days ago) and their sister Dina (the colleague's,
    child protection)."""
    org = smith_children(council())
    assert org.amy is not None
    assert org.ben is not None
    dina = CaseFactory(
        case_id="C-DINA",
        display_name="Dina Smith",
        sibling_group=org.amy.sibling_group,
        open_date=START,
    )
    AllocationFactory(case=dina, worker=org.colleague, start_date=START)
    CaseStatusFactory(case=dina, status="child_protection", start_date=START)
    AllocationFactory(case=org.ben, worker=org.colleague, start_date=TODAY - 3 * DAY)
    org.case = dina
    return org


def client_for(staff: Any) -> Client:
    client = Client()
    client.force_login(staff.user)
    return client


def booking(**overrides: Any) -> dict[str, Any]:
    return {
        "kind": "case_discussion",
        "date_day": str(TODAY.day),
        "date_month": str(TODAY.month),
        "date_year": str(TODAY.year),
        "start_time": "08:00",  # earlier today: it has taken place
        "duration_minutes": "60",
        "location": "Meeting room 2",
        **overrides,
    }


def note(**overrides: str) -> dict[str, str]:
    return {
        "purpose": "Keep the children safe at home while their mother works on the plan.",
        "plan": "School attendance up from 60% to 85%.",
        "focus": "Says she likes her new teacher.",
        "analysis": "Hypothesis: the morning routine helped; alternative: the new class.",
        "seen_alone": "yes",
        "seen_alone_comment": "Seen alone at school.",
        "plans_up_to_date": "yes",
        "actions-TOTAL_FORMS": "0",
        "actions-INITIAL_FORMS": "0",
        "actions-MIN_NUM_FORMS": "0",
        "actions-MAX_NUM_FORMS": "1000",
        **overrides,
    }


def joint_record(org: Council) -> Record:
    """Booked by the manager with the worker and the colleague, about Amy, Ben and Dina, each
    child's note written on the record's pages, and sent."""
    assert org.amy is not None
    assert org.ben is not None
    assert org.case is not None
    manager = client_for(org.manager)
    booked = manager.post(
        f"/records/new/?supervisee={org.worker.staff_id}",
        booking(joint=[str(org.colleague.pk)]),
    )
    assert booked.status_code == 302, booked.content.decode()[-3000:]
    record = Record.objects.get(type="case_discussion")
    children = [org.amy, org.ben, org.case]
    chosen = manager.post(
        reverse("records:cases", args=[record.pk]), {"cases": [str(c.pk) for c in children]}
    )
    assert chosen.status_code == 302, chosen.content.decode()[-3000:]
    for case in children:
        written = manager.post(reverse("records:case_note", args=[record.pk, case.pk]), note())
        assert written.status_code == 302, written.content.decode()[-3000:]
    sent = manager.post(reverse("records:send", args=[record.pk]))
    assert sent.status_code == 302, sent.content.decode()[-3000:]
    return Record.objects.get(pk=record.pk)


def agree(record: Record, staff: Any) -> Any:
    return client_for(staff).post(reverse("records:agree", args=[record.pk]))


def give_back(record: Record, staff: Any) -> Any:
    return client_for(staff).post(reverse("records:return", args=[record.pk]), {"reason": WHY})


def state_of(record: Record) -> str:
    return Record.objects.get(pk=record.pk).state


def pdf_text(content: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.split())


def found(obligations: list[Obligation], case_id: str, name: str) -> Obligation:
    return next(o for o in obligations if o.subject_id == case_id and o.obligation == name)


def test_it_meets_the_case_obligations_of_both_workers_children(family: Council) -> None:
    assert family.amy is not None
    assert family.ben is not None
    assert family.case is not None
    before = worker_obligations(family.colleague, TODAY)
    assert found(before, "C-DINA", "case_supervision").last_met is None

    joint_record(family)

    worker = worker_obligations(family.worker, TODAY)
    colleague = worker_obligations(family.colleague, TODAY)
    # The worker's Amy and the colleague's Dina: case supervision every 4 weeks (B 3.1.2).
    assert found(worker, family.amy.case_id, "case_supervision").last_met == TODAY
    assert found(colleague, "C-DINA", "case_supervision").last_met == TODAY
    assert found(colleague, "C-DINA", "case_supervision").status == "ok"
    # Ben, jointly allocated to the colleague three days ago: discussed within five days (B 3.1.1).
    assert found(colleague, family.ben.case_id, "initial_case_discussion").status == "met"
    assert found(colleague, family.ben.case_id, "case_supervision").last_met == TODAY


def test_it_lets_each_supervisee_agree_their_own_copy(family: Council) -> None:
    record = joint_record(family)
    copies = {c.staff: c for c in AttendeeCopy.objects.filter(session=record)}
    assert set(copies) == {family.worker, family.colleague}
    assert state_of(record) == State.SENT
    assert list(Record.objects.awaiting_agreement(family.worker)) == [record]
    assert list(Record.objects.awaiting_agreement(family.colleague)) == [record]

    assert agree(record, family.worker).status_code == 302

    assert state_of(record) == State.SENT
    assert list(Record.objects.awaiting_agreement(family.worker)) == []
    assert list(Record.objects.awaiting_agreement(family.colleague)) == [record]
    page = client_for(family.manager).get(reverse("records:detail", args=[record.pk]))
    text = page.content.decode()
    assert "Agreement by each supervisee" in text
    assert "1 of 2 supervisees have agreed" in text
    assert "Wanda Worker, Colin Colleague" in text

    assert agree(record, family.colleague).status_code == 302
    assert state_of(record) == State.AGREED
    assert {c.state for c in Record.objects.get(pk=record.pk).copies()} == {CopyState.AGREED}


def test_it_returns_the_record_when_one_supervisee_returns_their_copy(family: Council) -> None:
    record = joint_record(family)
    assert agree(record, family.worker).status_code == 302

    assert give_back(record, family.colleague).status_code == 302

    assert state_of(record) == State.RETURNED
    answered = {c.staff: (c.state, c.answered) for c in Record.objects.get(pk=record.pk).copies()}
    assert answered[family.worker][0] == CopyState.AGREED
    assert answered[family.colleague][0] == CopyState.RETURNED
    returned = answered[family.colleague][1]
    assert returned is not None
    assert returned.reason == WHY
    with pytest.raises(WorkflowError):
        Record.objects.get(pk=record.pk).agree(by=family.worker.user)

    # Corrected and sent again, both agree afresh.
    manager = client_for(family.manager)
    assert manager.post(reverse("records:send", args=[record.pk])).status_code == 302
    assert list(Record.objects.awaiting_agreement(family.worker)) == [record]
    assert agree(record, family.colleague).status_code == 302
    assert agree(record, family.worker).status_code == 302
    assert state_of(record) == State.AGREED


def test_it_shows_the_record_to_each_supervisee_and_their_managers_only(family: Council) -> None:
    record = joint_record(family)
    url = reverse("records:detail", args=[record.pk])

    for who in (family.worker, family.colleague, family.manager, family.head):
        assert client_for(who).get(url).status_code == 200, who
    for who in (family.outsider, family.other_manager):
        assert client_for(who).get(url).status_code == 403, who
    assert list(visible_sessions(family.colleague.user, TODAY)) == [record]
    # In the colleague's My work (a record to agree) and records list.
    colleague = client_for(family.colleague)
    assert url in colleague.get("/").content.decode()
    assert url in colleague.get(reverse("records:list")).content.decode()
    assert f"/records/{record.pk}/agree/" in colleague.get(url).content.decode()
    # The manager finds it among the colleague's records, as among the worker's.
    manager = client_for(family.manager)
    for who in (family.worker, family.colleague):
        listed = manager.get(reverse("records:list") + f"?worker={who.staff_id}")
        assert url in listed.content.decode(), who
    others = manager.get(reverse("records:list") + f"?worker={family.outsider.staff_id}")
    assert url not in others.content.decode()


def test_it_offers_only_people_the_supervisor_may_book_with(family: Council) -> None:
    manager = client_for(family.manager)
    url = f"/records/new/?supervisee={family.worker.staff_id}"

    page = manager.get(url).content.decode()
    refused = manager.post(url, booking(joint=[str(family.outsider.pk)]))

    assert "Colin Colleague" in page
    assert "Olive Outsider" not in page
    assert refused.status_code == 200
    assert "Choose people you supervise from the list" in refused.content.decode()
    assert not Record.objects.exists()


def test_it_holds_only_a_case_discussion_jointly(family: Council) -> None:
    manager = client_for(family.manager)
    url = f"/records/new/?supervisee={family.worker.staff_id}"

    refused = manager.post(url, booking(kind="individual", joint=[str(family.colleague.pk)]))

    assert refused.status_code == 200
    assert "Only a case discussion can be held jointly" in refused.content.decode()
    assert not Record.objects.exists()
    one_to_one = family.session(type="individual")
    with pytest.raises(WorkflowError):
        writing.set_joint_supervisees(
            one_to_one, [family.colleague], by=Actor(user=family.manager.user)
        )


def test_it_audits_who_was_supervised_jointly_and_each_answer(family: Council) -> None:
    record = joint_record(family)
    agree(record, family.worker)
    give_back(record, family.colleague)

    row = JointSupervisee.objects.get(session=record)
    made = AuditEvent.objects.get(object_type="supervision.jointsupervisee", action="create")
    assert (made.object_id, made.actor, made.detail["session"]) == (
        str(row.pk),
        family.manager.user,
        record.session_id,
    )
    answers = AuditEvent.objects.filter(action="transition", object_type="records.attendeecopy")
    assert {(e.actor, e.detail["to"]) for e in answers} == {
        (family.worker.user, "agreed"),
        (family.colleague.user, "returned"),
    }


def test_it_keeps_both_workers_children_supervised_through_an_export(
    family: Council, tmp_path: Path
) -> None:
    """The data set names one supervisee per session (DATA.md), as it names no group attendees;
    the children discussed go with the session, so the obligations it met are met after export."""
    record = joint_record(family)
    agree(record, family.worker)
    agree(record, family.colleague)

    export_folder(tmp_path)
    facts = to_facts(read_dataset(tmp_path))
    computed = compute_obligations(council_policy(), facts, TODAY)

    sessions = (tmp_path / "session_cases.csv").read_text()
    assert {f"{record.session_id},{c}" for c in ("C-DINA",)} <= set(sessions.splitlines())
    assert found(computed, "C-DINA", "case_supervision").last_met == TODAY
    assert family.amy is not None
    assert found(computed, family.amy.case_id, "case_supervision").last_met == TODAY


def test_it_changes_who_is_supervised_jointly_only_while_the_record_is_with_its_author(
    family: Council,
) -> None:
    record = joint_record(family)
    actor = Actor(user=family.manager.user)

    with pytest.raises(WorkflowError):
        writing.set_joint_supervisees(record, [], by=actor)

    assert JointSupervisee.objects.filter(session=record).count() == 1


def test_it_adds_a_worker_jointly_while_the_record_is_being_written(family: Council) -> None:
    manager = client_for(family.manager)
    booked = manager.post(f"/records/new/?supervisee={family.worker.staff_id}", booking())
    assert booked.status_code == 302
    record = Record.objects.get(type="case_discussion")
    url = reverse("records:joint", args=[record.pk])

    page = manager.get(url).content.decode()
    refused = manager.post(url, {"joint": [str(family.outsider.pk)]})
    added = manager.post(url, {"joint": [str(family.colleague.pk)]})

    assert "Colin Colleague" in page
    assert "Olive Outsider" not in page
    assert refused.status_code == 200
    assert "Choose people you supervise from the list" in refused.content.decode()
    assert added.status_code == 302
    assert list(Record.objects.get(pk=record.pk).joint_rows.values_list("staff", flat=True)) == [
        family.colleague.pk
    ]
    edit = manager.get(reverse("records:edit", args=[record.pk])).content.decode()
    assert "Wanda Worker and Colin Colleague" in edit
    assert "Send to the supervisees" in edit
    # Only the supervisor changes it.
    assert client_for(family.worker).post(url, {"joint": []}).status_code == 403

    assert manager.post(url, {}).status_code == 302
    assert not JointSupervisee.objects.filter(session=record).exists()
    removed = AuditEvent.objects.get(object_type="supervision.jointsupervisee", action="delete")
    assert removed.detail["session"] == record.session_id


def test_it_tells_each_supervisee_and_signs_the_paper_for_each(family: Council) -> None:
    record = joint_record(family)
    for who in (family.worker, family.colleague):
        [told] = Notification.objects.filter(recipient=who, what__contains="sent to you to agree")
        assert told.path == reverse("records:detail", args=[record.pk]), who
    agree(record, family.worker)
    agree(record, family.colleague)

    paper = client_for(family.colleague).get(reverse("records:pdf", args=[record.pk]))
    text = pdf_text(paper.content)

    assert "Supervisees Wanda Worker, Colin Colleague (joint supervision)" in text
    assert "Wanda Worker Agreed the record on 11 June 2025" in text
    assert "Colin Colleague Agreed the record on 11 June 2025" in text
