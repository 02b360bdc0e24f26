"""Read a children's social work workforce census (CSWW) XML return: each worker by their Social
Work England number, with their role (OrgRole) and its start and end dates.
docs/standard-returns.md gives every mapping decision. The census has no published schema beside
it, so its shape is checked here: a CSWW message, and for each worker a number, dates written
YYYY-MM-DD, an agency flag of 0 or 1 and an OrgRole from 1 to 6 when one is given."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

import xmlschema

from oversight.import_export.reader import EARLIEST_DATE, LATEST_DATE, MAX_PROBLEMS, Problem, shown
from oversight.organisation.models import CENSUS_ROLES
from oversight.returns.annex_a import tidy
from oversight.returns.cin_census import xml_resource

WORKER = "CSWWWorker"


@dataclass(frozen=True)
class CensusWorker:
    number: int  # the worker's place in the census, 1 for the first
    swe_number: str
    agency: bool
    role_start: dt.date | None
    role_end: dt.date | None
    reason_for_leaving: str
    role: str | None = None  # the OrgRole in words (CENSUS_ROLES); None when not given

    @property
    def where(self) -> str:
        return f"/Message/{WORKER}[{self.number}]"


@dataclass
class WorkforceCensus:
    workers: list[CensusWorker] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    more_problems: int = 0

    def problem(self, file: str, column: str | None, message: str) -> None:
        if len(self.problems) < MAX_PROBLEMS:
            self.problems.append(Problem(file, None, column, message))
        else:
            self.more_problems += 1


def is_workforce_census(source: Path) -> bool:
    """An XML file whose collection is CSWW (read no further than its header)."""
    try:
        with source.open("rb") as stream:
            head = stream.read(4096)
    except OSError:
        return False
    return b"<Collection>CSWW</Collection>" in head


def read_workforce_census(
    source: Path | IO[bytes], name: str = "workforce census"
) -> WorkforceCensus:
    found = WorkforceCensus()
    try:
        root = xml_resource(source).root
    except (xmlschema.XMLSchemaException, SyntaxError, ValueError, OSError) as error:
        found.problem(name, None, f"cannot be read as XML ({shown(str(error), 120)})")
        return found
    collection = root.findtext("Header/CollectionDetails/Collection")
    if root.tag != "Message" or collection != "CSWW":
        found.problem(
            name,
            "/Message/Header/CollectionDetails/Collection",
            f"is '{shown(collection or '')}', not CSWW: this is not a workforce census",
        )
        return found
    seen: dict[str, int] = {}
    for number, element in enumerate(root.iterfind(WORKER), start=1):
        where = f"/Message/{WORKER}[{number}]"
        swe_number = tidy(element.findtext("SWENo") or "")
        if not swe_number:
            found.problem(name, f"{where}/SWENo", "is missing: every worker needs their number")
            continue
        if swe_number in seen:
            found.problem(
                name,
                f"{where}/SWENo",
                f"'{shown(swe_number)}' is also worker {seen[swe_number]}: each worker once",
            )
            continue
        seen[swe_number] = number
        agency = tidy(element.findtext("AgencyWorker") or "")
        if agency not in ("0", "1"):
            found.problem(name, f"{where}/AgencyWorker", "must be 0 (employed) or 1 (agency)")
            continue
        dates = []
        for tag in ("RoleStartDate", "RoleEndDate"):
            text = tidy(element.findtext(tag) or "")
            try:
                day = dt.date.fromisoformat(text) if text else None
                if day is not None and not EARLIEST_DATE <= day <= LATEST_DATE:
                    raise ValueError
            except ValueError:
                found.problem(
                    name, f"{where}/{tag}", f"'{shown(text)}' is not a date: write YYYY-MM-DD"
                )
                day = None
            dates.append(day)
        start, end = dates
        org_role = tidy(element.findtext("OrgRole") or "")
        if org_role and org_role not in CENSUS_ROLES:
            found.problem(
                name,
                f"{where}/OrgRole",
                f"'{shown(org_role)}' is not a census role: use one of "
                + ", ".join(f"{code} ({label.lower()})" for code, label in CENSUS_ROLES.items()),
            )
            continue
        if start and end and end < start:
            found.problem(name, f"{where}/RoleEndDate", f"{end} is before RoleStartDate {start}")
            continue
        found.workers.append(
            CensusWorker(
                number=number,
                swe_number=swe_number,
                agency=agency == "1",
                role_start=start,
                role_end=end,
                reason_for_leaving=tidy(element.findtext("ReasonLeave") or ""),
                role=CENSUS_ROLES[org_role] if org_role else None,
            )
        )
    return found
