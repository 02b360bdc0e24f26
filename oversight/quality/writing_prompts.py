"""The record quality prompts (`prompts.py`) for a record being written: from what is saved, for
the page before sending, and from what is typed, for the page as the manager writes."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from oversight.cases.models import Case
from oversight.quality.prompts import ActionDraft, Draft, Prompt, prompts_for
from oversight.records.models import Action, ActionUpdate, CaseNote, ProfessionalRecord, Record
from oversight.records.queries import previous_actions

# The parts of a case note that describe; the analysis is judged on its own.
CASE_NOTE_DESCRIPTION = ("purpose", "plan", "focus", "identity")
PROFESSIONAL_DESCRIPTION = tuple(
    t for t in ProfessionalRecord.TOPICS if t not in {"actions_review", "welfare"}
)


@dataclass(frozen=True)
class PartPrompts:
    label: str  # "Amy Smith" or "Professional supervision"
    case: Case | None
    prompts: list[Prompt]


def _saved_prompts(
    record: Record, case: Case | None, previous: list[Action], **written: Any
) -> list[Prompt]:
    """The prompts for one saved part: its text, its actions, and the review of the previous
    supervision's actions about the same child (or the professional part's)."""
    actions = Action.objects.filter(session=record, case=case)
    reviewed = ActionUpdate.objects.filter(session=record, action__in=previous).count()
    return prompts_for(
        Draft(
            about_a_child=case is not None,
            actions=[
                ActionDraft(a.action, bool(a.owner_id), a.due_date is not None) for a in actions
            ],
            previous_actions=len(previous),
            reviewed_actions=reviewed,
            **written,
        )
    )


def case_note_prompts(record: Record, note: CaseNote) -> list[Prompt]:
    return _saved_prompts(
        record,
        note.case,
        list(previous_actions(record, note.case)),
        description={f: getattr(note, f) for f in CASE_NOTE_DESCRIPTION},
        analysis=note.analysis,
    )


def professional_prompts(record: Record, part: ProfessionalRecord) -> list[Prompt]:
    return _saved_prompts(
        record,
        None,
        [a for a in previous_actions(record) if a.case_id is None],
        description={f: getattr(part, f) for f in PROFESSIONAL_DESCRIPTION},
        # The professional record has no analysis section: its reflection is in how the worker
        # is finding the job.
        analysis=part.welfare,
        actions_review=part.actions_review,
    )


def record_prompts(record: Record) -> list[PartPrompts]:
    """The prompts for each part written so far, for the page before sending."""
    parts: list[PartPrompts] = []
    professional = ProfessionalRecord.objects.filter(session=record).first()
    if professional is not None:
        parts.append(
            PartPrompts(
                "Professional supervision", None, professional_prompts(record, professional)
            )
        )
    for note in (
        CaseNote.objects.filter(session=record).select_related("case").order_by("case__case_id")
    ):
        parts.append(PartPrompts(str(note.case), note.case, case_note_prompts(record, note)))
    return [p for p in parts if p.prompts]


def _posted_actions(data: Mapping[str, Any]) -> list[ActionDraft]:
    try:
        rows = int(data.get("actions-TOTAL_FORMS", 0))
    except (TypeError, ValueError):
        rows = 0
    drafts = []
    for n in range(min(rows, 100)):
        prefix = f"actions-{n}-"
        text = str(data.get(prefix + "action", "")).strip()
        if not text or data.get(prefix + "remove"):
            continue
        date_parts = [
            str(data.get(f"{prefix}due_date_{p}", "")).strip() for p in ("day", "month", "year")
        ]
        drafts.append(ActionDraft(text, bool(data.get(prefix + "owner")), all(date_parts)))
    return drafts


def _reviews_posted(data: Mapping[str, Any]) -> int:
    """Previous actions reviewed on the page: marked achieved or not, or commented on (the
    radios start at the action's status, so an untouched "open" is no review)."""
    reviewed = 0
    for key in data:
        if key.startswith("review-") and key.endswith("-comment"):
            prefix = key.removesuffix("comment")
            marked = str(data.get(prefix + "status", "")) in {"achieved", "not_achieved"}
            reviewed += bool(marked or str(data.get(key, "")).strip())
    return reviewed


def posted_draft_prompts(record: Record, data: Mapping[str, Any]) -> list[Prompt]:
    """The prompts for a case note or professional part as typed, before it is saved."""

    def text(name: str) -> str:
        return str(data.get(name, ""))

    about_a_child = "analysis" in data
    previous = sum(1 for key in data if key.startswith("review-") and key.endswith("-comment"))
    if about_a_child:
        draft = Draft(
            about_a_child=True,
            description={f: text(f) for f in CASE_NOTE_DESCRIPTION},
            analysis=text("analysis"),
            actions=_posted_actions(data),
            previous_actions=previous,
            reviewed_actions=_reviews_posted(data),
        )
    else:
        draft = Draft(
            about_a_child=False,
            description={f: text(f) for f in PROFESSIONAL_DESCRIPTION},
            analysis=text("welfare"),
            actions=_posted_actions(data),
            previous_actions=previous,
            reviewed_actions=_reviews_posted(data),
            actions_review=text("actions_review"),
        )
    return prompts_for(draft)
