"""The engine runs without Django (ADR 0001): its modules, and everything they import, load in a
Python where Django cannot be imported. Checked by test, not by review."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import oversight.engine
from tests.paths import REPO

ENGINE = Path(oversight.engine.__file__).parent

# Django made unimportable before anything else is imported, then every engine module imported.
IMPORT_WITHOUT_DJANGO = """
import importlib, sys
sys.modules["django"] = None
for name in sys.argv[1:]:
    importlib.import_module(name)
print("ok", len(sys.argv) - 1)
"""


def engine_modules() -> list[str]:
    return sorted(
        "oversight.engine." + ".".join(path.relative_to(ENGINE).with_suffix("").parts)
        for path in ENGINE.rglob("*.py")
        if path.name != "__init__.py"
    )


def test_it_loads_every_engine_module_where_django_cannot_be_imported() -> None:
    modules = engine_modules()
    done = subprocess.run(
        [sys.executable, "-c", IMPORT_WITHOUT_DJANGO, *modules],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"ok {len(modules)}"
    assert len(modules) > 5
