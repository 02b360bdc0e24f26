"""The chair-review impact report (issue 16, part 5; B 4): for a chosen 12 months, the children
whose child protection plans reached 8 months, whether the conference chair's dedicated
supervision happened in time, and what followed, in total, by chair and by team; as a page, CSV,
XLSX and PDF."""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import io
from collections import Counter
from collections.abc import Iterator
from io import StringIO
from typing import Any

import openpyxl
import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import Client, override_settings
from django.urls import reverse

from oversight.audit.models import AuditEvent
from oversight.cases.chair_reviews import (
    NO_CHAIR,
    ChairSession,
    PeriodError,
    Plan,
    chair_rule,
    summarise,
    twelve_months_ending,
)
from oversight.cases.models import CaseEvent, CaseStatus
from oversight.supervision.models import Session, SessionCase, SessionEvent
from tests.council import Council
from tests.factories import (
    AllocationFactory,
    CaseFactory,
    CaseStatusFactory,
    SessionFactory,
)

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def months_after(day: dt.date, months: int) -> dt.date:
    """Calendar months on, clamped to the month's end (written here again, not imported)."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    return dt.date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def rule() -> Any:
    found = chair_rule()
    assert found is not None, "the tests run with Bedford's policy, which has the chair review"
    return found


# Plain facts ---------------------------------------------------------------------------------

PERIOD = twelve_months_ending("2025-03")  # April 2024 to March 2025
AS_OF = dt.date(2026, 1, 15)


def plan(
    case_id: str, start: dt.date, end: dt.date | None = None, team: str = "Team 1", **kw: Any
) -> Plan:
    return Plan(1, case_id, case_id, start, end, team, "A worker", **kw)


def chair(day: dt.date, name: str = "Efua") -> ChairSession:
    return ChairSession(day, name[:2].upper(), name)


def test_it_takes_the_twelve_months_ending_with_the_month_chosen() -> None:
    assert PERIOD.first == dt.date(2024, 4, 1)
    assert PERIOD.last == dt.date(2025, 3, 31)
    assert str(PERIOD) == "April 2024 to March 2025"


@pytest.mark.parametrize("text", ["2025-13", "March 2025", "", "2025-3-1", "-1"])
def test_it_refuses_a_month_that_is_not_one_with_the_fix(text: str) -> None:
    with pytest.raises(PeriodError, match=r"is not a month\. Choose the last month"):
        twelve_months_ending(text)


def test_it_counts_only_plans_that_reached_8_months_in_the_period() -> None:
    plans = [
        plan("IN", dt.date(2024, 1, 10)),  # 8 months on 10 Sep 2024
        plan("BEFORE", dt.date(2023, 7, 31)),  # 8 months on 31 Mar 2024: before April
        plan("AFTER", dt.date(2024, 8, 1)),  # 8 months on 1 Apr 2025: after March
        plan("ENDED", dt.date(2024, 1, 10), end=dt.date(2024, 9, 9)),  # ended a day short
        plan("LAST_DAY", dt.date(2024, 7, 31)),  # 8 months on 31 Mar 2025
    ]

    found = summarise(plans, rule(), PERIOD, AS_OF)

    assert [r.plan.case_id for r in found.rows] == ["IN", "LAST_DAY"]
    assert found.totals["children"] == 2


def test_it_says_whether_the_chair_review_was_in_time_late_or_not_held() -> None:
    start = dt.date(2024, 1, 10)  # window opens 10 Aug, due 10 Sep 2024
    plans = [
        plan("EARLY_ONLY", start, chair_sessions=(chair(dt.date(2024, 8, 9)),)),
        plan("OPENING", start, chair_sessions=(chair(dt.date(2024, 8, 10)),)),
        plan("DUE_DAY", start, chair_sessions=(chair(dt.date(2024, 9, 10), "Ravi"),)),
        plan("LATE", start, chair_sessions=(chair(dt.date(2024, 9, 11)),)),
        plan("FUTURE", start, chair_sessions=(chair(AS_OF + dt.timedelta(days=1)),)),
    ]

    found = summarise(plans, rule(), PERIOD, AS_OF)

    review = {r.plan.case_id: (r.review, r.chair) for r in found.rows}
    assert review == {
        "EARLY_ONLY": ("not_held", NO_CHAIR),  # before the window: not the 8-month review
        "OPENING": ("in_time", "Efua"),
        "DUE_DAY": ("in_time", "Ravi"),
        "LATE": ("late", "Efua"),
        "FUTURE": ("not_held", NO_CHAIR),  # not yet held on the day asked
    }
    assert (found.totals["in_time"], found.totals["late"], found.totals["not_held"]) == (2, 1, 2)
    by_chair = {c.name: (c["children"], c["in_time"], c["late"]) for c in found.by_chair}
    assert by_chair == {"Efua": (2, 1, 1), "Ravi": (1, 1, 0), NO_CHAIR: (2, 0, 0)}
    assert found.by_chair[-1].name == NO_CHAIR


def test_it_says_what_followed_at_9_months_and_by_12() -> None:
    start = dt.date(2024, 1, 10)  # 9 months on 10 Oct 2024; 12 months on 10 Jan 2025
    plans = [
        plan("ENDED_AT_NINE", start, end=dt.date(2024, 10, 9), team="Team 1"),
        plan("ENDED_AT_ELEVEN", start, end=dt.date(2024, 12, 1), team="Team 1"),
        plan("STILL_ON", start, team="Team 2"),
        plan("PRE", start, legal_planning=(dt.date(2024, 11, 1),), team="Team 2"),
        plan(
            "PROCEEDINGS",
            start,
            end=dt.date(2024, 12, 1),
            legal_planning=(dt.date(2024, 10, 20),),
            proceedings=(dt.date(2024, 12, 1),),
            team="Team 2",
        ),
        # A legal planning meeting before the chair review's window, or after 12 months, is not
        # what followed the review.
        plan("OLD_MEETING", start, legal_planning=(dt.date(2024, 5, 1), dt.date(2025, 2, 1))),
    ]

    found = summarise(plans, rule(), PERIOD, AS_OF)

    rows = {r.plan.case_id: (r.nine, r.twelve, r.outcome) for r in found.rows}
    assert rows == {
        "ENDED_AT_NINE": ("ended", "ended", "ended"),
        "ENDED_AT_ELEVEN": ("continued", "ended", "ended"),
        "STILL_ON": ("continued", "on_plan", "on_plan"),
        "PRE": ("continued", "on_plan", "pre_proceedings"),
        "PROCEEDINGS": ("continued", "ended", "proceedings"),
        "OLD_MEETING": ("continued", "on_plan", "on_plan"),
    }
    totals = found.totals
    assert totals["ended_by_nine"] == 1
    assert totals["continued_at_nine"] == 5
    assert totals["pre_proceedings"] == 2  # PRE and PROCEEDINGS both had a meeting
    assert totals["proceedings"] == 1
    assert totals["on_plan_at_twelve"] == 3
    assert totals["ended_by_twelve"] == 3
    assert dict(found.outcomes)["Escalated to pre-proceedings"] == 1
    teams = {t.name: t["children"] for t in found.by_team}
    assert teams == {"Team 1": 3, "Team 2": 3}


def test_it_does_not_guess_what_has_not_happened_yet() -> None:
    start = dt.date(2024, 7, 5)  # 8 months on 5 Mar 2025; 9 on 5 Apr; asked on 20 Mar
    found = summarise([plan("RECENT", start)], rule(), PERIOD, dt.date(2025, 3, 20))

    [row] = found.rows
    assert (row.nine, row.twelve, row.outcome) == ("not_yet", "not_yet", "not_yet")
    assert found.totals["not_yet_twelve"] == 1
    assert found.totals["continued_at_nine"] == 0


# The page ------------------------------------------------------------------------------------


def review_children(org: Council) -> dict[str, Any]:
    """Three children of the worker whose plans reached 8 months in the 12 months to May 2025:
    one reviewed in time by the chair, one late, one not at all and then taken to proceedings;
    and one of the outsider's, reviewed in time."""
    start = dt.date(2024, 1, 15)  # 8 months on 15 Sep 2024
    made: dict[str, Any] = {}
    for case_id, holder in [
        ("C-ON-TIME", org.worker),
        ("C-LATE", org.worker),
        ("C-NONE", org.worker),
        ("C-OTHER", org.outsider),
    ]:
        case = CaseFactory(case_id=case_id, display_name=case_id.title(), open_date=start)
        AllocationFactory(case=case, worker=holder, start_date=start)
        CaseStatusFactory(case=case, status="child_protection", start_date=start)
        made[case_id] = case
    CaseStatus.objects.filter(case=made["C-NONE"]).update(end_date=dt.date(2024, 11, 1))
    CaseStatusFactory(
        case=made["C-NONE"], status="care_proceedings", start_date=dt.date(2024, 11, 2)
    )
    for day, cases in [
        (dt.date(2024, 9, 2), ["C-ON-TIME", "C-OTHER"]),
        (dt.date(2024, 9, 30), ["C-LATE"]),
    ]:
        session = SessionFactory(
            type="conference_chair", date=day, supervisor=org.chairs_manager, supervisee=org.chair
        )
        for case_id in cases:
            SessionCase.objects.create(session=session, case=made[case_id])
    return made


