"""The chair-review impact report (B 4, issue 16): a page for the conference chairs' manager,
heads of service and quality assurance, with the same figures as CSV, XLSX and PDF.

The figures are computed on asking (`oversight.cases.chair_reviews`) for the 12 months chosen;
who may open the report is `oversight.access.chair_reviews`; the children listed by name are
only those the user may see. Each look and each download is on the audit trail.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from oversight.access.chair_reviews import require_chair_report
from oversight.access.queries import visible_cases
from oversight.access.staff import staff_of
from oversight.audit.trail import audit
from oversight.cases.chair_reviews import (
    COUNT_COLUMNS,
    FOLLOWED_COLUMNS,
    REVIEW_COLUMNS,
    ChildRow,
    Counts,
    Period,
    PeriodError,
    Report,
    chair_rule,
    latest_full_period,
    plans_from_database,
    summarise,
    twelve_months_ending,
)
from oversight.dashboards.downloads import CSV_TYPE, XLSX_TYPE, Cell, Sheet, as_csv, as_xlsx
from oversight.engine.periods import add_months
from oversight.facts.live import council_name, council_policy
from oversight.web.paper import pdf_response, render_pdf
from oversight.web.requests import AuthenticatedHttpRequest

DOWNLOADS = {"csv": (CSV_TYPE, as_csv), "xlsx": (XLSX_TYPE, as_xlsx)}
CHOICES = 36  # months offered as the last of the twelve
NO_RULE = (
    "The council's policy has no conference chair review (Bedford 4), so there is nothing to "
    "report. A council that adds one to its policy file sees its report here."
)


@dataclass(frozen=True)
class Chosen:
    period: Period
    months: list[Period]
    error: str = ""


def chosen_period(request: AuthenticatedHttpRequest) -> Chosen:
    """The 12 months asked for (`ending`, YYYY-MM), or the latest full twelve with an error
    naming the problem and the fix."""
    today = timezone.localdate()
    latest = latest_full_period(today)
    months = [
        twelve_months_ending(f"{add_months(today.replace(day=1), -n):%Y-%m}")
        for n in range(CHOICES)
    ]
    text = request.GET.get("ending", "").strip()
    if not text:
        return Chosen(latest, months)
    try:
        asked = twelve_months_ending(text)
    except PeriodError as error:
        return Chosen(latest, months, str(error))
    if asked.last.replace(day=1) > today.replace(day=1):  # ends after this month
        return Chosen(
            latest,
            months,
            f"{asked.last:%B %Y} is in the future: no plan has reached 8 months in it yet. "
            "Choose a month up to this one.",
        )
    return Chosen(asked, months)


def _report(request: AuthenticatedHttpRequest, chosen: Chosen) -> Report | None:
    rule = chair_rule()
    if rule is None:
        return None
    return summarise(
        plans_from_database(rule, chosen.period), rule, chosen.period, timezone.localdate()
    )


def _listed(request: AuthenticatedHttpRequest, found: Report | None) -> list[ChildRow]:
    if found is None:
        return []
    mine = set(
        visible_cases(request.user)
        .filter(pk__in=[r.plan.case_pk for r in found.rows])
        .values_list("pk", flat=True)
    )
    return [r for r in found.rows if r.plan.case_pk in mine]


def _context(request: AuthenticatedHttpRequest) -> dict[str, Any]:
    chosen = chosen_period(request)
    found = _report(request, chosen)
    listed = _listed(request, found)
    return {
        "chosen": chosen,
        "period": chosen.period,
        "found": found,
        "no_rule": NO_RULE if found is None else "",
        "review_columns": [label for _, label in REVIEW_COLUMNS],
        "followed_columns": [label for _, label in FOLLOWED_COLUMNS],
        "tables": [
            ("By chair", found.by_chair, "Chair"),
            ("By team", found.by_team, "Team"),
        ]
        if found
        else [],
        "listed": listed,
        "unlisted": len(found.rows) - len(listed) if found else 0,
        "errors": [{"text": chosen.error, "href": "#ending"}] if chosen.error else [],
        "query": f"?ending={chosen.period.ending}",
        "policy": council_policy(),
    }


def report(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_chair_report(request.user)
    context = _context(request)
    _audit(request, "view", context["period"], {})
    return render(request, "chair_reviews/report.html", context)


def report_pdf(request: AuthenticatedHttpRequest) -> HttpResponse:
    require_chair_report(request.user)
    context = _context(request)
    if context["chosen"].error:
        raise Http404(context["chosen"].error)
    period: Period = context["period"]
    me = staff_of(request.user)
    title = f"Conference chair reviews: impact, {period}"
    context.update(
        title=title,
        council=council_name(),
        produced_by=me.name if me else request.user.get_username(),
        produced_at=timezone.localtime(),
    )
    pdf = render_pdf("chair_reviews/paper.html", context, request)
    _audit(request, "download", period, {"format": "pdf"})
    return pdf_response(pdf, f"chair-reviews-{period.ending}")


def download(request: AuthenticatedHttpRequest, what: str, fmt: str) -> HttpResponse:
    """The figures (totals, by chair, by team) or the children listed, as CSV or XLSX."""
    if fmt not in DOWNLOADS or what not in ("figures", "children"):
        raise Http404("The downloads are figures or children, as CSV or XLSX; or the PDF.")
    require_chair_report(request.user)
    chosen = chosen_period(request)
    if chosen.error:
        raise Http404(chosen.error)
    found = _report(request, chosen)
    if found is None:
        raise Http404(NO_RULE)
    content_type, write = DOWNLOADS[fmt]
    table = figures_sheet(found) if what == "figures" else children_sheet(_listed(request, found))
    response = HttpResponse(write([table]), content_type=content_type)
    response["Content-Disposition"] = (
        f'attachment; filename="chair-reviews-{what}-{chosen.period.ending}.{fmt}"'
    )
    _audit(request, "download", chosen.period, {"format": fmt, "what": what})
    return response


def _audit(
    request: AuthenticatedHttpRequest, action: str, period: Period, detail: dict[str, str]
) -> None:
    audit(
        request.user,
        action,
        object_type="chair_review_report",
        object_id=period.ending,
        object_label=f"Chair-review impact report, {period}",
        request=request,
        detail={"first": period.first.isoformat(), "last": period.last.isoformat(), **detail},
    )


# The figures as tables ------------------------------------------------------------------------

CHILD_HEADINGS = (
    "Child ID",
    "Child",
    "Team",
    "Worker",
    "Plan started",
    "Reached 8 months",
    "Chair review due",
    "Chair review",
    "Chair review held",
    "Chair",
    "At the 9-month review",
    "Pre-proceedings (legal planning)",
    "Proceedings",
    "At 12 months",
    "What followed",
)


def _count_row(group: str, counts: Counts) -> list[Cell]:
    return [group, counts.name, *counts.cells()]


def _child_row(row: ChildRow) -> list[Cell]:
    def day(value: Any) -> str:
        return value.isoformat() if value else ""

    plan = row.plan
    return [
        plan.case_id,
        plan.child,
        plan.team,
        plan.worker,
        day(plan.start),
        day(row.eight_months),
        day(row.due),
        row.review_label,
        day(row.review_date),
        row.chair,
        row.nine_label,
        day(row.pre_proceedings),
        day(row.proceedings),
        row.twelve_label,
        row.outcome_label,
    ]


def figures_sheet(found: Report) -> Sheet:
    """The totals, by chair and by team, as one table with the group in its first column."""
    headings = ("Group", "Name", *(label for _, label in COUNT_COLUMNS))
    return Sheet(
        "Figures",
        headings,
        [
            _count_row("All", found.totals),
            *(_count_row("Chair", c) for c in found.by_chair),
            *(_count_row("Team", t) for t in found.by_team),
        ],
    )


def children_sheet(listed: list[ChildRow]) -> Sheet:
    """The children the user may see, one row each."""
    return Sheet("Children", CHILD_HEADINGS, [_child_row(r) for r in listed])
