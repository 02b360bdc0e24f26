"""The standard returns Oversight reads, by name, and how to tell which one a file is."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import IO

from oversight.returns.annex_a import read_annex_a
from oversight.returns.cin_census import read_cin_census
from oversight.returns.plan import (
    Plan,
    plan_annex_a,
    plan_child_episodes,
    plan_ssda903,
    plan_workforce,
)
from oversight.returns.ssda903 import is_ssda903, read_ssda903, read_ssda903_archive
from oversight.returns.workforce import is_workforce_census, read_workforce_census

ANNEX_A = "annex-a"
SSDA903 = "ssda903"
CIN_CENSUS = "cin-census"
WORKFORCE = "workforce"
FORMATS = {
    ANNEX_A: "Ofsted Annex A workbook (lists 6 to 9)",
    SSDA903: "SSDA903 looked-after children return (CSV files)",
    CIN_CENSUS: "Children in Need census (XML)",
    WORKFORCE: "Children's social work workforce census (XML)",
}


def detect_format(path: Path) -> str:
    """An Excel workbook is an Annex A return; a folder with the SSDA903's episodes.csv and
    header.csv is that return; any other folder is a supervision data set."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return ANNEX_A
    if is_ssda903(path):
        return SSDA903
    if path.suffix.lower() == ".xml":
        return WORKFORCE if is_workforce_census(path) else CIN_CENSUS
    return "dataset"


def plan_return(
    kind: str,
    source: Path | IO[bytes],
    *,
    changed_on: dt.date,
    decisions: Mapping[str, str],
    name: str | None = None,
) -> Plan:
    """Read the return and say what it would change (nothing is written)."""
    label = name or (source.name if isinstance(source, Path) else "return")
    if kind == ANNEX_A:
        return plan_annex_a(
            read_annex_a(source, label), name=label, changed_on=changed_on, decisions=decisions
        )
    if kind == SSDA903:
        found = (
            read_ssda903(source)
            if isinstance(source, Path)
            else read_ssda903_archive(source, label)
        )
        return plan_ssda903(found, name=label, changed_on=changed_on)
    if kind == CIN_CENSUS:
        return plan_child_episodes(
            read_cin_census(source, label), name=label, changed_on=changed_on
        )
    if kind == WORKFORCE:
        return plan_workforce(
            read_workforce_census(source, label), name=label, changed_on=changed_on
        )
    raise ValueError(f"Unknown return format {kind!r}: use one of {', '.join(FORMATS)}")
