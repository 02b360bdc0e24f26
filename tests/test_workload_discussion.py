"""The workload discussion in the professional record (issue 16: the supervisor "records the
workload discussion in the professional record"; B 1.3: professional supervision "provides an
opportunity to review workers' current case load and ensures that this is within the individual's
professional competency and capacity"). The form shows the supervisee's caseload that day against
the council's threshold (the one definition, `caseload_of`); the record page and its PDF show it
with the answer about capacity and the notes."""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

import pytest
from django.test import Client
from pypdf import PdfReader

from oversight.facts.live import caseload_threshold
from oversight.records.models import Capacity, ProfessionalRecord
from tests.council import Council, record, sent
from tests.factories import AllocationFactory, CaseFactory, CaseStatusFactory

pytestmark = pytest.mark.django_db


def holding(org: Council, children: int, *, on_plan: int = 0) -> None:
    """Wanda holds `children` children from 2024, the first `on_plan` on a protection plan."""
    for n in range(children):
        case = CaseFactory(case_id=f"C-{n}", display_name=f"Child {n}")
        AllocationFactory(case=case, worker=org.worker, start_date=dt.date(2024, 1, 8))
        status = "child_protection" if n < on_plan else "child_in_need"
        CaseStatusFactory(case=case, status=status, start_date=dt.date(2024, 1, 8))


def threshold() -> int:
    """The council's threshold (Bedford's, the default policy: 18 children, B 1.3)."""
    return caseload_threshold().children


def manager_client(org: Council) -> Client:
    client = Client()
    client.force_login(org.manager_user)
    return client


def professional_post(**fields: Any) -> dict[str, Any]:
    return {
        "actions-TOTAL_FORMS": "0",
        "actions-INITIAL_FORMS": "0",
        "learning-TOTAL_FORMS": "0",
        "learning-INITIAL_FORMS": "0",
        **fields,
    }


def test_it_shows_the_supervisees_caseload_that_day_on_the_form(
    org: Council, frozen_today: dt.date
) -> None:
    holding(org, 23, on_plan=4)
    draft = org.session(dt.date(2025, 6, 10))

    form = manager_client(org).get(f"/records/{draft.pk}/write/professional/").content.decode()

    assert "Wanda Worker held 23 children on 10 June 2025, 4 on a child protection plan" in form
    assert f"The council's threshold is {threshold()} (B 1.3)" in form
    assert "Over the threshold" in form
    assert f'href="/people/{org.worker.staff_id}/caseload/"' in form
    assert "Is the caseload within the supervisee&#x27;s competence and capacity?" in form


def test_it_records_whether_the_caseload_is_within_capacity_with_the_notes(
    org: Council, frozen_today: dt.date
) -> None:
    holding(org, 23)
    draft = org.session(dt.date(2025, 6, 10))
    client = manager_client(org)

    response = client.post(
        f"/records/{draft.pk}/write/professional/",
        professional_post(
            within_capacity="no",
            workload="Three over the threshold; no new allocations until the court case ends.",
        ),
    )

    assert response.status_code == 302
    professional = ProfessionalRecord.objects.get(session=draft)
    assert professional.within_capacity == Capacity.NO
    page = client.get(f"/records/{draft.pk}/").content.decode()
    assert "Caseload on 10 June 2025" in page
    assert (
        f"23 children, 0 on a child protection plan; the council's threshold is {threshold()}"
        in (page)
    )
    assert "Within competence and capacity?</dt>" in page
    assert '<dd class="govuk-summary-list__value">No</dd>' in page
    assert "no new allocations until the court case ends" in page


def test_it_refuses_an_answer_that_is_not_yes_or_no(org: Council, frozen_today: dt.date) -> None:
    draft = org.session(dt.date(2025, 6, 10))

    response = manager_client(org).post(
        f"/records/{draft.pk}/write/professional/", professional_post(within_capacity="maybe")
    )

    assert response.status_code == 200
    assert not ProfessionalRecord.objects.filter(session=draft).exists()


def test_it_shows_the_caseload_of_the_day_of_the_session_not_of_today(
    org: Council, frozen_today: dt.date
) -> None:
    holding(org, 3)
    later = CaseFactory(case_id="C-LATER", display_name="Later child")
    AllocationFactory(case=later, worker=org.worker, start_date=dt.date(2025, 5, 1))
    old = record(org.manager, org.worker, dt.date(2025, 3, 12))
    professional = ProfessionalRecord.objects.get(session=old)
    professional.within_capacity = Capacity.YES
    professional.save()
    sent(old)

    client = Client()
    client.force_login(org.worker_user)
    page = client.get(f"/records/{old.pk}/").content.decode()

    assert "Caseload on 12 March 2025" in page
    assert "3 children, 0 on a child protection plan" in page
    assert '<dd class="govuk-summary-list__value">Yes</dd>' in page


def test_it_shows_no_caseload_for_someone_who_holds_no_cases(
    org: Council, frozen_today: dt.date
) -> None:
    draft = record(org.head, org.manager, dt.date(2025, 6, 10))
    client = Client()
    client.force_login(org.head.user)

    form = client.get(f"/records/{draft.pk}/write/professional/").content.decode()

    assert "Caseload and workload" in form
    assert "child protection plan" not in form
    assert "Is the caseload within the supervisee&#x27;s competence and capacity?" in form


def test_it_prints_the_workload_discussion_on_the_record_on_paper(
    org: Council, frozen_today: dt.date
) -> None:
    holding(org, 21, on_plan=2)
    draft = record(org.manager, org.worker, dt.date(2025, 6, 4))
    professional = ProfessionalRecord.objects.get(session=draft)
    professional.within_capacity = Capacity.NO
    professional.workload = "One over the threshold: a transfer to the Court Team agreed."
    professional.save()

    pdf = manager_client(org).get(f"/records/{draft.pk}/pdf/")

    text = " ".join(
        "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages).split()
    )
    assert pdf.status_code == 200
    assert "Caseload on 4 June 2025" in text
    assert "21 children, 2 on a child protection plan" in text
    assert "Within competence and capacity? No" in text
    assert "a transfer to the Court Team agreed" in text
