"""An agreed frequency stored before frequencies were checked (999999999d, "fortnight") does not
stop the pages that work out the person's supervision: it counts as no agreed frequency, so the
policy's applies, and `oversight check --database default` lists it with how to put it right."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import time_machine
from django.core import checks
from django.test import Client
from django.urls import reverse

from oversight.facts.from_database import load_facts
from oversight.facts.live import staff_obligations
from oversight.organisation.models import Staff
from oversight.supervision.models import Agreement
from tests.council import DAY, NOW, Council, signed_agreement, signed_agreement_between

pytestmark = pytest.mark.django_db


def stored_unchecked(agreement: Agreement, frequency: str) -> Agreement:
    """As an agreement stored before frequencies were checked: written past the model's checks."""
    Agreement.objects.filter(pk=agreement.pk).update(frequency=frequency)
    agreement.refresh_from_db()
    return agreement


def frequency_warnings() -> list[checks.CheckMessage]:
    found = checks.run_checks(databases=["default"])
    return [message for message in found if message.id == "oversight.W002"]


def agreement_obligations(staff: Staff, today: dt.date) -> list[Any]:
    return [
        o
        for o in staff_obligations([staff], today)[staff.staff_id]
        if o.obligation != "supervision_agreement"
    ]


@pytest.mark.parametrize("frequency", ["999999999d", "fortnight", "0d", "14 days"])
def test_it_loads_an_unreadable_frequency_as_no_agreed_frequency(
    org: Council, frequency: str
) -> None:
    stored_unchecked(signed_agreement(org, frequency="14d"), frequency)

    (loaded,) = load_facts(staff=Staff.objects.filter(pk=org.worker.pk)).agreements

    assert loaded.staff_id == org.worker.staff_id
    assert loaded.frequency is None


def test_it_still_loads_a_readable_frequency_as_it_is(org: Council) -> None:
    signed_agreement(org, frequency="14d")

    (loaded,) = load_facts(staff=Staff.objects.filter(pk=org.worker.pk)).agreements

    assert loaded.frequency == "14d"


def test_it_gives_the_policys_supervision_dates_for_an_unreadable_frequency(
    org: Council, frozen_today: dt.date
) -> None:
    following_policy = agreement_obligations(org.worker, frozen_today)
    stored_unchecked(signed_agreement(org, frequency="14d"), "999999999d")

    assert agreement_obligations(org.worker, frozen_today) == following_policy


PAGES = {
    "worker's My work": ("worker", lambda org: reverse("home")),
    "worker's agreements": (
        "worker",
        lambda org: reverse("agreements:staff", args=[org.worker.pk]),
    ),
    "agreements list": ("worker", lambda org: reverse("agreements:list")),
    "manager's My work": ("manager", lambda org: reverse("home")),
    "team": ("manager", lambda org: reverse("mywork:team", args=[org.team.pk])),
    "actions": ("manager", lambda org: reverse("mywork:actions")),
    "new agreement": ("manager", lambda org: reverse("agreements:new", args=[org.worker.pk])),
    "reassign": ("head", lambda org: reverse("people:reassign", args=[org.manager.staff_id])),
}


@pytest.mark.parametrize("page", sorted(PAGES))
def test_it_still_opens_the_pages_that_work_out_their_supervision(
    org: Council, frozen_today: dt.date, page: str
) -> None:
    who, address = PAGES[page]
    agreement = stored_unchecked(signed_agreement(org, frequency="14d"), "999999999d")
    client = Client()
    client.force_login(org.user(who))

    response = client.get(address(org))
    detail = client.get(reverse("agreements:detail", args=[agreement.pk]))

    assert response.status_code == 200
    assert detail.status_code == 200


def test_the_check_names_the_agreement_and_says_how_to_put_it_right(
    org: Council, frozen_today: dt.date
) -> None:
    agreement = stored_unchecked(signed_agreement(org, frequency="14d"), "999999999d")

    (warning,) = frequency_warnings()

    assert warning.level == checks.WARNING
    assert warning.obj == agreement
    assert warning.msg == (
        f"The supervision agreement for Wanda Worker (WA) signed 11 June 2025 (agreement "
        f"{agreement.pk}) has the frequency '999999999d', which cannot be read, so the policy's "
        "frequency applies to them."
    )
    assert warning.hint == (
        "Ask Tamsin Manager to agree a new one with Wanda Worker, with a frequency such as 14d "
        "or 1m, or empty to follow the policy (Agreements, then their name). A signed agreement "
        "is kept as it was signed, never edited."
    )


def test_the_check_passes_readable_empty_and_replaced_frequencies(
    org: Council, frozen_today: dt.date
) -> None:
    stored_unchecked(signed_agreement(org, frequency="14d"), "999999999d")
    with time_machine.travel(NOW + DAY, tick=False):
        signed_agreement(org, frequency="1m")  # the fix: a new agreement, signed later
    signed_agreement_between(org.colleague, org.manager, frequency="")
    signed_agreement_between(org.outsider, org.other_manager, frequency="2w")

    assert frequency_warnings() == []


def test_the_check_reads_the_database_only_when_given_one(org: Council) -> None:
    stored_unchecked(signed_agreement(org, frequency="14d"), "999999999d")

    without_database = checks.run_checks()

    assert [m for m in without_database if m.id == "oversight.W002"] == []
    assert len(frequency_warnings()) == 1
