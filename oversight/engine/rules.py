"""A supervision policy as typed data: what each obligation needs, how often, and why.

``load_policy`` (``oversight.engine.loader``) builds these from a TOML policy file. Each obligation
kind below is one paragraph of RULES.md; a policy lists the obligations it wants, under names of its
choosing, so a council can drop an obligation or add a second one of the same kind (Newham's
``case_oversight`` is a ``case_supervision`` with other session types and period).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from oversight.engine.periods import Period


@dataclass(frozen=True, slots=True)
class Sourced:
    """A period together with the policy paragraph it comes from."""

    period: Period
    source: str
    # Set when the policy names no number and the preset chose one; says what the policy does say.
    preset_choice: str | None = None


@dataclass(frozen=True, slots=True)
class CaseloadThreshold:
    """How many children a case holder may hold before their supervisor is told the caseload has
    grown past what the council expects (B 1.3: "within the individual's ... capacity")."""

    children: int
    source: str
    preset_choice: str | None = None

    def over_by(self, held: int) -> int:
        """How many children above the threshold a caseload of `held` is; 0 when within it."""
        return max(held - self.children, 0)


@dataclass(frozen=True, slots=True)
class NewlyQualifiedStage:
    """From the end of the previous stage (or asye_start) until asye_start + ``until``."""

    until: Sourced
    every: Sourced


@dataclass(frozen=True, slots=True)
class ProfessionalSupervision:
    name: str
    label: str
    source: str
    met_by: frozenset[str]
    periods: Mapping[str, Sourced]  # staff category -> period; a category not here is outside
    newly_qualified: tuple[NewlyQualifiedStage, ...] = ()
    agreed_frequency: bool = False


@dataclass(frozen=True, slots=True)
class SupervisionAgreement:
    name: str
    label: str
    source: str
    due: Sourced


@dataclass(frozen=True, slots=True)
class AgreementReview:
    name: str
    label: str
    source: str
    every: Sourced


@dataclass(frozen=True, slots=True)
class PracticeObservation:
    name: str
    label: str
    source: str
    met_by: frozenset[str]
    categories: frozenset[str]
    count: int
    year_starts: tuple[int, int]  # (month, day)


@dataclass(frozen=True, slots=True)
class GroupSupervision:
    name: str
    label: str
    source: str
    met_by: frozenset[str]
    every: Sourced


@dataclass(frozen=True, slots=True)
class StatusPeriod:
    """While ``status`` is active and none of ``unless`` is, the case is supervised ``every``."""

    status: str
    unless: frozenset[str]
    every: Sourced


@dataclass(frozen=True, slots=True)
class CaseSupervision:
    name: str
    label: str
    source: str
    met_by: frozenset[str]
    statuses: tuple[StatusPeriod, ...]
    default: Sourced | None  # in force on days when no status period is


@dataclass(frozen=True, slots=True)
class InitialCaseDiscussion:
    name: str
    label: str
    source: str
    met_by: frozenset[str]
    due: Sourced


@dataclass(frozen=True, slots=True)
class ConferenceChairReview:
    name: str
    label: str
    source: str
    met_by: frozenset[str]
    status: str
    due: Sourced
    counts_from: Sourced  # sessions before status start + this do not count


@dataclass(frozen=True, slots=True)
class DecisionDiscussion:
    name: str
    label: str
    source: str
    met_by: frozenset[str]
    lookback: Sourced  # a discussion this long before the event still counts
    events: Mapping[str, Sourced]


@dataclass(frozen=True, slots=True)
class RecordCompletion:
    name: str
    label: str
    source: str
    deadlines: Mapping[str, Sourced]  # session type -> time allowed to record it


@dataclass(frozen=True, slots=True)
class ManagerEvidenceReview:
    """A manager who manages someone shows their line manager their supervision agreements and a
    sample of their records ``every`` period, and the line manager records that they reviewed them
    (N 8.1 "at a minimum twice yearly"). No preset sets it: a council switches it on in its own
    policy file (docs/policy-files.md)."""

    name: str
    label: str
    source: str
    every: Sourced


@dataclass(frozen=True, slots=True)
class AnnualAppraisal:
    """Each member of staff has an appraisal and Personal Development Plan ``every`` period (N
    4x4x4 "an annual appraisal and Personal Development Plan"; B 5, the PDR "led by those
    immediately supervising staff"), counted from the later of their last appraisal and their
    start. No preset sets it: a council switches it on in its own policy file."""

    name: str
    label: str
    source: str
    every: Sourced


@dataclass(frozen=True, slots=True)
class ProbationReview:
    """A new starter's probation: ``length`` from their start date, reviewed by their supervisor
    ``review_every`` from the start and at its end (B 1.3 "staff in their probationary period";
    N 11.3 "probation reports"). Neither policy gives the periods: both are preset choices. No
    preset sets it: a council switches it on in its own policy file."""

    name: str
    label: str
    source: str
    length: Sourced
    review_every: Sourced


ObligationRule = (
    ProfessionalSupervision
    | SupervisionAgreement
    | AgreementReview
    | PracticeObservation
    | GroupSupervision
    | CaseSupervision
    | InitialCaseDiscussion
    | ConferenceChairReview
    | DecisionDiscussion
    | RecordCompletion
    | ManagerEvidenceReview
    | AnnualAppraisal
    | ProbationReview
)

KINDS: dict[str, type[ObligationRule]] = {
    "professional_supervision": ProfessionalSupervision,
    "supervision_agreement": SupervisionAgreement,
    "agreement_review": AgreementReview,
    "practice_observation": PracticeObservation,
    "group_supervision": GroupSupervision,
    "case_supervision": CaseSupervision,
    "initial_case_discussion": InitialCaseDiscussion,
    "conference_chair_review": ConferenceChairReview,
    "decision_discussion": DecisionDiscussion,
    "record_completion": RecordCompletion,
    "manager_evidence_review": ManagerEvidenceReview,
    "appraisal": AnnualAppraisal,
    "probation_review": ProbationReview,
}


@dataclass(frozen=True, slots=True)
class Policy:
    name: str
    title: str
    cite_as: str  # prefix used in sources, e.g. "B"; dropped in the rule column
    due_soon: Sourced
    obligations: tuple[ObligationRule, ...]
    path: str | None = None
    caseload_threshold: CaseloadThreshold | None = None

    def rule(self, source: str, preset_choice: str | None = None) -> str:
        """The rule column: ``bedford 3.1.2`` for source ``B 3.1.2``."""
        text = source
        prefix = f"{self.cite_as} " if self.cite_as else ""
        if prefix and text.startswith(prefix):
            text = text[len(prefix) :]
        rule = f"{self.name} {text}"
        return f"{rule} (preset choice)" if preset_choice else rule

    @property
    def staff_categories(self) -> frozenset[str]:
        """Categories inside the policy: those given a professional supervision period.

        A policy without any professional supervision obligation covers every category.
        """
        from oversight.engine.facts import STAFF_CATEGORIES

        covered: set[str] = set()
        found = False
        for rule in self.obligations:
            if isinstance(rule, ProfessionalSupervision):
                found = True
                covered.update(rule.periods)
        return frozenset(covered) if found else frozenset(STAFF_CATEGORIES)
