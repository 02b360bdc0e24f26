"""`oversight check --deploy` is clean with production settings, and says so when HTTPS is off.

Each check runs in a fresh process, because settings are read from the environment once.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

PRODUCTION = {
    "SECRET_KEY": "x7#Lq9v!pR2mZ8sT4wY6uB1nC3eF5hJ0kA-oD_gI+lM*NzQ%rS^tU&vW(yX)b",
    "ALLOWED_HOSTS": "oversight.council.example",
    "OVERSIGHT_HTTPS": "1",
    "OVERSIGHT_DEBUG": "0",
    "OVERSIGHT_AUDIT_KEY": "5f" * 32,
    "EMAIL_HOST": "smtp.council.example",
}

CHECK = (
    "import django; django.setup(); "
    "from django.core.management import call_command; "
    "call_command('check', deploy=True, fail_level='WARNING')"
)


def run_check(
    tmp_path: Path, without: tuple[str, ...] = (), **overrides: str
) -> subprocess.CompletedProcess[str]:
    # Only this machine's basics: none of the settings under test, and not the browser tests'
    # DJANGO_ALLOW_ASYNC_UNSAFE, which no deployment has.
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("OIDC_", "OVERSIGHT_", "SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_"))
    }
    env.update(PRODUCTION, OVERSIGHT_DATA_DIR=str(tmp_path), **overrides)
    for name in without:
        del env[name]
    env["DJANGO_SETTINGS_MODULE"] = "oversight.settings"
    return subprocess.run(
        [sys.executable, "-c", CHECK], env=env, capture_output=True, text=True, timeout=120
    )


def test_the_deploy_check_is_clean_with_production_settings(tmp_path: Path) -> None:
    result = run_check(tmp_path)
    assert result.returncode == 0, result.stderr
    assert "System check identified no issues (0 silenced)." in result.stdout


def test_the_deploy_check_is_clean_with_council_sign_in_turned_on(tmp_path: Path) -> None:
    result = run_check(
        tmp_path,
        OIDC_RP_CLIENT_ID="client",
        OIDC_RP_CLIENT_SECRET="secret",
        OIDC_TENANT_ID="tenant",
        OIDC_OP_AUTHORIZATION_ENDPOINT="https://login.microsoftonline.com/tenant/oauth2/v2.0/authorize",
        OIDC_OP_TOKEN_ENDPOINT="https://login.microsoftonline.com/tenant/oauth2/v2.0/token",
        OIDC_OP_USER_ENDPOINT="https://graph.microsoft.com/oidc/userinfo",
        OIDC_OP_JWKS_ENDPOINT="https://login.microsoftonline.com/tenant/discovery/v2.0/keys",
    )
    assert result.returncode == 0, result.stderr


def test_the_deploy_check_fails_while_https_is_off(tmp_path: Path) -> None:
    result = run_check(tmp_path, OVERSIGHT_HTTPS="0")
    assert result.returncode != 0
    for check in ("security.W004", "security.W008", "security.W012", "security.W016"):
        assert check in result.stderr


def test_the_deploy_check_warns_while_the_audit_trail_has_no_key_of_its_own(
    tmp_path: Path,
) -> None:
    result = run_check(tmp_path, without=("OVERSIGHT_AUDIT_KEY",))
    assert result.returncode != 0
    assert "oversight.W001" in result.stderr
    assert "OVERSIGHT_AUDIT_KEY is not set" in result.stderr


def test_the_server_will_not_start_with_an_audit_key_it_cannot_use(tmp_path: Path) -> None:
    result = run_check(tmp_path, OVERSIGHT_AUDIT_KEY="not-a-key")
    assert result.returncode != 0
    assert "OVERSIGHT_AUDIT_KEY must be at least 64 hexadecimal characters" in result.stderr
