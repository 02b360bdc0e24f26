"""Twice-yearly evidence (N 8.1, issue 14): each manager's line manager sees, twice a year, the
manager's agreements and a sample of their records, and records that they reviewed them. It is an
obligation like any other, owned by the manager's line manager, once a council switches the kind
on in its own policy file (the presets show the lines to add)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from oversight.audit.models import AuditEvent
from oversight.engine.engine import Obligation
from oversight.facts.from_database import load_facts
from oversight.facts.owned import owned_obligations
from oversight.obligations.store import differences, ensure_current
from oversight.organisation.models import Staff
from oversight.quality.evidence import SAMPLE_SIZE
from oversight.quality.models import EvidenceReview
from oversight.quality.sampling import draw
from oversight.records.models import Record
from oversight.reminders.due import Describer, reminders_due
from tests.council import TODAY, Council, days_ago, record, sent, signed_agreement
from tests.engine.test_manager_evidence_review import policy_text_with_evidence_review

pytestmark = pytest.mark.django_db

REVIEW = "manager_evidence_review"


@pytest.fixture(autouse=True)
def evidence_policy(settings: Any, tmp_path: Path) -> None:
    """Newham's preset with the review switched on, as a council's own policy file."""
    path = tmp_path / "ours.toml"
    path.write_text(policy_text_with_evidence_review("newham"), encoding="utf-8")
    settings.OVERSIGHT_POLICY = str(path)


def review_of(owner: Staff, manager: Staff) -> Obligation | None:
    owned = owned_obligations([owner], TODAY)
    return next(
        (
            o
            for o in owned.of(owner.staff_id)
            if o.obligation == REVIEW and o.subject_id == manager.staff_id
        ),
        None,
    )


def signed_in(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page(org: Council) -> str:
    return reverse("people:evidence", args=[org.manager.staff_id])


def records_of_the_manager(org: Council) -> list[Record]:
    """Seven records Tamsin led in the last six months, and one from before them."""
    made = [sent(record(org.manager, org.worker, days_ago(7 * n + 1))) for n in range(7)]
    sent(record(org.manager, org.colleague, TODAY - dt.timedelta(days=200)))
    return made


# The obligation ---------------------------------------------------------------------------------


def test_it_gives_the_line_manager_the_review_of_each_manager_who_manages_someone(
    org: Council, frozen_today: dt.date
) -> None:
    tamsin = review_of(org.head, org.manager)

    assert tamsin is not None
    # Tamsin has managed Wanda and Colin since 8 Jan 2024, and was never reviewed.
    assert (tamsin.due_date, tamsin.status, tamsin.last_met) == (
        dt.date(2024, 7, 8),
        "overdue",
        None,
    )
    assert tamsin.rule.endswith("8.1")
    assert "Manages 2 people, since 8 Jan 2024" in tamsin.explanation
    # Nobody else owns it, and a worker (who manages nobody) owes none.
    assert review_of(org.manager, org.manager) is None
    assert review_of(org.head, org.worker) is None


def test_my_work_links_the_review_to_the_evidence_page(org: Council, frozen_today: dt.date) -> None:
    response = signed_in(org.head.user).get("/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Managers&#x27; supervision evidence to review" in html
    assert f'href="{page(org)}"' in html
    assert "Review their supervision evidence" in html


def test_recording_a_review_meets_it_and_the_store_updates(
    org: Council, frozen_today: dt.date
) -> None:
    records_of_the_manager(org)
    ensure_current(TODAY)

    response = signed_in(org.head.user).post(
        page(org), {"seed": "42", "comments": "Agreements in place; records timely."}
    )

    assert response.status_code == 302
    tamsin = review_of(org.head, org.manager)
    assert tamsin is not None
    assert (tamsin.due_date, tamsin.status, tamsin.last_met) == (
        dt.date(2025, 12, 11),
        "ok",
        TODAY,
    )
    assert differences(TODAY) == []
    # The engine's facts (and so `oversight obligations`) carry the review.
    [fact] = load_facts(as_of=TODAY).evidence_reviews
    assert (fact.staff_id, fact.reviewer_id, fact.date) == ("MA", "H1", TODAY)


def test_the_review_keeps_the_seed_the_records_drawn_the_agreements_and_an_audit_entry(
    org: Council, frozen_today: dt.date
) -> None:
    made = records_of_the_manager(org)
    agreement = signed_agreement(org)

    signed_in(org.head.user).post(page(org), {"seed": "42", "comments": "Looked at all five."})

    review = EvidenceReview.objects.get()
    expected = draw([r.session_id for r in made], 42, SAMPLE_SIZE)
    assert (review.manager, review.reviewer, review.reviewed_on, review.seed) == (
        org.manager,
        org.head,
        TODAY,
        42,
    )
    assert sorted(review.records.values_list("session_id", flat=True)) == sorted(expected)
    assert list(review.agreements.all()) == [agreement]
    assert review.comments == "Looked at all five."
    entry = AuditEvent.objects.filter(action="create", object_type="quality.evidencereview").get()
    assert entry.detail["records"] == expected
    assert entry.detail["seed"] == 42


# The page ---------------------------------------------------------------------------------------


def test_the_page_shows_the_agreements_and_a_sample_of_the_last_six_months(
    org: Council, frozen_today: dt.date
) -> None:
    made = records_of_the_manager(org)
    signed_agreement(org)
    client = signed_in(org.head.user)

    html = client.get(page(org) + "?seed=42").content.decode()

    assert "Review Tamsin Manager\N{RIGHT SINGLE QUOTATION MARK}s supervision evidence" in html
    assert "Wanda Worker" in html
    assert "Colin Colleague" in html
    assert "No agreement" in html  # Colin has none
    drawn = draw([r.session_id for r in made], 42, SAMPLE_SIZE)
    shown = [r for r in made if reverse("records:detail", args=[r.pk]) in html]
    assert sorted(r.session_id for r in shown) == sorted(drawn)
    assert 'name="seed" value="42"' in html
    # The same number draws the same records again.
    again = client.get(page(org) + "?seed=42").content.decode()
    assert [r for r in made if reverse("records:detail", args=[r.pk]) in again] == shown
    viewed = AuditEvent.objects.filter(action="view", object_type="organisation.staff").last()
    assert viewed is not None
    assert viewed.detail["page"] == "supervision evidence"


def test_the_managers_supervision_file_links_to_the_review(
    org: Council, frozen_today: dt.date
) -> None:
    link = f'href="{page(org)}"'
    file_page = reverse("files:detail", args=[org.manager.staff_id])

    assert link in signed_in(org.head.user).get(file_page).content.decode()
    assert link not in signed_in(org.manager.user).get(file_page).content.decode()


def test_the_page_lists_the_reviews_before(org: Council, frozen_today: dt.date) -> None:
    client = signed_in(org.head.user)
    client.post(page(org), {"seed": "7", "comments": "First look:\nall agreements signed."})

    html = client.get(page(org)).content.decode()

    assert "Reviews before" in html
    assert "First look:<br>all agreements signed." in html
    assert "records drawn with number 7" in html


# Who may review ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("who", "allowed"),
    [
        ("head", True),
        ("manager", False),  # nobody reviews their own evidence
        ("worker", False),
        ("other_manager", False),
        ("chairs_manager", False),
        ("qa", False),
        ("support", False),
        ("admin", False),
    ],
)
def test_only_the_managers_line_management_chain_may_open_it(
    org: Council, frozen_today: dt.date, who: str, allowed: bool
) -> None:
    client = signed_in(org.users[who])

    status = client.get(page(org)).status_code
    posted = client.post(page(org), {"seed": "1", "comments": "Fine."}).status_code

    assert (status == 200, posted == 302) == (allowed, allowed)
    assert EvidenceReview.objects.exists() == allowed


# Bad input --------------------------------------------------------------------------------------


def test_it_asks_for_what_was_found_and_writes_nothing_without_it(
    org: Council, frozen_today: dt.date
) -> None:
    response = signed_in(org.head.user).post(page(org), {"seed": "42", "comments": "   "})

    assert response.status_code == 200
    assert "Enter what you found in the agreements and the records" in response.content.decode()
    assert not EvidenceReview.objects.exists()


def test_it_refuses_a_seed_that_is_not_a_number_and_writes_nothing(
    org: Council, frozen_today: dt.date
) -> None:
    response = signed_in(org.head.user).post(page(org), {"seed": "abc", "comments": "Fine."})

    html = response.content.decode()
    assert response.status_code == 200
    assert "The sample&#x27;s seed must be a whole number from 0 to 999999" in html
    assert not EvidenceReview.objects.exists()


def test_it_refuses_a_review_of_someone_who_manages_nobody(
    org: Council, frozen_today: dt.date
) -> None:
    colleague = reverse("people:evidence", args=[org.colleague.staff_id])
    client = signed_in(org.head.user)

    shown = client.get(colleague).content.decode()
    response = client.post(colleague, {"seed": "1", "comments": "Fine."})

    assert "Record that I have reviewed this" not in shown
    assert "Colin Colleague does not manage anyone today" in response.content.decode()
    assert not EvidenceReview.objects.exists()


def test_the_reminder_names_the_review_and_leads_to_the_evidence_page(
    org: Council, frozen_today: dt.date
) -> None:
    owned = owned_obligations([org.head], TODAY)
    mine = [o for o in owned.of(org.head.staff_id) if o.obligation == REVIEW]

    [item] = [i for i in reminders_due(mine, TODAY, Describer(owned)) if "MA" in i.about]

    assert item.what == "Review of the supervision evidence of Tamsin Manager"
    assert item.path == page(org)
