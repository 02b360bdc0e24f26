"""The reminders' settings are read as strictly as the others (issue 11): a value Oversight cannot
read stops start-up naming the variable."""

from __future__ import annotations

from pathlib import Path

from tests.test_deploy_check import run_check
from tests.test_settings_environment import import_settings


def test_it_stops_on_escalation_days_that_are_not_a_whole_number(tmp_path: Path) -> None:
    done = import_settings(tmp_path, OVERSIGHT_ESCALATION_DAYS="two weeks")
    assert done.returncode != 0
    assert "OVERSIGHT_ESCALATION_DAYS is set to 'two weeks'" in done.stderr
    assert "a whole number of 1 or more" in done.stderr


def test_it_stops_on_a_notify_key_without_a_template(tmp_path: Path) -> None:
    done = import_settings(tmp_path, NOTIFY_API_KEY="oversight-key")
    assert done.returncode != 0
    assert "NOTIFY_TEMPLATE_ID is not" in done.stderr


def test_it_stops_on_an_email_port_that_is_not_a_number(tmp_path: Path) -> None:
    done = import_settings(tmp_path, EMAIL_HOST="smtp.council.example", EMAIL_PORT="smtp")
    assert done.returncode != 0
    assert "EMAIL_PORT is set to 'smtp'" in done.stderr


def test_the_deploy_check_fails_while_emails_would_only_be_written_to_files(
    tmp_path: Path,
) -> None:
    result = run_check(tmp_path, without=("EMAIL_HOST",))
    assert result.returncode != 0
    assert "mail.E001" in result.stderr
