"""Supervision files (N 11): one per worker, in four sections, with uploaded documents.

Section 2 (supervision agreements) is read from `oversight.supervision.models.Agreement`; the other
sections hold documents uploaded here. Who may read or add to a file is computed from line
management on the day (`oversight.access.predicates`), so a file passes to a new supervisor by
itself when line management changes (N 12.1), and to HR when its owner leaves (N 11.2).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.db import models

from oversight.organisation.models import Staff

SECTIONS = {
    1: "Registration, DBS check and car insurance",
    2: "Supervision agreements",
    3: "Development plans, appraisals and probation reports",
    4: "Other, for example annual leave and TOIL",
}

# Each kind belongs to one section (N 11.3), so people choose what the document is and the
# section follows; they never have to know the numbering.
KINDS: dict[str, tuple[str, int]] = {
    "swe_registration": ("Social Work England registration", 1),
    "dbs": ("DBS check", 1),
    "car_insurance": ("Car insurance", 1),
    "paper_agreement": ("Supervision agreement signed on paper", 2),
    "development_plan": ("Professional development plan", 3),
    "appraisal": ("Appraisal", 3),
    "probation_report": ("Probation report", 3),
    "annual_leave": ("Annual leave", 4),
    "toil": ("Time off in lieu (TOIL)", 4),
    "other": ("Something else", 4),
}
KIND_CHOICES = [(kind, label) for kind, (label, _section) in KINDS.items()]
# The documents whose expiry matters enough to become a due item (N 11.3 section 1).
EXPIRING_KINDS = ("swe_registration", "dbs", "car_insurance")


def section_of(kind: str) -> int:
    return KINDS[kind][1]


def section_expression() -> models.Case:
    """A document's section computed in SQL from its kind, so lists can order and filter by it."""
    kinds_in: dict[int, list[str]] = {}
    for kind, (_label, section) in KINDS.items():
        kinds_in.setdefault(section, []).append(kind)
    return models.Case(
        *(
            models.When(kind__in=kinds, then=models.Value(section))
            for section, kinds in sorted(kinds_in.items())
        ),
        output_field=models.PositiveSmallIntegerField(),
    )


def add_years(day: dt.date, years: int) -> dt.date:
    """The same day `years` later; 29 February becomes 28 February in a year without one."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def retention_years() -> int:
    return int(getattr(settings, "OVERSIGHT_RETENTION_YEARS", 6))


class SupervisionFileQuerySet(models.QuerySet["SupervisionFile"]):
    def not_destroyed(self) -> SupervisionFileQuerySet:
        return self.filter(destroyed_on__isnull=True)


class SupervisionFile(models.Model):
    """The file itself. Created by Business Support or the manager (N 11.1), archived to HR when
    the person leaves (N 11.2), its documents destroyed once HR confirm retention has run out.

    The row outlives destruction, as the record that the file existed and who destroyed it."""

    staff = models.OneToOneField(Staff, on_delete=models.PROTECT, related_name="supervision_file")
    created_on = models.DateField()
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    destroyed_on = models.DateField(null=True, blank=True)
    destroyed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = SupervisionFileQuerySet.as_manager()

    class Meta:
        ordering = ["staff__name"]

    def __str__(self) -> str:
        return f"Supervision file of {self.staff.name}"

    @property
    def archived_on(self) -> dt.date | None:
        """The day the file passed to HR: the day after its owner's last day (N 11.2)."""
        if self.staff.end_date is None:
            return None
        return self.staff.end_date + dt.timedelta(days=1)

    @property
    def retention_ends(self) -> dt.date | None:
        """The last day the file must be kept: the leaving date plus the retention period."""
        if self.staff.end_date is None:
            return None
        return add_years(self.staff.end_date, retention_years())

    def past_retention(self, day: dt.date) -> bool:
        ends = self.retention_ends
        return ends is not None and ends < day and self.destroyed_on is None


class DocumentQuerySet(models.QuerySet["Document"]):
    def with_section(self) -> DocumentQuerySet:
        if "section" in self.query.annotations:
            return self
        return self.annotate(section=section_expression())

    def in_section(self, section: int) -> DocumentQuerySet:
        # A lookup on with_section()'s annotation, which the plugin cannot follow across methods.
        return self.with_section().filter(section=section)  # type: ignore[misc]


# mypy cannot check a base class made by a call; the django-stubs plugin still gives the manager
# DocumentQuerySet's methods.
class DocumentManager(models.Manager.from_queryset(DocumentQuerySet)):  # type: ignore[misc]
    # Documents read through Document.objects carry their section, so lists can order by it.
    def get_queryset(self) -> DocumentQuerySet:
        return super().get_queryset().with_section()


class Document(models.Model):
    """One uploaded document. `stored_name` is ours (random); the name the browser sent is kept
    only as cleaned display text, never as a path."""

    file = models.ForeignKey(SupervisionFile, on_delete=models.PROTECT, related_name="documents")
    kind = models.CharField(max_length=30, choices=KIND_CHOICES)
    title = models.CharField(max_length=200)
    expiry_date = models.DateField(null=True, blank=True)
    original_name = models.CharField(max_length=200)
    stored_name = models.CharField(max_length=200, unique=True)
    content_type = models.CharField(max_length=100)
    size = models.PositiveBigIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    objects = DocumentManager()

    class Meta:
        ordering = [section_expression().asc(), "-uploaded_at", "-pk"]
        constraints = [
            # Every kind has its section, so a known kind is a document in sections 1 to 4.
            models.CheckConstraint(
                condition=models.Q(kind__in=list(KINDS)), name="document_kind_known"
            )
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.file.staff.name})"

    @property
    def section(self) -> int:
        """Each kind belongs to one section (N 11.3), so the section is read from the kind."""
        return section_of(self.kind)

    @section.setter
    def section(self, value: int) -> None:
        # Document.objects annotates `section` (computed from the kind in SQL) so lists can order
        # by it; the value it sets is the same as the kind's, so there is nothing to keep.
        pass

    @property
    def kind_label(self) -> str:
        return KINDS[self.kind][0] if self.kind in KINDS else self.kind

    def audit_detail(self) -> dict[str, Any]:
        return {
            "staff_id": self.file.staff.staff_id,
            "section": self.section,
            "kind": self.kind,
            "title": self.title,
            "original_name": self.original_name,
            "content_type": self.content_type,
            "size": self.size,
            "sha256": self.sha256,
            "expiry_date": self.expiry_date,
        }