def get(org: Council, who: str, name: str, *args: str, query: str = "") -> Any:
    client = Client()
    client.force_login(org.users[who])
    return client.get(reverse(name, args=args) + query)


def rows_of(response: Any) -> list[dict[str, str]]:
    text = b"".join(response.streaming_content if response.streaming else [response.content])
    return list(csv.DictReader(io.StringIO(text.decode("utf-8-sig"))))


@pytest.mark.django_db
def test_it_shows_the_chairs_manager_the_figures_by_chair_and_team(
    org: Council, frozen_today: dt.date
) -> None:
    review_children(org)

    response = get(org, "chairs_manager", "chair_reviews:report", query="?ending=2025-05")

    assert response.status_code == 200
    page = response.content.decode()
    assert "June 2024 to May 2025" in page
    figures = {
        (r["Group"], r["Name"]): r
        for r in rows_of(
            get(
                org,
                "chairs_manager",
                "chair_reviews:download",
                "figures",
                "csv",
                query="?ending=2025-05",
            )
        )
    }
    everyone = figures[("All", "All children")]
    assert everyone["Plans reaching 8 months"] == "4"
    assert everyone["Chair review in time"] == "2"
    assert everyone["Chair review late"] == "1"
    assert everyone["Chair review not held"] == "1"
    assert everyone["Escalated to proceedings"] == "1"
    assert everyone["Still on a plan at 12 months"] == "3"
    assert figures[("Chair", "Efua Edwards")]["Plans reaching 8 months"] == "3"
    assert figures[("Chair", NO_CHAIR)]["Escalated to proceedings"] == "1"
    assert figures[("Team", "Court Team 1")]["Plans reaching 8 months"] == "3"
    assert figures[("Team", "Assessment Team 1")]["Chair review in time"] == "1"


