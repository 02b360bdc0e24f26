"""Settings read from the environment strictly: a value Oversight cannot read stops start-up.

The readers are called with an environment passed in; the settings module itself is imported in
a fresh process, because it reads the environment once.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured

from oversight import environment as env
from tests.paths import REPO

PRESETS = ["bedford", "newham"]


def import_settings(
    tmp_path: Path, show: str | None = None, **variables: str
) -> subprocess.CompletedProcess[str]:
    """Import oversight.settings in a new process with only these of Oversight's variables set,
    printing `show` (an expression of the settings module `s`; by default a few settings)."""
    environ = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("OIDC_", "OVERSIGHT_", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_"))
        and key not in {"DATABASE_URL", "STATIC_ROOT"}
    }
    environ.update(OVERSIGHT_DATA_DIR=str(tmp_path), **variables)
    show = (
        show
        or "s.OVERSIGHT_HTTPS, s.OVERSIGHT_POLICY, s.OVERSIGHT_RETENTION_YEARS, s.ALLOWED_HOSTS"
    )
    return subprocess.run(
        [sys.executable, "-c", f"from oversight import settings as s; print({show})"],
        env=environ,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    ("variable", "value", "accepted"),
    [
        ("OVERSIGHT_DEBUG", "maybe", "1, true, yes, on, 0, false, no, off"),
        ("OVERSIGHT_HTTPS", "ture", "1, true, yes, on, 0, false, no, off"),
        ("OVERSIGHT_BEHIND_PROXY", "y", "1, true, yes, on, 0, false, no, off"),
        ("OIDC_CREATE_USERS", "2", "1, true, yes, on, 0, false, no, off"),
        ("OVERSIGHT_UPLOAD_MAX_BYTES", "10MB", "a whole number of 1 or more"),
        ("OVERSIGHT_RETENTION_YEARS", "six", "a whole number of 1 or more"),
        ("OVERSIGHT_POLICY", "bedfrod", "bedford or newham, or the path to a council's policy"),
        ("OIDC_RP_SIGN_ALGO", "RS257", "RS256, RS384, RS512, ES256, ES384, ES512"),
        ("ALLOWED_HOSTS", "oversight.council.example,", "separate the entries with single commas"),
        ("DATABASE_URL", "postgress://oversight@db/oversight", "postgres://USER:PASSWORD@HOST"),
    ],
)
def test_it_stops_start_up_naming_the_variable_the_value_and_what_it_accepts(
    tmp_path: Path, variable: str, value: str, accepted: str
) -> None:
    result = import_settings(tmp_path, **{variable: value})

    assert result.returncode != 0
    message = result.stderr.strip().splitlines()[-1]
    assert message.startswith("django.core.exceptions.ImproperlyConfigured: ")
    shown = value.split("://")[0] + "://…" if "://" in value else value
    assert f"{variable} is set to '{shown}'" in message
    assert accepted in message


def test_it_starts_with_the_defaults_when_the_variables_are_unset_or_empty(
    tmp_path: Path,
) -> None:
    unset = import_settings(tmp_path)
    empty = import_settings(
        tmp_path,
        OVERSIGHT_HTTPS="",
        OVERSIGHT_POLICY=" ",
        OVERSIGHT_RETENTION_YEARS="",
        ALLOWED_HOSTS="",
        DATABASE_URL="",
    )

    defaults = "False bedford 6 ['127.0.0.1', 'localhost', 'testserver']"
    assert (unset.returncode, unset.stdout.strip()) == (0, defaults), unset.stderr
    assert (empty.returncode, empty.stdout.strip()) == (0, defaults), empty.stderr


def test_it_starts_with_good_values_written_the_ways_people_write_them(tmp_path: Path) -> None:
    result = import_settings(
        tmp_path,
        OVERSIGHT_HTTPS=" Yes ",
        OVERSIGHT_POLICY="Newham",
        OVERSIGHT_RETENTION_YEARS="7",
        ALLOWED_HOSTS="oversight.council.example, oversight.internal",
    )

    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == (
        "True newham 7 ['oversight.council.example', 'oversight.internal']"
    )


@pytest.mark.parametrize("word", ["1", "true", "TRUE", "Yes", "on", " on "])
def test_it_reads_each_spelling_of_on(word: str) -> None:
    assert env.boolean("OVERSIGHT_HTTPS", environ={"OVERSIGHT_HTTPS": word}) is True


@pytest.mark.parametrize("word", ["0", "false", "False", "NO", "off"])
def test_it_reads_each_spelling_of_off(word: str) -> None:
    assert env.boolean("OVERSIGHT_HTTPS", True, environ={"OVERSIGHT_HTTPS": word}) is False


def test_it_says_which_default_an_on_off_variable_would_take() -> None:
    with pytest.raises(ImproperlyConfigured) as raised:
        env.boolean("OVERSIGHT_HTTPS", environ={"OVERSIGHT_HTTPS": "ture"})

    assert str(raised.value) == (
        "OVERSIGHT_HTTPS is set to 'ture', which is neither on nor off: use one of 1, true, yes, "
        "on, 0, false, no, off (in any case), or leave it unset for the default (off)."
    )


@pytest.mark.parametrize("value", ["six", "6.0", "1e6", "10 MB", "٦", "+6", "6_000"])
def test_it_takes_only_whole_numbers_written_in_digits(value: str) -> None:
    with pytest.raises(ImproperlyConfigured, match="which is not a whole number: use a whole"):
        env.integer("OVERSIGHT_RETENTION_YEARS", 6, environ={"OVERSIGHT_RETENTION_YEARS": value})


def test_it_refuses_a_number_below_the_least_allowed() -> None:
    with pytest.raises(ImproperlyConfigured) as raised:
        env.integer(
            "OVERSIGHT_RETENTION_YEARS", 6, minimum=1, environ={"OVERSIGHT_RETENTION_YEARS": "0"}
        )

    assert str(raised.value) == (
        "OVERSIGHT_RETENTION_YEARS is set to '0', which is less than 1: use a whole number of 1 "
        "or more in digits, such as 6, or leave it unset for that default."
    )


def test_it_reads_a_whole_number_with_spaces_around_it() -> None:
    assert env.integer("N", 6, minimum=1, environ={"N": " 12 "}) == 12


def test_it_gives_back_a_choice_as_the_list_spells_it() -> None:
    algorithms = ["RS256", "ES256"]

    assert env.choice("OIDC_RP_SIGN_ALGO", algorithms, "RS256", environ={}) == "RS256"
    assert (
        env.choice("OIDC_RP_SIGN_ALGO", algorithms, "RS256", environ={"OIDC_RP_SIGN_ALGO": "es256"})
        == "ES256"
    )


def test_it_takes_a_preset_policy_by_name_in_any_case() -> None:
    assert env.policy("OVERSIGHT_POLICY", PRESETS, "bedford", environ={}) == "bedford"
    assert (
        env.policy("OVERSIGHT_POLICY", PRESETS, "bedford", environ={"OVERSIGHT_POLICY": "NEWHAM"})
        == "newham"
    )


def test_it_takes_the_path_of_a_policy_file_that_exists(tmp_path: Path) -> None:
    policy_file = tmp_path / "our-council.toml"
    policy_file.write_text("# checked when the policy is first loaded\n")

    found = env.policy(
        "OVERSIGHT_POLICY", PRESETS, "bedford", environ={"OVERSIGHT_POLICY": str(policy_file)}
    )

    assert found == str(policy_file)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("hackney", "which is not a preset policy or a policy file"),
        ("/no/such/folder/our-council.toml", "but there is no file there"),
        ("policies/our-council.txt", "which is not a .toml file"),
    ],
)
def test_it_refuses_a_policy_that_is_neither_a_preset_nor_a_policy_file(
    value: str, problem: str
) -> None:
    with pytest.raises(ImproperlyConfigured) as raised:
        env.policy("OVERSIGHT_POLICY", PRESETS, "bedford", environ={"OVERSIGHT_POLICY": value})

    assert str(raised.value) == (
        f"OVERSIGHT_POLICY is set to '{value}', {problem}: use bedford or newham, or the path to "
        "a council's policy file (a .toml file that exists; see docs/policy-files.md)."
    )


def test_it_keeps_a_database_password_out_of_the_message() -> None:
    with pytest.raises(ImproperlyConfigured) as raised:
        env.database(
            "DATABASE_URL", "sqlite:///x", environ={"DATABASE_URL": "postgress://u:hunter2@db/o"}
        )

    assert "hunter2" not in str(raised.value)
    assert str(raised.value).startswith("DATABASE_URL is set to 'postgress://…', which is not a")


def test_it_reads_a_postgres_database_url() -> None:
    database = env.database(
        "DATABASE_URL",
        "sqlite:///x",
        conn_max_age=60,
        environ={"DATABASE_URL": "postgres://oversight@127.0.0.1:5432/oversight"},
    )

    assert database["ENGINE"] == "django.db.backends.postgresql"
    assert (database["NAME"], database["CONN_MAX_AGE"]) == ("oversight", 60)


def test_it_makes_the_oversight_command_say_what_is_wrong_and_exit_2(tmp_path: Path) -> None:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("OVERSIGHT_", "DJANGO_"))}
    environ.update(OVERSIGHT_DATA_DIR=str(tmp_path), OVERSIGHT_HTTPS="ture")
    done = subprocess.run(
        [sys.executable, "-m", "oversight.cli", "check"],
        env=environ,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.startswith("oversight: OVERSIGHT_HTTPS is set to 'ture'")
    assert "Traceback" not in done.stderr


def test_it_switches_off_postgresqls_query_compiler_for_short_queries(tmp_path: Path) -> None:
    # LLVM compiled the facts' session query for 160 ms before running it in 60 (issue 15).
    url = "postgres://someone@db.example:5432/oversight"
    shown = import_settings(tmp_path, "s.DATABASES['default']['OPTIONS']", DATABASE_URL=url)
    assert shown.returncode == 0, shown.stderr
    assert "'options': '-c jit=off -c max_parallel_workers_per_gather=0'" in shown.stdout
