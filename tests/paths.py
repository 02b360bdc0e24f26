"""Where the shared specification lives: beside the project, as in CI's clean clone."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"
CONFORMANCE = SHARED / "spec" / "conformance"
INDICATORS = SHARED / "spec" / "indicators"


def conformance_folders() -> list[Path]:
    folders = sorted(p for p in CONFORMANCE.iterdir() if (p / "scenario.toml").exists())
    if not folders:
        raise RuntimeError(f"No conformance scenarios found in {CONFORMANCE}")
    return folders


def indicator_examples() -> list[Path]:
    """The worked examples of INDICATORS.md, each named after its conformance scenario."""
    examples = sorted(INDICATORS.glob("*.csv"))
    if not examples:
        raise RuntimeError(f"No indicator examples found in {INDICATORS}")
    return examples


DATA = SHARED / "data"