@pytest.mark.django_db
def test_it_lists_by_name_only_the_children_the_user_may_see(
    org: Council, frozen_today: dt.date
) -> None:
    review_children(org)

    head = get(org, "head", "chair_reviews:report", query="?ending=2025-05").content.decode()
    chairs_manager = get(
        org, "chairs_manager", "chair_reviews:report", query="?ending=2025-05"
    ).content.decode()
    listed = rows_of(
        get(org, "head", "chair_reviews:download", "children", "csv", query="?ending=2025-05")
    )

    assert reverse("mywork:child", args=["C-ON-TIME"]) in head
    assert {r["Child ID"] for r in listed} == {"C-ON-TIME", "C-LATE", "C-NONE", "C-OTHER"}
    # The chairs' manager holds no children and manages no one who does: the figures, no names.
    assert "C-ON-TIME" not in chairs_manager
    assert "4 more children are counted in the figures but not listed" in chairs_manager


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("ending", "message"),
    [
        ("2025-13", "&#x27;2025-13&#x27; is not a month. Choose the last month of the 12"),
        ("2027-01", "January 2027 is in the future"),
        ("2025-12", "December 2025 is in the future"),  # begins before today, ends after
    ],
)
def test_it_names_a_bad_month_and_shows_the_latest_twelve(
    org: Council, frozen_today: dt.date, ending: str, message: str
) -> None:
    response = get(org, "qa", "chair_reviews:report", query=f"?ending={ending}")

    page = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in page
    assert message in page
    assert "June 2024 to May 2025" in page  # the latest full twelve months, before June 2025
    download = get(org, "qa", "chair_reviews:download", "figures", "csv", query=f"?ending={ending}")
    assert download.status_code == 404


