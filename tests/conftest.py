from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import time_machine

from tests.council import NOW, TODAY, Council, council
from tests.paths import CONFORMANCE


@pytest.fixture
def frozen_today() -> Iterator[dt.date]:
    """Stop the clock at NOW (tests/council.py), for tests and pages that work from today.

    The live server of the browser tests runs in a thread of this process, so it sees the same
    frozen clock; the browser keeps its own, which the pages never ask."""
    with time_machine.travel(NOW, tick=False):
        yield TODAY


@pytest.fixture
def org() -> Council:
    """The test council (tests/council.py)."""
    return council()


@pytest.fixture
def media(settings: Any, tmp_path: Path) -> Path:
    """Uploaded documents go to a folder of this test's own."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def dataset_copy(tmp_path: Path):
    """A writable copy of a conformance data set, for tests that break it on purpose."""

    def copy(name: str = "03-bedford-allocation-and-legal-planning") -> Path:
        target = tmp_path / name
        shutil.copytree(CONFORMANCE / name, target)
        return target

    return copy


@pytest.fixture(autouse=True)
def audit_checkpoint_in_tmp(settings, tmp_path: Path) -> None:
    """Each test's audit checkpoint file is its own, never the developer's data/ one."""
    settings.OVERSIGHT_AUDIT_CHECKPOINT = tmp_path / "audit-checkpoint.json"
