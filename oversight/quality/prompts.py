"""Record quality prompts: advice to a manager writing a case note or a one-to-one.

Advice, never a block and never a grade: a record can always be saved and sent whatever the
prompts say, and nothing here is stored or counted against anyone. Each check is a pure function of
the text being written, so it can run as the manager types (the page posts the form to
/quality/prompts/ with htmx) and on the page before sending, without JavaScript. Each prompt says
why it matters and which paragraph of the council's framework asks for it (`framework.PASSAGES`).
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import textstat  # type: ignore[import-untyped]

LANGUAGE_FILE = Path(__file__).with_name("language.toml")

# Words that show the child's own views or day-to-day experience were sought and recorded.
CHILDS_VOICE = re.compile(
    r"\b(said|says|told|tells|telling|wish(es)?|feel(s|ing|ings)?|felt|views?|voice|wants?|"
    r"wanted|worr(y|ied|ies)|likes?|liked|enjoys?|enjoyed|scared|happy|sad|upset|lived "
    r"experience|day in (his|her|their) life|perspective|in (his|her|their) (own )?words|"
    r"asked (for|me|us|if|to)|explained|drew|drawing|three houses)\b",
    re.IGNORECASE,
)
# Words that say what something means, not only what happened.
ANALYSIS = re.compile(
    r"\b(because|means|meaning|suggests?|indicates?|hypothes[ie]s|think|thinks|believe|"
    r"likely|unlikely|may|might|could|impact|therefore|so that|alternative|explanations?|"
    r"risks?|evidence|conclu(de|des|sion|sions)|reflect(s|ed|ion)?|why)\b",
    re.IGNORECASE,
)
# Fewer words than this in the analysis, under a longer description, is a description only.
SHORT_ANALYSIS_WORDS = 25
LONG_DESCRIPTION_WORDS = 80
# Flesch reading ease below this is "difficult" (a college-level text); measured only on enough
# words for the figure to mean something.
HARD_TO_READ = 40.0
READABILITY_MIN_WORDS = 60


@dataclass(frozen=True)
class Prompt:
    key: str
    title: str
    why: str
    passage: str  # the framework paragraph's key (framework.BY_KEY)
    found: tuple[str, ...] = field(default=())


@dataclass(frozen=True)
class ActionDraft:
    text: str
    has_owner: bool
    has_date: bool


@dataclass(frozen=True)
class Draft:
    """What the manager has written so far in one part of a record."""

    about_a_child: bool  # a case note; a professional (non-case) part is not about one child
    description: Mapping[str, str]  # the descriptive sections, by field name
    analysis: str  # the analysis (case note) or the reflection written
    actions: Sequence[ActionDraft] = ()
    previous_actions: int = 0  # actions from the last supervision waiting for review
    reviewed_actions: int = 0
    actions_review: str = ""  # the written review of previous actions, if any

    @property
    def text(self) -> str:
        parts = [*self.description.values(), self.analysis, *(a.text for a in self.actions)]
        return "\n".join(p for p in parts if p)


@dataclass(frozen=True)
class Term:
    words: tuple[str, ...]
    instead: tuple[str, ...]
    why: str


def words_in(text: str) -> int:
    return len(re.findall(r"[A-Za-z']+", text))


# The checks: each a pure function, true when the prompt applies ---------------------------------


def misses_childs_voice(text: str) -> bool:
    return CHILDS_VOICE.search(text) is None


def actions_without_owner_or_date(actions: Iterable[ActionDraft]) -> list[str]:
    return [a.text for a in actions if a.text.strip() and not (a.has_owner and a.has_date)]


def previous_actions_not_reviewed(previous: int, reviewed: int, review_text: str = "") -> bool:
    return previous > 0 and reviewed == 0 and not review_text.strip()


def description_without_analysis(description: str, analysis: str) -> bool:
    if not description.strip() and not analysis.strip():
        return False  # nothing written yet: nothing to say
    if not analysis.strip():
        return True
    if ANALYSIS.search(analysis) is None:
        return True
    short = words_in(analysis) < SHORT_ANALYSIS_WORDS
    return short and words_in(description) >= LONG_DESCRIPTION_WORDS


@cache
def language_list() -> tuple[Term, ...]:
    data = tomllib.loads(LANGUAGE_FILE.read_text(encoding="utf-8"))
    return tuple(Term(tuple(t["words"]), tuple(t["instead"]), t["why"]) for t in data["term"])


def _pattern(word: str) -> re.Pattern[str]:
    # Acronyms (LAC) match only in capitals, so "lac" inside other text is left alone.
    flags = 0 if word.isupper() else re.IGNORECASE
    return re.compile(r"(?<![\w-])" + re.escape(word).replace(r"\ ", r"\s+") + r"(?![\w-])", flags)


def language_to_avoid(text: str, terms: Sequence[Term] | None = None) -> list[tuple[str, Term]]:
    """Each term of the list found in the text, with the words as written, in list order.

    Words inside a longer phrase of another term ("placement" in "placement breakdown") are one
    thing to say, not two: the longer phrase is reported.
    """
    terms = language_list() if terms is None else terms
    matches = [
        (match, term)
        for term in terms
        for word in term.words
        for match in _pattern(word).finditer(text)
    ]

    def inside_longer(match: re.Match[str]) -> bool:
        return any(
            other.start() <= match.start()
            and match.end() <= other.end()
            and other.end() - other.start() > match.end() - match.start()
            for other, _ in matches
        )

    found: dict[Term, str] = {}
    for match, term in sorted(matches, key=lambda m: m[0].start()):
        if term not in found and not inside_longer(match):
            found[term] = match.group(0)
    return [(found[term], term) for term in terms if term in found]


def reading_ease(text: str) -> float | None:
    """Flesch reading ease (higher is easier) if the text is long enough to measure."""
    if words_in(text) < READABILITY_MIN_WORDS:
        return None
    return float(textstat.flesch_reading_ease(text))


def hard_to_read(text: str) -> bool:
    ease = reading_ease(text)
    return ease is not None and ease < HARD_TO_READ


# The prompts ------------------------------------------------------------------------------------


def prompts_for(draft: Draft) -> list[Prompt]:
    prompts: list[Prompt] = []
    text = draft.text
    if draft.about_a_child and text.strip() and misses_childs_voice(text):
        prompts.append(
            Prompt(
                "childs-voice",
                "The child's views and lived experience are not mentioned",
                "Say what the child has said, shown or wished for, and what a day in their life "
                "is like, and how the worker found out. Inspectors look for the child's voice in "
                "supervision.",
                "childs-voice",
            )
        )
    if previous_actions_not_reviewed(
        draft.previous_actions, draft.reviewed_actions, draft.actions_review
    ):
        prompts.append(
            Prompt(
                "previous-actions",
                f"The {draft.previous_actions} action"
                f"{'s' if draft.previous_actions != 1 else ''} from the last supervision "
                f"{'are' if draft.previous_actions != 1 else 'is'} not reviewed",
                "Say whether each was done, and if not why, and what happens now: actions carried "
                "forward without a word are how drift starts.",
                "previous-actions",
            )
        )
    loose = actions_without_owner_or_date(draft.actions)
    if loose:
        prompts.append(
            Prompt(
                "actions",
                "Actions without an owner or a date",
                "Give every action the person who will do it and the date it is due, so it can be "
                "followed up.",
                "actions",
                tuple(loose),
            )
        )
    description = "\n".join(draft.description.values())
    if description_without_analysis(description, draft.analysis):
        prompts.append(
            Prompt(
                "analysis",
                "Description without analysis",
                "Say what the information means for the child: the current hypothesis, the "
                "alternative explanations and what you conclude, not only what happened.",
                "analysis-template" if draft.about_a_child else "analysis",
            )
        )
    for written, term in language_to_avoid(text):
        prompts.append(
            Prompt(
                "language",
                f"Instead of \u201c{written}\u201d, try \u201c{term.instead[0]}\u201d",
                f"{term.why} Other words: {', '.join(term.instead)}.",
                "language",
                (written,),
            )
        )
    if hard_to_read(text):
        prompts.append(
            Prompt(
                "readability",
                "Hard to read",
                "Shorter sentences and everyday words make the record easier for the worker, the "
                "family and the child reading it later (reading ease "
                f"{reading_ease(text):.0f} of 100; aim for 50 or more).",
                "clear-recording",
            )
        )
    return prompts
