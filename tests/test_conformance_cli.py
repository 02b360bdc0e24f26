"""The conformance scenarios through the command line, on a fresh database, as DATA.md requires."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.fresh_database import fresh_database_url
from tests.paths import conformance_folders

OVERSIGHT = Path(sys.executable).parent / "oversight"
COLUMNS = ("subject_type", "subject_id", "obligation", "due_date", "status", "last_met")


def six_columns(text: str) -> set[tuple[str, ...]]:
    return {tuple(row[c] for c in COLUMNS) for row in csv.DictReader(io.StringIO(text))}


@pytest.mark.parametrize("folder", conformance_folders(), ids=lambda p: p.name)
def test_it_computes_the_expected_obligations_through_the_command_line(
    folder: Path, tmp_path: Path
) -> None:
    scenario = tomllib.loads((folder / "scenario.toml").read_text())
    with fresh_database_url(tmp_path) as url:
        env = {**os.environ, "DATABASE_URL": url, "OVERSIGHT_DATA_DIR": str(tmp_path)}

        def oversight(*args: str) -> str:
            result = subprocess.run(
                [OVERSIGHT, *args], env=env, capture_output=True, text=True, check=False
            )
            assert result.returncode == 0, result.stderr
            return result.stdout

        oversight("migrate", "--no-input", "-v0")
        oversight("import", str(folder))
        report = oversight(
            "obligations", "--policy", scenario["policy"], "--as-of", str(scenario["as_of"])
        )

    header = report.splitlines()[0].split(",")
    assert tuple(header[:6]) == COLUMNS
    assert six_columns(report) == six_columns((folder / "expected.csv").read_text())
