"""The conformance scenarios (spec/conformance/*/) through the engine directly.

Every folder found there is a test case, so new scenarios are picked up with no code change. The
data set is read by the project's own reader, the one the importer uses, without Django.
"""

from __future__ import annotations

import csv
import datetime as dt
import tomllib
from pathlib import Path

import pytest

from oversight.engine.engine import compute_obligations
from oversight.engine.loader import load_policy
from oversight.import_export.reader import read_dataset, to_facts
from tests.paths import conformance_folders

COLUMNS = ("subject_type", "subject_id", "obligation", "due_date", "status", "last_met")


def read_scenario(folder: Path) -> tuple[str, dt.date]:
    scenario = tomllib.loads((folder / "scenario.toml").read_text(encoding="utf-8"))
    return scenario["policy"], dt.date.fromisoformat(str(scenario["as_of"]))


@pytest.mark.parametrize("folder", conformance_folders(), ids=lambda p: p.name)
def test_it_computes_what_the_scenario_expects(folder: Path) -> None:
    policy_name, as_of = read_scenario(folder)
    facts = to_facts(read_dataset(folder))

    obligations = compute_obligations(load_policy(policy_name), facts, as_of)

    got = {
        (
            o.subject_type,
            o.subject_id,
            o.obligation,
            o.due_date.isoformat(),
            o.status,
            o.last_met.isoformat() if o.last_met else "",
        )
        for o in obligations
    }
    with (folder / "expected.csv").open(encoding="utf-8") as f:
        expected = {tuple(row[c] for c in COLUMNS) for row in csv.DictReader(f)}
    missing = sorted(expected - got)
    unexpected = sorted(got - expected)
    assert (missing, unexpected) == ([], []), (
        f"\nexpected but not computed:\n  {missing}\ncomputed but not expected:\n  {unexpected}"
    )
    assert len(obligations) == len(got), "the engine produced duplicate rows"
