"""Reading and checking policy files (TOML; the format is described in docs/policy-files.md).

A policy file is checked whole: every problem is collected and reported together, each naming the
file, the line, the key and the fix, so a council can correct its file in one pass.
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from oversight.engine.facts import CASE_EVENTS, CASE_STATUSES, SESSION_TYPES, STAFF_CATEGORIES
from oversight.engine.periods import PERIOD_HELP, parse_period
from oversight.engine.rules import (
    KINDS,
    AgreementReview,
    AnnualAppraisal,
    CaseloadThreshold,
    CaseSupervision,
    ConferenceChairReview,
    DecisionDiscussion,
    GroupSupervision,
    InitialCaseDiscussion,
    ManagerEvidenceReview,
    NewlyQualifiedStage,
    ObligationRule,
    Policy,
    PracticeObservation,
    ProbationReview,
    ProfessionalSupervision,
    RecordCompletion,
    Sourced,
    StatusPeriod,
    SupervisionAgreement,
)

PRESETS_DIR = Path(__file__).resolve().parent / "presets"

KeyPath = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class Problem:
    file: str
    line: int | None
    key: str
    message: str

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.key}: {self.message}" if self.key else f"{where}: {self.message}"


class PolicyError(ValueError):
    """A policy file that cannot be used; ``problems`` lists everything wrong with it."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        files = sorted({p.file for p in problems})
        count = len(problems)
        head = (
            f"policy file {', '.join(files)} has {count} problem{'s' if count != 1 else ''}:"
            if files
            else "policy problems:"
        )
        super().__init__("\n".join([head, *(f"  {p}" for p in problems)]))


def preset_names() -> list[str]:
    return sorted(p.stem for p in PRESETS_DIR.glob("*.toml"))


def load_policy(name_or_path: str | Path) -> Policy:
    """A preset by name (``bedford``, ``newham``) or a council's own policy file by path."""
    text_name = str(name_or_path)
    looks_like_path = isinstance(name_or_path, Path) or (
        "/" in text_name or "\\" in text_name or text_name.endswith(".toml")
    )
    if looks_like_path:
        path = Path(name_or_path)
    else:
        path = PRESETS_DIR / f"{text_name}.toml"
        if not path.is_file():
            raise PolicyError(
                [
                    Problem(
                        text_name,
                        None,
                        "",
                        f"there is no preset policy called '{text_name}': use one of "
                        f"{', '.join(preset_names())}, or give the path to a policy file",
                    )
                ]
            )
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PolicyError(
            [Problem(str(path), None, "", f"cannot read the policy file ({exc.strerror})")]
        ) from exc
    except UnicodeDecodeError as exc:
        raise PolicyError(
            [Problem(str(path), None, "", "the policy file is not UTF-8 text: save it as UTF-8")]
        ) from exc
    return load_policy_text(text, str(path))


