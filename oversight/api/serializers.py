"""The shapes the API reads and writes, which the OpenAPI schema is generated from. Dates are ISO
8601 (YYYY-MM-DD) both ways. Input shapes document the request; its cells are checked by the
importer's own rules (oversight/import_export/reader.py), so the API and a data set folder accept
exactly the same values."""

from __future__ import annotations

from typing import Any

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from oversight.cases.models import STATUS_LABELS
from oversight.engine.facts import CASE_EVENTS, CASE_STATUSES, SESSION_TYPES, STAFF_CATEGORIES

# DRF ships no types, so its base classes are Any to the type checker.
Serializer: Any = serializers.Serializer


class StaffOut(Serializer):
    staff_id = serializers.CharField()
    name = serializers.CharField()
    category = serializers.ChoiceField(choices=STAFF_CATEGORIES)
    team = serializers.CharField(source="team.name", allow_null=True, default=None)
    start_date = serializers.DateField()
    end_date = serializers.DateField(allow_null=True)
    line_manager_id = serializers.SerializerMethodField()

    def get_line_manager_id(self, staff: Any) -> str | None:
        return self.context["line_managers"].get(staff.pk)


class TeamOut(Serializer):
    name = serializers.CharField()
    service = serializers.CharField(source="service.name", allow_null=True, default=None)


class AllocationOut(Serializer):
    case_id = serializers.CharField(source="case.case_id")
    worker_id = serializers.CharField(source="worker.staff_id")
    start_date = serializers.DateField()
    end_date = serializers.DateField(allow_null=True)


class CaseStatusOut(Serializer):
    case_id = serializers.CharField(source="case.case_id")
    status = serializers.ChoiceField(choices=CASE_STATUSES)
    label = serializers.SerializerMethodField()
    start_date = serializers.DateField()
    end_date = serializers.DateField(allow_null=True)

    def get_label(self, row: Any) -> str:
        return STATUS_LABELS[row.status]


class CaseEventOut(Serializer):
    case_id = serializers.CharField(source="case.case_id")
    event = serializers.ChoiceField(choices=CASE_EVENTS)
    date = serializers.DateField()


class CaseOut(Serializer):
    case_id = serializers.CharField()
    display_name = serializers.CharField()
    open_date = serializers.DateField()
    close_date = serializers.DateField(allow_null=True)
    allocations = AllocationOut(many=True)
    statuses = CaseStatusOut(many=True)
    events = CaseEventOut(many=True)


class ObligationOut(Serializer):
    subject_type = serializers.ChoiceField(choices=["staff", "case", "team", "session"])
    subject_id = serializers.CharField()
    obligation = serializers.CharField()
    due_date = serializers.DateField()
    status = serializers.CharField()
    last_met = serializers.DateField(allow_null=True)
    rule = serializers.CharField(help_text="The policy rule that sets it, with its source.")
    explanation = serializers.CharField(help_text="The engine's plain-English reason.")
    team = serializers.CharField(allow_null=True)
    worker = serializers.CharField(allow_null=True)
    owners = serializers.SerializerMethodField()

    def get_owners(self, row: Any) -> list[str]:
        return sorted(owner.owner for owner in row.owners.all())


class RecordOut(Serializer):
    """A supervision session's metadata: who, when, what kind; never what was written."""

    session_id = serializers.CharField()
    type = serializers.ChoiceField(choices=SESSION_TYPES)
    date = serializers.DateField()
    supervisor_id = serializers.CharField(
        source="supervisor.staff_id", allow_null=True, default=None
    )
    supervisee_id = serializers.CharField(
        source="supervisee.staff_id", allow_null=True, default=None
    )
    team = serializers.CharField(source="team.name", allow_null=True, default=None)
    duration_minutes = serializers.IntegerField(allow_null=True)
    recorded_date = serializers.DateField(allow_null=True)
    case_ids = serializers.SerializerMethodField()

    def get_case_ids(self, session: Any) -> list[str]:
        return sorted(case.case_id for case in session.cases.all())


class IndicatorOut(Serializer):
    """One row of `oversight indicators` (INDICATORS.md), as the dashboards show it."""

    as_of = serializers.DateField(source="summary.as_of")
    scope_type = serializers.ChoiceField(choices=["team", "service", "organisation"])
    scope_id = serializers.CharField(
        help_text="The team's or service's name; empty for the organisation."
    )
    obligation = serializers.CharField()
    counted = serializers.IntegerField(help_text="Obligations that count on the date.")
    in_time = serializers.IntegerField()
    met_late = serializers.IntegerField()
    overdue = serializers.IntegerField()
    percent = serializers.SerializerMethodField()

    @extend_schema_field(
        serializers.DecimalField(
            max_digits=4,
            decimal_places=1,
            coerce_to_string=False,
            allow_null=True,
            help_text="100 x in_time / counted, to one decimal place; null when none count.",
        )
    )
    def get_percent(self, row: Any) -> Any:
        return row.figure(row.summary.as_of).percent


def paged(shape: type, name: str) -> type:
    """The shape of one page of a list of `shape` (views.Pages), for the schema."""
    return type(
        name,
        (Serializer,),
        {
            "count": serializers.IntegerField(),
            "next": serializers.URLField(allow_null=True),
            "previous": serializers.URLField(allow_null=True),
            "results": shape(many=True),
        },
    )


PagedStaff = paged(StaffOut, "PagedStaff")
PagedTeams = paged(TeamOut, "PagedTeams")
PagedCases = paged(CaseOut, "PagedCases")
PagedObligations = paged(ObligationOut, "PagedObligations")
PagedRecords = paged(RecordOut, "PagedRecords")
PagedIndicators = paged(IndicatorOut, "PagedIndicators")


# Input -------------------------------------------------------------------------------------------


class SessionIn(Serializer):
    session_id = serializers.CharField(
        max_length=50, help_text="Your system's identifier for the session; it must be new."
    )
    type = serializers.ChoiceField(choices=SESSION_TYPES)
    date = serializers.DateField()
    supervisor_id = serializers.CharField(required=False, allow_null=True)
    supervisee_id = serializers.CharField(
        required=False, allow_null=True, help_text="Empty for a group session."
    )
    team = serializers.CharField(required=False, allow_null=True, help_text="For a group session.")
    duration_minutes = serializers.IntegerField(required=False, allow_null=True, min_value=1)
    recorded_date = serializers.DateField(required=False, allow_null=True)
    case_ids = serializers.ListField(
        child=serializers.CharField(), required=False, help_text="Children discussed."
    )


class AllocationIn(Serializer):
    case_id = serializers.CharField()
    worker_id = serializers.CharField()
    start_date = serializers.DateField()
    end_date = serializers.DateField(required=False, allow_null=True)


class CaseStatusIn(Serializer):
    case_id = serializers.CharField()
    status = serializers.ChoiceField(choices=CASE_STATUSES)
    start_date = serializers.DateField()
    end_date = serializers.DateField(required=False, allow_null=True)


class CaseEventIn(Serializer):
    case_id = serializers.CharField()
    event = serializers.ChoiceField(choices=CASE_EVENTS)
    date = serializers.DateField()
