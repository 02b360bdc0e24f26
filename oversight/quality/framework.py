"""The paragraphs of the councils' supervision frameworks that the quality prompts and the audit
rubric point to, quoted from the policies (../shared/seeds) so a prompt can say where it comes from.

Each passage has a key, used as its anchor on the framework page (/quality/framework/#key).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Passage:
    key: str
    where: str
    quote: str


PASSAGES: tuple[Passage, ...] = (
    Passage(
        "childs-voice",
        "Newham Supervision Framework, Appendix 3 (the Newham Practice Framework), child's voice",
        "Child's voice. What is their perspective and lived experience? How have we communicated "
        "with them and gained an understanding of their wishes.",
    ),
    Passage(
        "lived-experience",
        "Newham Supervision Framework, Appendix 3, practice principle 1",
        "The lived experience of children and young people is paramount. We listen to them and "
        "seek to build a relationship of trust. Feedback and involvement is central to what we do.",
    ),
    Passage(
        "previous-actions",
        "Newham Supervision Framework, Appendix 4 (supervision template); Bedford 1.1.6, 3.3",
        "Decisions and Actions from the previous supervision. (Bedford: the record confirms if "
        "the tasks were completed.)",
    ),
    Passage(
        "actions",
        "Newham Supervision Framework, section 4 (one to one supervision) and Appendix 4",
        "The manager is responsible for completing the record which must give sufficient detail "
        "of the discussion to reflect the content of the meeting including reflection, identify "
        "actions as agreed, timescales and record any disagreements and concerns raised.",
    ),
    Passage(
        "analysis",
        "Newham Supervision Framework, Appendix 2 (the 4x4x4 model), 3.3 Analysis",
        "Analysis ensures that evidence and feelings are located within an external body of "
        "knowledge, theory, research and professional value, and then tested against it.",
    ),
    Passage(
        "analysis-template",
        "Newham Supervision Framework, Appendix 4, section 4",
        "ANALYSIS - The current hypothesis and alternative explanations. What are your "
        "conclusions and what does this mean for the child.",
    ),
    Passage(
        "language",
        "Newham Supervision Framework, Appendix 6 (effective case recording), paragraph 5",
        "Language is so important. Anything that implies victims were to blame for any abuse they "
        "suffered during childhood can compound the impact of that abuse. So can casual "
        "statements about 'lifestyle choices' by vulnerable teenagers.",
    ),
    Passage(
        "clear-recording",
        "Newham Supervision Framework, Appendix 6, paragraph 2 and Things to Avoid",
        "The record should clearly and succinctly explain what has happened to, and for, the "
        "child. Avoid recording that is not bespoke to each child or uses too much professional "
        "jargon, or that is poorly written.",
    ),
    Passage(
        "drift",
        "Bedford 1.1.6 Supervision Policy, 3.1",
        "Further management oversight will be achieved through case conferences, resource panels "
        "and case file audits. These arrangements provide increased focus to ensure progress on "
        "improving outcomes, provide challenge and leadership and prevent drift.",
    ),
    Passage(
        "audit",
        "Newham Supervision Framework, 8.2",
        "Implementation of this supervision policy will be assessed via the Practice Learning "
        "Framework with audits and observations of supervision taking place regularly.",
    ),
)

BY_KEY = {passage.key: passage for passage in PASSAGES}
