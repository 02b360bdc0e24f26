"""Professional supervision records tagged with the Knowledge and Skills Statements, and a
person's coverage of them over twelve months (issue 16): "Professional records can tag
discussions and learning with the KSS statements; a person's coverage over the year is visible to
them and their supervisor." The statements are Newham's Appendix 9 (the practitioners', DfE 2014)
and the headings of the practice supervisors' statement Newham cites (DfE 2015)."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from oversight.audit.models import AuditEvent
from oversight.records.kss import (
    PRACTICE_SUPERVISORS,
    PRACTITIONERS,
    STATEMENTS,
    kss_coverage,
)
from oversight.records.models import LearningActivity, ProfessionalRecord, Record
from tests.council import Council, record, sent

pytestmark = pytest.mark.django_db


def tagged(
    org: Council,
    on: dt.date,
    codes: list[str],
    *,
    learning: dict[str, list[str]] | None = None,
    send: bool = True,
) -> Record:
    """A one-to-one of Wanda's with its discussion tagged `codes` and a learning activity per
    entry of `learning`, sent to her unless `send` is False."""
    found = record(org.manager, org.worker, on)
    professional = ProfessionalRecord.objects.get(session=found)
    professional.kss = codes
    professional.save()
    for activity, tags in (learning or {}).items():
        LearningActivity.objects.create(
            professional_record=professional, activity=activity, kss=tags
        )
    return sent(found) if send else found


def page(org: Council, who: str, staff_id: str, **query: str) -> Any:
    client = Client()
    client.force_login(org.users[who])
    return client.get(reverse("people:kss", args=[staff_id]), query)


def test_it_holds_the_statements_appendix_9_quotes_and_the_supervisors_headings() -> None:
    assert [s.title for s in PRACTITIONERS.statements][:3] == [
        "The role of child and family social work",
        "Child development",
        "Adult mental ill-health, substance misuse, domestic violence, physical ill-health and "
        "disability",
    ]
    assert len(PRACTITIONERS.statements) == 11
    assert STATEMENTS["cfsw-10"].title == "The role of supervision and research"
    assert STATEMENTS["cfsw-10"].text.startswith("Recognise own professional limitations")
    assert STATEMENTS["cfsw-11"].text.endswith("where this is not the case.")
    assert "Appendix 9" in PRACTITIONERS.source
    assert len(PRACTICE_SUPERVISORS.statements) == 8
    assert STATEMENTS["ps-7"].title == "Emotionally intelligent practice supervision"
    assert STATEMENTS["ps-7"].text == ""  # Newham quotes none of it


def test_it_lists_the_records_that_covered_each_statement_over_the_twelve_months(
    org: Council, frozen_today: dt.date
) -> None:
    march = tagged(org, dt.date(2025, 3, 4), ["cfsw-5", "cfsw-10"])
    may = tagged(
        org, dt.date(2025, 5, 6), ["cfsw-10"], learning={"Court skills course": ["cfsw-8"]}
    )
    tagged(org, dt.date(2024, 5, 30), ["cfsw-1"])  # before the twelve months
    tagged(org, dt.date(2025, 6, 3), ["cfsw-2"], send=False)  # a draft: may still change

    [found] = kss_coverage(org.worker, dt.date(2024, 7, 1), frozen_today)

    assert found.framework is PRACTITIONERS
    covered = {row.statement.code: row.discussions for row in found.statements if row.covered}
    assert set(covered) == {"cfsw-5", "cfsw-8", "cfsw-10"}
    assert [(d.record_pk, d.date) for d in covered["cfsw-10"]] == [
        (march.pk, dt.date(2025, 3, 4)),
        (may.pk, dt.date(2025, 5, 6)),
    ]
    assert [(d.record_pk, d.learning) for d in covered["cfsw-8"]] == [
        (may.pk, "Court skills course")
    ]
    assert found.covered == 3
    assert [s.code for s in found.not_covered] == [
        "cfsw-1",
        "cfsw-2",
        "cfsw-3",
        "cfsw-4",
        "cfsw-6",
        "cfsw-7",
        "cfsw-9",
        "cfsw-11",
    ]


def test_it_adds_the_practice_supervisors_statements_for_a_manager(
    org: Council, frozen_today: dt.date
) -> None:
    found = record(org.head, org.manager, dt.date(2025, 5, 1))
    professional = ProfessionalRecord.objects.get(session=found)
    professional.kss = ["ps-7", "cfsw-10"]
    professional.save()
    sent(found)

    practitioners, supervisors = kss_coverage(org.manager, dt.date(2024, 7, 1), frozen_today)

    assert supervisors.framework is PRACTICE_SUPERVISORS
    assert [r.statement.code for r in supervisors.statements if r.covered] == ["ps-7"]
    assert [r.statement.code for r in practitioners.statements if r.covered] == ["cfsw-10"]


def test_it_tags_the_discussion_and_each_learning_activity_on_the_professional_page(
    org: Council, frozen_today: dt.date
) -> None:
    draft = org.session(dt.date(2025, 6, 10))
    client = Client()
    client.force_login(org.manager_user)
    form = client.get(f"/records/{draft.pk}/write/professional/").content.decode()

    response = client.post(
        f"/records/{draft.pk}/write/professional/",
        {
            "welfare": "Settled after the court case.",
            "kss": ["cfsw-8", "cfsw-10"],
            "actions-TOTAL_FORMS": "0",
            "actions-INITIAL_FORMS": "0",
            "learning-TOTAL_FORMS": "1",
            "learning-INITIAL_FORMS": "0",
            "learning-0-activity": "Court skills course",
            "learning-0-kss": ["cfsw-8"],
        },
    )

    assert "Knowledge and skills statements discussed" in form
    assert "10. The role of supervision and research" in form
    assert "Emotionally intelligent practice supervision" not in form  # Wanda supervises nobody
    assert response.status_code == 302
    professional = ProfessionalRecord.objects.get(session=draft)
    assert professional.kss == ["cfsw-8", "cfsw-10"]
    assert LearningActivity.objects.get(professional_record=professional).kss == ["cfsw-8"]
    shown = client.get(f"/records/{draft.pk}/").content.decode()
    assert "8. The law and the family justice system" in shown
    assert "10. The role of supervision and research" in shown


def test_it_refuses_a_tag_that_is_not_one_of_the_statements_and_saves_nothing(
    org: Council, frozen_today: dt.date
) -> None:
    draft = org.session(dt.date(2025, 6, 10))
    client = Client()
    client.force_login(org.manager_user)

    response = client.post(
        f"/records/{draft.pk}/write/professional/",
        {
            "welfare": "Settled.",
            "kss": ["cfsw-99"],
            "actions-TOTAL_FORMS": "0",
            "actions-INITIAL_FORMS": "0",
            "learning-TOTAL_FORMS": "0",
            "learning-INITIAL_FORMS": "0",
        },
    )

    assert response.status_code == 200
    assert "Choose statements from the list" in response.content.decode()
    assert not ProfessionalRecord.objects.filter(session=draft).exists()


def test_it_shows_the_coverage_page_with_the_statements_not_yet_covered(
    org: Council, frozen_today: dt.date
) -> None:
    march = tagged(org, dt.date(2025, 3, 4), ["cfsw-5"])

    response = page(org, "worker", org.worker.staff_id)

    html = response.content.decode()
    assert response.status_code == 200
    assert "1 of 11</strong> statements covered" in html
    assert f'href="/records/{march.pk}/">4 March 2025</a>: discussion' in html
    assert html.count("Not yet covered</strong>") == 10
    assert "from 1 July 2024 to 11 June 2025" in html
    entry = AuditEvent.objects.filter(action="view", detail__page="kss").get()
    assert entry.object_id == str(org.worker.pk)
    assert (entry.detail["from"], entry.detail["to"]) == ("2024-07-01", "2025-06-11")


def test_it_shows_the_twelve_months_chosen_and_names_a_month_it_cannot_read(
    org: Council, frozen_today: dt.date
) -> None:
    tagged(org, dt.date(2025, 3, 4), ["cfsw-5"])

    earlier = page(org, "worker", org.worker.staff_id, ending="2025-02").content.decode()
    bad = page(org, "worker", org.worker.staff_id, ending="Feb").content.decode()
    future = page(org, "worker", org.worker.staff_id, ending="2025-09").content.decode()

    assert "0 of 11</strong> statements covered" in earlier  # March is after February
    assert "1 March 2024 to 28 February 2025" in earlier
    assert "is not a month" in bad
    assert "1 of 11</strong>" in bad
    assert "September 2025 is in the future" in future


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("worker", 200),  # the person
        ("manager", 200),  # their supervisor
        ("head", 200),  # and above
        ("colleague", 403),
        ("other_manager", 403),
        ("qa", 403),  # not quality assurance as such: it is between them and their managers
        ("hr", 403),
        ("support", 403),
    ],
)
def test_it_shows_coverage_to_the_person_and_the_managers_above_them_only(
    org: Council, frozen_today: dt.date, who: str, status: int
) -> None:
    assert page(org, who, org.worker.staff_id).status_code == status
    assert page(org, who, "NO-SUCH-ID").status_code == 403
