"""Settings read from the environment, strictly: what we cannot read stops start-up.

Each reader takes the variable's name and its default, and raises ImproperlyConfigured naming
the variable, the value it found and the values it accepts. Reading a mistyped
``OVERSIGHT_HTTPS=ture`` as "off" would quietly serve a council's staff without HTTPS; refusing
to start is the safer mistake.

A variable that is unset, or set to nothing but spaces, takes its default, so
``DATABASE_URL= make test-sqlite`` means "the default database".
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

TRUE_WORDS = ("1", "true", "yes", "on")
FALSE_WORDS = ("0", "false", "no", "off")
_WHOLE_NUMBER = re.compile(r"-?[0-9]+")


def _value(name: str, environ: Mapping[str, str]) -> str | None:
    value = environ.get(name, "").strip()
    return value or None


def _refuse(name: str, value: str, problem: str, fix: str) -> ImproperlyConfigured:
    return ImproperlyConfigured(f"{name} is set to '{value}', {problem}: {fix}.")


def text(name: str, default: str = "", *, environ: Mapping[str, str] = os.environ) -> str:
    """Free text such as a client ID: anything is accepted, surrounding spaces removed."""
    return _value(name, environ) or default


def path(name: str, default: Path, *, environ: Mapping[str, str] = os.environ) -> Path:
    """A folder or file; relative paths are taken from the folder the command runs in."""
    value = _value(name, environ)
    return Path(value) if value else default


def boolean(name: str, default: bool = False, *, environ: Mapping[str, str] = os.environ) -> bool:
    """On or off: 1/0, true/false, yes/no or on/off, in any case."""
    value = _value(name, environ)
    if value is None:
        return default
    if value.lower() in TRUE_WORDS:
        return True
    if value.lower() in FALSE_WORDS:
        return False
    raise _refuse(
        name,
        value,
        "which is neither on nor off",
        f"use one of {', '.join(TRUE_WORDS + FALSE_WORDS)} (in any case), or leave it unset "
        f"for the default ({'on' if default else 'off'})",
    )


def integer(
    name: str, default: int, *, minimum: int | None = None, environ: Mapping[str, str] = os.environ
) -> int:
    """A whole number written in digits, at least ``minimum`` when one is given."""
    value = _value(name, environ)
    if value is None:
        return default
    accepted = "a whole number" + (f" of {minimum} or more" if minimum is not None else "")
    fix = f"use {accepted} in digits, such as {default}, or leave it unset for that default"
    if not _WHOLE_NUMBER.fullmatch(value):
        raise _refuse(name, value, "which is not a whole number", fix)
    number = int(value)
    if minimum is not None and number < minimum:
        raise _refuse(name, value, f"which is less than {minimum}", fix)
    return number


def choice(
    name: str, choices: Sequence[str], default: str, *, environ: Mapping[str, str] = os.environ
) -> str:
    """One of ``choices`` in any case, given back as ``choices`` spells it."""
    value = _value(name, environ)
    if value is None:
        return default
    for known in choices:
        if value.lower() == known.lower():
            return known
    raise _refuse(
        name,
        value,
        "which is not one Oversight knows",
        f"use one of {', '.join(choices)}, or leave it unset for the default ({default})",
    )


def comma_separated(
    name: str, default: Sequence[str], *, environ: Mapping[str, str] = os.environ
) -> list[str]:
    """A list such as host names: ``a.example,b.example``; spaces around each are removed."""
    value = _value(name, environ)
    if value is None:
        return list(default)
    items = [item.strip() for item in value.split(",")]
    if not all(items):
        raise _refuse(
            name,
            value,
            "which has an empty entry",
            "separate the entries with single commas, such as "
            f"{','.join(default)}, with none before the first or after the last",
        )
    return items


def policy(
    name: str, presets: Sequence[str], default: str, *, environ: Mapping[str, str] = os.environ
) -> str:
    """A preset policy's name (in any case) or the path to a council's policy file that exists.

    A path is told from a name as the engine's loader tells it: it contains a slash or ends in
    ``.toml``. The file's contents are checked when the policy is first loaded.
    """
    value = _value(name, environ)
    if value is None:
        return default
    fix = (
        f"use {' or '.join(presets)}, or the path to a council's policy file (a .toml file "
        "that exists; see docs/policy-files.md)"
    )
    if "/" in value or "\\" in value or value.lower().endswith(".toml"):
        if not value.lower().endswith(".toml"):
            raise _refuse(name, value, "which is not a .toml file", fix)
        if not Path(value).is_file():
            raise _refuse(name, value, "but there is no file there", fix)
        return value
    for preset in presets:
        if value.lower() == preset.lower():
            return preset
    raise _refuse(name, value, "which is not a preset policy or a policy file", fix)


def database(
    name: str, default_url: str, *, conn_max_age: int = 0, environ: Mapping[str, str] = os.environ
) -> dj_database_url.DBConfig:
    """Django's DATABASES entry from a database URL such as ``postgres://user@host:5432/name``."""
    url = _value(name, environ) or default_url
    try:
        return dj_database_url.parse(url, conn_max_age=conn_max_age)
    except ValueError as exc:
        # The URL may carry a password: name only what precedes it.
        shown = url.split("://", 1)[0] + "://…" if "://" in url else url
        raise _refuse(
            name,
            shown,
            "which is not a database URL Oversight can use",
            "use postgres://USER:PASSWORD@HOST:PORT/NAME or sqlite:///PATH, or leave it unset "
            "for SQLite in the data folder",
        ) from exc