@pytest.mark.django_db
def test_it_refuses_people_who_are_not_the_chairs_manager_heads_or_qa(
    org: Council, frozen_today: dt.date
) -> None:
    for who in ("worker", "manager", "chair", "support", "hr"):
        assert get(org, who, "chair_reviews:report").status_code == 403, who
    for who in ("chairs_manager", "head", "qa"):
        assert get(org, who, "chair_reviews:report").status_code == 200, who


@pytest.mark.django_db
def test_it_gives_the_same_figures_as_xlsx_and_a_pdf_and_audits_each(
    org: Council, frozen_today: dt.date
) -> None:
    review_children(org)

    xlsx = get(org, "head", "chair_reviews:download", "figures", "xlsx", query="?ending=2025-05")
    pdf = get(org, "head", "chair_reviews:pdf", query="?ending=2025-05")
    get(org, "head", "chair_reviews:report", query="?ending=2025-05")

    sheet = openpyxl.load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet is not None
    first = [cell.value for cell in sheet[2]]
    assert first[:3] == ["All", "All children", 4]  # counts are numbers a spreadsheet can add
    assert pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    events = AuditEvent.objects.filter(object_type="chair_review_report").order_by("pk")
    assert [(e.action, e.detail.get("format")) for e in events] == [
        ("download", "xlsx"),
        ("download", "pdf"),
        ("view", None),
    ]
    assert {e.object_id for e in events} == {"2025-05"}


@pytest.mark.django_db
def test_it_neutralises_a_name_that_would_be_a_formula(org: Council, frozen_today: dt.date) -> None:
    made = review_children(org)
    made["C-ON-TIME"].display_name = "=HYPERLINK(1)"
    made["C-ON-TIME"].save()

    listed = rows_of(
        get(org, "head", "chair_reviews:download", "children", "csv", query="?ending=2025-05")
    )

    assert {r["Child"] for r in listed} >= {"'=HYPERLINK(1)"}


# The demo council ------------------------------------------------------------------------------

DEMO_AS_OF = dt.date(2026, 6, 30)
ENDING = "2026-03"  # April 2025 to March 2026


@pytest.fixture(scope="module")
def demo_council(django_db_setup: Any, django_db_blocker: Any) -> Iterator[None]:
    with (
        django_db_blocker.unblock(),
        override_settings(PASSWORD_HASHERS=FAST_HASHER),
        transaction.atomic(),
    ):
        call_command("demo", "--seed", "1", "--as-of", DEMO_AS_OF.isoformat(), stdout=StringIO())
        yield
        transaction.set_rollback(True)


