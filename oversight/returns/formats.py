"""The standard returns Oversight reads, by name, and how to tell which one a file is."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from pathlib import Path
from typing import IO

from oversight.returns.annex_a import read_annex_a
from oversight.returns.plan import Plan, plan_annex_a

ANNEX_A = "annex-a"
FORMATS = {ANNEX_A: "Ofsted Annex A workbook (lists 6 to 9)"}


def detect_format(path: Path) -> str:
    """A folder is a supervision data set; an Excel workbook is an Annex A return."""
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        return ANNEX_A
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
    raise ValueError(f"Unknown return format {kind!r}: use one of {', '.join(FORMATS)}")