def load_policy_text(text: str, filename: str = "<policy>") -> Policy:
    """Parse and check policy text; ``filename`` is only used in error messages."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        # Python 3.12's TOMLDecodeError carries the position only in its message.
        found = re.search(r"\(at line (\d+), column \d+\)$", str(exc))
        line = int(found.group(1)) if found else None
        message = str(exc)[: found.start()].strip() if found else str(exc)
        raise PolicyError(
            [
                Problem(
                    filename,
                    line,
                    "",
                    f"not valid TOML ({message}): check quotes, brackets and '=' on that line",
                )
            ]
        ) from exc
    reader = _Reader(filename, text)
    policy = reader.policy(data)
    if reader.problems or policy is None:
        raise PolicyError(reader.problems)
    return policy


# --- finding lines --------------------------------------------------------------------------

_HEADER_RE = re.compile(r"^\s*(\[\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$")
_KEY_RE = re.compile(
    r"^\s*((?:[A-Za-z0-9_\-]+|\"[^\"]*\"|'[^']*')(?:\s*\.\s*(?:[A-Za-z0-9_\-]+|\"[^\"]*\"|'[^']*'))*)\s*="
)


def _split_dotted(text: str) -> list[str]:
    parts = re.findall(r"\"([^\"]*)\"|'([^']*)'|([A-Za-z0-9_\-]+)", text)
    return [a or b or c for a, b, c in parts]


class _LineFinder:
    """Maps key paths to line numbers by scanning the text (tomllib does not report positions)."""

    def __init__(self, text: str) -> None:
        self.lines: dict[KeyPath, int] = {}
        current: KeyPath = ()
        array_counts: dict[tuple[str | int, ...], int] = {}
        in_multiline = False
        for number, raw in enumerate(text.splitlines(), start=1):
            if in_multiline:
                if raw.count('"""') % 2 == 1 or raw.count("'''") % 2 == 1:
                    in_multiline = False
                continue
            header = _HEADER_RE.match(raw)
            if header and not raw.lstrip().startswith("#"):
                names = _split_dotted(header.group(2))
                if header.group(1) == "[[":
                    base = tuple(names)
                    index = array_counts.get(base, 0)
                    array_counts[base] = index + 1
                    current = (*self._resolve(tuple(names[:-1])), names[-1], index)
                else:
                    current = self._resolve(tuple(names))
                self.lines.setdefault(current, number)
                continue
            key = _KEY_RE.match(raw)
            if key:
                self.lines.setdefault((*current, *_split_dotted(key.group(1))), number)
                if raw.count('"""') % 2 == 1 or raw.count("'''") % 2 == 1:
                    in_multiline = True

    def _resolve(self, names: tuple[str, ...]) -> KeyPath:
        # A table header inside an array of tables belongs to its latest entry.
        resolved: list[str | int] = []
        for name in names:
            resolved.append(name)
            latest = self._latest_index(tuple(resolved))
            if latest is not None:
                resolved.append(latest)
        return tuple(resolved)

    def _latest_index(self, path: KeyPath) -> int | None:
        best: int | None = None
        for known in self.lines:
            if len(known) == len(path) + 1 and known[: len(path)] == path:
                last = known[-1]
                if isinstance(last, int) and (best is None or last > best):
                    best = last
        return best

    def find(self, path: KeyPath) -> int | None:
        probe = path
        while probe:
            if probe in self.lines:
                return self.lines[probe]
            probe = probe[:-1]
        return None


def _show(path: KeyPath) -> str:
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += f".{part}" if out else part
    return out


# --- reading --------------------------------------------------------------------------------

_NAME_RE = re.compile(r"^[a-z][a-z0-9_]*$")
_MONTH_DAY_RE = re.compile(r"^(\d\d)-(\d\d)$")

_COMMON_KEYS = {"kind", "label", "source"}
_KIND_KEYS: dict[str, set[str]] = {
    "professional_supervision": {"met_by", "periods", "newly_qualified", "agreed_frequency"},
    "supervision_agreement": {"due"},
    "agreement_review": {"every"},
    "practice_observation": {"met_by", "categories", "count", "year_starts"},
    "group_supervision": {"met_by", "every"},
    "case_supervision": {"met_by", "statuses", "default"},
    "initial_case_discussion": {"met_by", "due"},
    "conference_chair_review": {"met_by", "status", "due", "counts_from"},
    "decision_discussion": {"met_by", "lookback", "events"},
    "record_completion": {"deadlines"},
    "manager_evidence_review": {"every"},
    "appraisal": {"every"},
    "probation_review": {"length", "review_every"},
}
_SOURCED_KEYS = {"period", "source", "preset_choice"}
_SECTION_NEEDS = {
    "policy": " with name, title and due_soon",
    "obligations": ", with one [obligations.NAME] table for each obligation the policy sets",
}


def _choices(values: tuple[str, ...] | list[str]) -> str:
    return ", ".join(values)