def expected_from_rows(first: dt.date, last: dt.date, as_of: dt.date) -> Counter[str]:
    """The report's totals worked out again from the database rows, step by step."""
    cancelled = set(
        SessionEvent.objects.filter(kind="cancelled").values_list("session_id", flat=True)
    )
    booked = set(SessionEvent.objects.filter(kind="booked").values_list("session_id", flat=True))
    held = set(SessionEvent.objects.filter(kind="held").values_list("session_id", flat=True))
    reviews: dict[int, list[dt.date]] = {}
    for session_pk, case_pk, day in SessionCase.objects.filter(
        session__type="conference_chair"
    ).values_list("session_id", "case_id", "session__date"):
        if session_pk in cancelled or (session_pk in booked and session_pk not in held):
            continue
        reviews.setdefault(case_pk, []).append(day)
    meetings: dict[int, list[dt.date]] = {}
    for case_pk, day in CaseEvent.objects.filter(event="legal_planning").values_list(
        "case_id", "date"
    ):
        meetings.setdefault(case_pk, []).append(day)
    proceedings: dict[int, list[dt.date]] = {}
    for case_pk, day in CaseStatus.objects.filter(status="care_proceedings").values_list(
        "case_id", "start_date"
    ):
        proceedings.setdefault(case_pk, []).append(day)

    counts: Counter[str] = Counter()
    for status in CaseStatus.objects.filter(status="child_protection"):
        start, end = status.start_date, status.end_date
        eight = months_after(start, 8)
        if not (first <= eight <= min(last, as_of)) or (end is not None and end < eight):
            continue
        counts["children"] += 1
        opens, twelve = months_after(start, 7), months_after(start, 12)
        held_on = sorted(d for d in reviews.get(status.case_id, []) if opens <= d <= as_of)
        if not held_on:
            counts["not_held"] += 1
        elif held_on[0] <= eight:
            counts["in_time"] += 1
        else:
            counts["late"] += 1
        nine = months_after(start, 9)
        if end is not None and end < nine:
            counts["ended_by_nine"] += 1
        elif nine <= as_of:
            counts["continued_at_nine"] += 1
        until = min(twelve, as_of)
        if any(opens <= d <= until for d in meetings.get(status.case_id, [])):
            counts["pre_proceedings"] += 1
        if any(opens <= d <= until for d in proceedings.get(status.case_id, [])):
            counts["proceedings"] += 1
        if end is not None and end < twelve:
            counts["ended_by_twelve"] += 1
        elif twelve <= as_of:
            counts["on_plan_at_twelve"] += 1
        else:
            counts["not_yet_twelve"] += 1
    return counts


@pytest.mark.django_db
def test_the_demo_councils_report_matches_counts_worked_out_from_its_rows(
    demo_council: None,
) -> None:
    client = Client()
    client.force_login(get_user_model().objects.get(username="chair-manager"))
    with time_machine.travel(dt.datetime(2026, 6, 30, 12, 0), tick=False):
        response = client.get(
            reverse("chair_reviews:download", args=["figures", "csv"]) + f"?ending={ENDING}"
        )
        page = client.get(reverse("chair_reviews:report") + f"?ending={ENDING}")
    expected = expected_from_rows(dt.date(2025, 4, 1), dt.date(2026, 3, 31), DEMO_AS_OF)

    assert page.status_code == 200
    [everyone] = [r for r in rows_of(response) if r["Group"] == "All"]
    assert expected["children"] > 20, "the demo council should have plans to report on"
    assert expected["in_time"] > 0
    assert expected["late"] + expected["not_held"] > 0
    assert {
        "children": int(everyone["Plans reaching 8 months"]),
        "in_time": int(everyone["Chair review in time"]),
        "late": int(everyone["Chair review late"]),
        "not_held": int(everyone["Chair review not held"]),
        "ended_by_nine": int(everyone["Plan ended before 9-month review"]),
        "continued_at_nine": int(everyone["Plan continued at 9-month review"]),
        "pre_proceedings": int(everyone["Escalated to pre-proceedings"]),
        "proceedings": int(everyone["Escalated to proceedings"]),
        "on_plan_at_twelve": int(everyone["Still on a plan at 12 months"]),
        "ended_by_twelve": int(everyone["Plan ended by 12 months"]),
        "not_yet_twelve": int(everyone["Not yet 12 months"]),
    } == {
        key: expected[key]
        for key in (
            "children",
            "in_time",
            "late",
            "not_held",
            "ended_by_nine",
            "continued_at_nine",
            "pre_proceedings",
            "proceedings",
            "on_plan_at_twelve",
            "ended_by_twelve",
            "not_yet_twelve",
        )
    }
    by_team = [r for r in rows_of(response) if r["Group"] == "Team"]
    by_chair = [r for r in rows_of(response) if r["Group"] == "Chair"]
    assert sum(int(r["Plans reaching 8 months"]) for r in by_team) == expected["children"]
    assert sum(int(r["Plans reaching 8 months"]) for r in by_chair) == expected["children"]
    reviewed = sum(int(r["Plans reaching 8 months"]) for r in by_chair if r["Name"] != NO_CHAIR)
    assert reviewed == expected["in_time"] + expected["late"]
    assert Session.objects.filter(type="conference_chair").exists()
