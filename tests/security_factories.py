"""Factories for sign-in tests: people with real passwords, authenticator apps and their codes."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.hashers import Argon2PasswordHasher
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from tests.factories import UserFactory

PASSWORD = "correct-horse-battery-staple"


class QuickArgon2PasswordHasher(Argon2PasswordHasher):
    """Argon2 at its cheapest, for tests that sign in often: same algorithm and hash format,
    a fraction of the memory and time (the real settings are for a real attacker)."""

    time_cost = 1
    memory_cost = 1024
    parallelism = 1


def person(username: str = "ada", **kwargs: Any) -> Any:
    """A user who signs in with PASSWORD (hashed for real, so the sign-in page can check it)."""
    return UserFactory(username=username, password=PASSWORD, **kwargs)


def authenticator_app(user: Any) -> TOTPDevice:
    """A confirmed authenticator app, as if the person had set it up already."""
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def code_from_key(key: bytes, *, steps_from_now: int = 0) -> str:
    """The six digits an authenticator app holding `key` shows now (or some 30 s steps away)."""
    return f"{totp(key, drift=steps_from_now):06d}"


def code_for(device: TOTPDevice, *, steps_from_now: int = 0) -> str:
    return code_from_key(device.bin_key, steps_from_now=steps_from_now)