class _Reader:
    def __init__(self, filename: str, text: str) -> None:
        self.filename = filename
        self.finder = _LineFinder(text)
        self.problems: list[Problem] = []

    def problem(self, path: KeyPath, message: str) -> None:
        self.problems.append(Problem(self.filename, self.finder.find(path), _show(path), message))

    # generic checks

    def keys(self, table: Mapping[str, Any], path: KeyPath, allowed: set[str]) -> None:
        for key in table:
            if key not in allowed:
                self.problem(
                    (*path, key),
                    f"unknown key '{key}': remove it or use one of {_choices(sorted(allowed))}",
                )

    def table(
        self, parent: Mapping[str, Any], path: KeyPath, key: str, *, required: bool
    ) -> Mapping[str, Any] | None:
        value = parent.get(key)
        if value is None:
            if required:
                where = _show((*path, key))
                needs = _SECTION_NEEDS.get(where, "")
                self.problem(
                    path if path else (key,),
                    f"missing section [{where}]: add it{needs} (see docs/policy-files.md)",
                )
            return None
        if not isinstance(value, dict):
            self.problem(
                (*path, key), f"'{key}' must be a table of keys, like [{_show(path)}.{key}]"
            )
            return None
        return value

    def string(
        self, table: Mapping[str, Any], path: KeyPath, key: str, *, required: bool = True
    ) -> str | None:
        value = table.get(key)
        if value is None:
            if required:
                self.problem((*path, key), f"missing key '{key}': add {key} = \"...\"")
            return None
        if not isinstance(value, str) or not value.strip():
            self.problem((*path, key), f"'{key}' must be a non-empty text in quotes")
            return None
        return value

    def choice_list(
        self,
        table: Mapping[str, Any],
        path: KeyPath,
        key: str,
        allowed: tuple[str, ...],
        what: str,
        *,
        required: bool = True,
    ) -> frozenset[str]:
        value = table.get(key)
        if value is None:
            if required:
                self.problem(
                    (*path, key),
                    f"missing key '{key}': add {key} = [\"...\"] listing {what}s "
                    f"({_choices(allowed)})",
                )
            return frozenset()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.problem(
                (*path, key), f"'{key}' must be a list of {what}s, e.g. [\"{allowed[0]}\"]"
            )
            return frozenset()
        for item in value:
            self.check_choice(item, (*path, key), allowed, what)
        return frozenset(value)

    def check_choice(self, value: str, path: KeyPath, allowed: tuple[str, ...], what: str) -> bool:
        if value in allowed:
            return True
        self.problem(path, f"'{value}' is not a {what}: use one of {_choices(allowed)}")
        return False

    def sourced(
        self,
        value: Any,
        path: KeyPath,
        inherited_source: str,
        *,
        at_least_one_day: bool = False,
    ) -> Sourced | None:
        """A period written either as "28d" or as { period = "28d", source = "B 2.1" }."""
        source = inherited_source
        preset_choice: str | None = None
        text: Any = value
        period_path = path
        if isinstance(value, dict):
            self.keys(value, path, _SOURCED_KEYS)
            text = value.get("period")
            period_path = (*path, "period")
            if text is None:
                self.problem(period_path, "missing key 'period': add period = \"28d\"")
                return None
            own = self.string(value, path, "source", required=False)
            source = own or inherited_source
            preset_choice = self.string(value, path, "preset_choice", required=False)
        if not isinstance(text, str):
            self.problem(period_path, f"{text!r} is not a period: {PERIOD_HELP}, in quotes")
            return None
        try:
            period = parse_period(text)
        except ValueError as exc:
            self.problem(period_path, str(exc))
            return None
        if at_least_one_day and period.count == 0:
            self.problem(
                period_path,
                f"'{text}' would make it due every day: a repeating period must be at least 1 "
                "day, e.g. 28d",
            )
            return None
        return Sourced(period, source, preset_choice)

    def sourced_key(
        self,
        table: Mapping[str, Any],
        path: KeyPath,
        key: str,
        source: str,
        *,
        required: bool = True,
        at_least_one_day: bool = False,
    ) -> Sourced | None:
        if key not in table:
            if required:
                self.problem((*path, key), f"missing key '{key}': add {key} = \"28d\" (a period)")
            return None
        return self.sourced(table[key], (*path, key), source, at_least_one_day=at_least_one_day)

    def sourced_map(
        self,
        table: Mapping[str, Any],
        path: KeyPath,
        key: str,
        source: str,
        allowed: tuple[str, ...],
        what: str,
        *,
        at_least_one_day: bool = False,
    ) -> dict[str, Sourced]:
        section = self.table(table, path, key, required=True)
        out: dict[str, Sourced] = {}
        if section is None:
            return out
        for name, value in section.items():
            if not self.check_choice(name, (*path, key, name), allowed, what):
                continue
            sourced = self.sourced(
                value, (*path, key, name), source, at_least_one_day=at_least_one_day
            )
            if sourced is not None:
                out[name] = sourced
        return out

    # the file

    def policy(self, data: Mapping[str, Any]) -> Policy | None:
        self.keys(data, (), {"policy", "obligations"})
        head = self.table(data, (), "policy", required=True)
        obligations = self.table(data, (), "obligations", required=True)
        name = title = None
        cite_as = ""
        due_soon: Sourced | None = None
        caseload: CaseloadThreshold | None = None
        if head is not None:
            path: KeyPath = ("policy",)
            self.keys(head, path, {"name", "title", "cite_as", "due_soon", "caseload_threshold"})
            name = self.string(head, path, "name")
            if name is not None and not _NAME_RE.match(name):
                self.problem(
                    (*path, "name"),
                    f"'{name}' is not a usable policy name: use lower-case letters, digits and _",
                )
            title = self.string(head, path, "title")
            cite_as = self.string(head, path, "cite_as", required=False) or ""
            due_soon = self.sourced_key(head, path, "due_soon", "RULES.md 1")
            caseload = self._caseload_threshold(head, path)
        rules: list[ObligationRule] = []
        if obligations is not None:
            for ob_name, body in obligations.items():
                rule = self.obligation(ob_name, body)
                if rule is not None:
                    rules.append(rule)
        if name is None or title is None or due_soon is None or self.problems:
            return None
        return Policy(name, title, cite_as, due_soon, tuple(rules), self.filename, caseload)

    def _caseload_threshold(
        self, head: Mapping[str, Any], path: KeyPath
    ) -> CaseloadThreshold | None:
        """caseload_threshold = { children = 18, source = "B 1.3", preset_choice = "..." }"""
        value = head.get("caseload_threshold")
        if value is None:
            return None
        path = (*path, "caseload_threshold")
        if not isinstance(value, dict):
            self.problem(
                path,
                "'caseload_threshold' must be a table, e.g. "
                'caseload_threshold = { children = 18, source = "B 1.3" }',
            )
            return None
        self.keys(value, path, {"children", "source", "preset_choice"})
        children = value.get("children")
        if not isinstance(children, int) or isinstance(children, bool) or children < 1:
            self.problem(
                (*path, "children"),
                "'children' must be a whole number of at least 1 (no quotes), e.g. children = 18; "
                f"got {children!r}",
            )
            return None
        source = self.string(value, path, "source") or ""
        preset_choice = self.string(value, path, "preset_choice", required=False)
        return CaseloadThreshold(children, source, preset_choice)

    def obligation(self, name: str, body: Any) -> ObligationRule | None:
        path: KeyPath = ("obligations", name)
        if not isinstance(body, dict):
            self.problem(path, f"'{name}' must be a table: write it as [obligations.{name}]")
            return None
        if not _NAME_RE.match(name):
            self.problem(
                path,
                f"'{name}' is not a usable obligation name: use lower-case letters, digits and _",
            )
        kind = body.get("kind", name if name in KINDS else None)
        if kind is None:
            self.problem(
                (*path, "kind"),
                f"missing key 'kind': say which rule '{name}' follows, "
                f"kind = one of {_choices(list(KINDS))}",
            )
            return None
        if kind not in KINDS:
            self.problem(
                (*path, "kind"),
                f"'{kind}' is not an obligation kind: use one of {_choices(list(KINDS))}",
            )
            return None
        self.keys(body, path, _COMMON_KEYS | _KIND_KEYS[kind])
        source = self.string(body, path, "source")
        label = self.string(body, path, "label", required=False) or name.replace("_", " ")
        before = len(self.problems)
        build: Callable[[Mapping[str, Any], KeyPath, str, str, str], ObligationRule | None] = (
            getattr(self, f"_{kind}")
        )
        rule = build(body, path, name, label, source or "")
        if source is None or len(self.problems) != before:
            return None
        return rule

    def _met_by(self, body: Mapping[str, Any], path: KeyPath) -> frozenset[str]:
        return self.choice_list(body, path, "met_by", SESSION_TYPES, "session type")

    def _professional_supervision(
        self, body: Mapping[str, Any], path: KeyPath, name: str, label: str, source: str
    ) -> ObligationRule | None:
        met_by = self._met_by(body, path)
        periods = self.sourced_map(
            body, path, "periods", source, STAFF_CATEGORIES, "staff category", at_least_one_day=True
        )
        stages: list[NewlyQualifiedStage] = []
        raw_stages = body.get("newly_qualified", [])
        if not isinstance(raw_stages, list) or not all(isinstance(s, dict) for s in raw_stages):
            self.problem(
                (*path, "newly_qualified"),
                f"'newly_qualified' must be a list of stages, each written [[{_show(path)}"
                ".newly_qualified]] with until and every",
            )
            raw_stages = []
        previous = None
        for index, stage in enumerate(raw_stages):
            stage_path: KeyPath = (*path, "newly_qualified", index)
            self.keys(stage, stage_path, {"until", "every", "source"})
            stage_source = self.string(stage, stage_path, "source", required=False) or source
            until = self.sourced_key(
                stage, stage_path, "until", stage_source, at_least_one_day=True
            )
            every = self.sourced_key(
                stage, stage_path, "every", stage_source, at_least_one_day=True
            )
            if until is not None and every is not None:
                if previous is not None and _rough_days(until) <= _rough_days(previous):
                    self.problem(
                        (*stage_path, "until"),
                        f"stage {index + 1} ends ({until.period}) no later than the stage before "
                        f"it ({previous.period}): list stages in order, each 'until' counted from "
                        "asye_start",
                    )
                previous = until
                stages.append(NewlyQualifiedStage(until, every))
        agreed = body.get("agreed_frequency", False)
        if not isinstance(agreed, bool):
            self.problem(
                (*path, "agreed_frequency"), "'agreed_frequency' must be true or false (no quotes)"
            )
            agreed = False
        return ProfessionalSupervision(
            name, label, source, met_by, periods, tuple(stages), agreed_frequency=agreed
        )

    def _supervision_agreement(
        self, body: Mapping[str, Any], path: KeyPath, name: str, label: str, source: str
    ) -> ObligationRule | None:
        due = self.sourced_key(body, path, "due", source)
        return None if due is None else SupervisionAgreement(name, label, source, due)

    def _agreement_review(
        self, body: Mapping[str, Any], path: KeyPath, name: str, label: str, source: str
    ) -> ObligationRule | None:
        every = self.sourced_key(body, path, "every", source, at_least_one_day=True)
        return None if every is None else AgreementReview(name, label, source, every)

    def _practice_observation(
        self, body: Mapping[str, Any], path: KeyPath, name: str, label: str, source: str
    ) -> ObligationRule | None:
        met_by = self._met_by(body, path)
        categories = self.choice_list(body, path, "categories", STAFF_CATEGORIES, "staff category")
        count = body.get("count")
        if not isinstance(count, int) or isinstance(count, bool) or count < 1:
            self.problem(
                (*path, "count"),
                f"'count' must be a whole number of at least 1 (no quotes), e.g. count = 2; "
                f"got {count!r}",
            )
            count = 1
        year_starts: tuple[int, int] = (4, 1)
        raw = body.get("year_starts")
        match = _MONTH_DAY_RE.match(raw) if isinstance(raw, str) else None
        valid = match is not None and _valid_month_day(int(match.group(1)), int(match.group(2)))
        if match is not None and valid:
            year_starts = (int(match.group(1)), int(match.group(2)))
        else:
            self.problem(
                (*path, "year_starts"),
                f"'year_starts' must be the month and day the year starts, e.g. \"04-01\" for "
                f"1 April; got {raw!r}",
            )
        return PracticeObservation(name, label, source, met_by, categories, count, year_starts)

    def _group_supervision(
        self, body: Mapping[str, Any], path: KeyPath, name: str, label: str, source: str
    ) -> ObligationRule | None:
        met_by = self._met_by(body, path)
        every = self.sourced_key(body, path, "every", source, at_least_one_day=True)
        return None if every is None else GroupSupervision(name, label, source, met_by, every)

    def _case_supervision(
        self, body: Mapping[str, Any], path: KeyPath, name: str, label: str, source: str
    ) -> ObligationRule | None:
        met_by = self._met_by(body, path)
        default = self.sourced_key(
            body, path, "default", source, required=False, at_least_one_day=True
        )
        raw = body.get("statuses", [])
        if not isinstance(raw, list) or not all(isinstance(s, dict) for s in raw):
            self.problem(
                (*path, "statuses"),
                f"'statuses' must be a list written [[{_show(path)}.statuses]] with status "
                "and every",
            )
            raw = []
        statuses: list[StatusPeriod] = []
        for index, entry in enumerate(raw):
            entry_path: KeyPath = (*path, "statuses", index)
            self.keys(entry, entry_path, {"status", "unless", "every", "source"})
            entry_source = self.string(entry, entry_path, "source", required=False) or source
            status = self.string(entry, entry_path, "status")
            if status is not None:
                self.check_choice(status, (*entry_path, "status"), CASE_STATUSES, "case status")
            unless = self.choice_list(
                entry, entry_path, "unless", CASE_STATUSES, "case status", required=False
            )
            every = self.sourced_key(
                entry, entry_path, "every", entry_source, at_least_one_day=True
            )
            if status is not None and every is not None:
                statuses.append(StatusPeriod(status, unless, every))
        if default is None and not statuses and "default" not in body:
            self.problem(
                (*path, "default"),
                'no period at all: add default = "56d" and/or [[...statuses]] entries',
            )
        return CaseSupervision(name, label, source, met_by, tuple(statuses), default)

    def _initial_case_discussion(
        self, body: Mapping[str, Any], path: KeyPath, name: str, label: str, source: str
    ) -> ObligationRule | None:
        met_by = self._met_by(body, path)
        due = self.sourced_key(body, path, "due", source)
        return None if due is None else InitialCaseDiscussion(name, label, source, met_by, due)

    def _conference_chair_review(
        self, body: Mapping[str, Any], path: KeyPath, name: str, label: str, source: str
    ) -> ObligationRule | None:
        met_by = self._met_by(body, path)
        status = self.string(body, path, "status")
        if status is not None:
            self.check_choice(status, (*path, "status"), CASE_STATUSES, "case status")
        due = self.sourced_key(body, path, "due", source)
        counts_from = self.sourced_key(body, path, "counts_from", source)
        if status is None or due is None or counts_from is None:
            return None
        return ConferenceChairReview(name, label, source, met_by, status, due, counts_from)

    def _decision_discussion(
        self, body: Mapping[str, Any], path: KeyPath, name: str, label: str, source: str
    ) -> ObligationRule | None:
        met_by = self._met_by(body, path)
        lookback = self.sourced_key(body, path, "lookback", source)
        events = self.sourced_map(body, path, "events", source, CASE_EVENTS, "case event")
        if lookback is None:
            return None
        return DecisionDiscussion(name, label, source, met_by, lookback, events)

    def _record_completion(
        self, body: Mapping[str, Any], path: KeyPath, name: str, label: str, source: str
    ) -> ObligationRule | None:
        deadlines = self.sourced_map(body, path, "deadlines", source, SESSION_TYPES, "session type")
        return RecordCompletion(name, label, source, deadlines)

    def _manager_evidence_review(
        self, body: Mapping[str, Any], path: KeyPath, name: str, label: str, source: str
    ) -> ObligationRule | None:
        every = self.sourced_key(body, path, "every", source, at_least_one_day=True)
        return None if every is None else ManagerEvidenceReview(name, label, source, every)

    def _appraisal(
        self, body: Mapping[str, Any], path: KeyPath, name: str, label: str, source: str
    ) -> ObligationRule | None:
        every = self.sourced_key(body, path, "every", source, at_least_one_day=True)
        return None if every is None else AnnualAppraisal(name, label, source, every)

    def _probation_review(
        self, body: Mapping[str, Any], path: KeyPath, name: str, label: str, source: str
    ) -> ObligationRule | None:
        length = self.sourced_key(body, path, "length", source, at_least_one_day=True)
        review_every = self.sourced_key(body, path, "review_every", source, at_least_one_day=True)
        if length is None or review_every is None:
            return None
        return ProbationReview(name, label, source, length, review_every)


def _rough_days(sourced: Sourced) -> float:
    factor = {"d": 1.0, "w": 7.0, "m": 30.44, "wd": 1.4}[sourced.period.unit]
    return sourced.period.count * factor


def _valid_month_day(month: int, day: int) -> bool:
    # 29 February would make the year start move; refuse it rather than guess.
    days = (31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
    return 1 <= month <= 12 and 1 <= day <= days[month - 1]
