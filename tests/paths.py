"""Where the shared specification lives: beside the project, as in CI's clean clone."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CONFORMANCE = SHARED / "spec" / "conformance"


def conformance_folders() -> list[Path]:
    folders = sorted(p for p in CONFORMANCE.iterdir() if (p / "scenario.toml").exists())
    if not folders:
        raise RuntimeError(f"No conformance scenarios found in {CONFORMANCE}")
    return folders
