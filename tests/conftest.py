from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.paths import CONFORMANCE


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
