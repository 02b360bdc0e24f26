"""Read a Children in Need census XML return, checked first against the Department for
Education's schema (CIN_schema_2024.xsd, shipped beside this module) with xmlschema.
docs/standard-returns.md gives every mapping decision."""

from __future__ import annotations

import datetime as dt
import functools
from pathlib import Path
from typing import IO, Any
from xml.etree.ElementTree import Element

import xmlschema

from oversight.import_export.reader import (
    EARLIEST_DATE,
    ID_LENGTH,
    LATEST_DATE,
    MAX_PROBLEMS,
    Problem,
    shown,
)
from oversight.returns.annex_a import Episode, tidy

SCHEMA_PATH = Path(__file__).with_name("cin_census_schema_2024.xsd")


@functools.cache
def cin_schema() -> xmlschema.XMLSchema:
    return xmlschema.XMLSchema(str(SCHEMA_PATH))


def xml_resource(source: Path | IO[bytes]) -> xmlschema.XMLResource:
    """The document, parsed without fetching anything and with entity expansion refused (no
    XML bombs, nothing from the network)."""
    if isinstance(source, Path):
        with source.open("rb") as stream:
            return xmlschema.XMLResource(stream, allow="none", defuse="always")
    return xmlschema.XMLResource(source, allow="none", defuse="always")


def schema_problems(
    schema: xmlschema.XMLSchema, resource: xmlschema.XMLResource, name: str
) -> tuple[list[Problem], int]:
    problems: list[Problem] = []
    more = 0
    for error in schema.iter_errors(resource):
        if len(problems) >= MAX_PROBLEMS:
            more += 1
            continue
        line = getattr(error, "sourceline", None)
        problems.append(
            Problem(
                name,
                line if isinstance(line, int) else None,
                error.path or None,
                f"does not follow the return's schema: {error.reason or error.message}"
                + (": write dates as YYYY-MM-DD" if "date" in str(error.reason).lower() else ""),
            )
        )
    return problems, more


class XmlReturn:
    """What an XML return gives: episodes, or problems (file, line, element path)."""

    def __init__(self) -> None:
        self.episodes: list[Episode] = []
        self.problems: list[Problem] = []
        self.more_problems = 0


def read_cin_census(source: Path | IO[bytes], name: str = "cin census") -> XmlReturn:
    found = XmlReturn()
    try:
        resource = xml_resource(source)
    except (xmlschema.XMLSchemaException, SyntaxError, ValueError, OSError) as error:
        found.problems.append(
            Problem(name, None, None, f"cannot be read as XML ({shown(str(error), 120)})")
        )
        return found
    found.problems, found.more_problems = schema_problems(cin_schema(), resource, name)
    if found.problems:
        return found
    root: Element = resource.root
    for number, child in enumerate(root.iterfind("Children/Child"), start=1):
        where = f"/Message/Children/Child[{number}]"
        case_id = tidy(child.findtext("ChildIdentifiers/LAchildID") or "")
        if len(case_id) > ID_LENGTH:
            found.problems.append(
                Problem(name, None, f"{where}/ChildIdentifiers/LAchildID", "is too long")
            )
            continue
        birth = _date(child.findtext("ChildIdentifiers/PersonBirthDate"))
        for details in child.iterfind("CINdetails"):
            _episodes(found, name, where, case_id, birth, details)
    return found


def _episodes(
    found: XmlReturn,
    name: str,
    where: str,
    case_id: str,
    birth: dt.date | None,
    details: Element,
) -> None:
    def episode(status: str | None, start: Any, end: Any, closes: bool = False) -> None:
        start_date, end_date = _date(start), _date(end)
        for day in (start_date, end_date):
            if day is not None and not EARLIEST_DATE <= day <= LATEST_DATE:
                found.problems.append(
                    Problem(name, None, where, f"{day} is not a date a council's records hold")
                )
                return
        found.episodes.append(
            Episode(
                sheet=name,
                row=0,
                list_number=0,
                case_id=case_id,
                status=status,
                start_date=start_date,
                end_date=end_date,
                date_of_birth=birth,
                team="",
                worker="",
                closes_case=closes,
            )
        )

    # The referral opens the episode of need, the closure closes it (and the case, unless
    # something else is still open).
    episode(
        None,
        details.findtext("CINreferralDate"),
        details.findtext("CINclosureDate"),
        closes=details.find("CINclosureDate") is not None,
    )
    for plan in details.iterfind("CINPlanDates"):
        episode("child_in_need", plan.findtext("CINPlanStartDate"), plan.findtext("CINPlanEndDate"))
    for plan in details.iterfind("ChildProtectionPlans"):
        episode("child_protection", plan.findtext("CPPstartDate"), plan.findtext("CPPendDate"))


def _date(text: str | None) -> dt.date | None:
    # The schema has checked every date is an xs:date.
    return dt.date.fromisoformat(text.strip()[:10]) if text and text.strip() else None
