"""Serving with gunicorn (README, "Running it for real"): the configuration in gunicorn.conf.py
loads, and the application is warmed before the workers are forked, every view imported and every
template compiled, with no database connection opened, and all of it frozen out of the garbage
collector's way."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent


def run(*command: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    environ = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    environ.update(OVERSIGHT_DATA_DIR=str(tmp_path), DJANGO_SETTINGS_MODULE="oversight.settings")
    return subprocess.run(
        command, env=environ, cwd=REPO, capture_output=True, text=True, timeout=120
    )


def test_it_warms_the_application_without_touching_the_database(tmp_path: Path) -> None:
    shown = run(
        sys.executable,
        "-c",
        "import sys, oversight.wsgi\n"
        "from django.db import connection\n"
        "from django.template import engines\n"
        "[loader] = engines['django'].engine.template_loaders\n"
        "import gc\n"
        "print(len(loader.get_template_cache), 'oversight.web.mywork.home' in sys.modules,"
        " connection.connection is None, gc.get_freeze_count() > 0)",
        tmp_path=tmp_path,
    )
    assert shown.returncode == 0, shown.stderr
    compiled, views_imported, no_connection, frozen = shown.stdout.split()
    ours = len(list((REPO / "oversight").rglob("templates/**/*.html")))
    assert int(compiled) >= ours
    assert views_imported == "True"
    assert no_connection == "True"
    assert frozen == "True"  # what the workers share, out of the collector's way


def test_its_gunicorn_configuration_loads(tmp_path: Path) -> None:
    checked = run(str(BIN / "gunicorn"), "--check-config", "oversight.wsgi", tmp_path=tmp_path)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    printed = run(str(BIN / "gunicorn"), "--print-config", "oversight.wsgi", tmp_path=tmp_path)
    settings = {
        name.strip(): value.strip()
        for name, _, value in (line.partition(" = ") for line in printed.stdout.splitlines())
    }
    assert settings["preload_app"] == "True"
    assert settings["worker_class"] == "gthread"
    assert settings["threads"] == "4"
