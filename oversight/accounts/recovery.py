"""Recovery codes: ten single-use codes, so a lost phone does not need an administrator.

Made when a person sets up their authenticator app, and again whenever they ask (which replaces
the old ones). Shown once; only django-otp's StaticDevice holds them afterwards, and each is deleted
as it is used. The sign-in code page takes one in place of the app's code.
"""

from __future__ import annotations

import secrets
from typing import Any

from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

COUNT = 10
LENGTH = 10
# No 0/o, 1/l/i: codes are read off paper and typed.
ALPHABET = "abcdefghjkmnpqrstuvwxyz23456789"


def normalise(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch not in " -")


def looks_like_one(text: str) -> bool:
    code = normalise(text)
    return len(code) == LENGTH and all(ch in ALPHABET for ch in code)


def shown(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def device_for(user: Any) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, confirmed=True).first()


def remaining(user: Any) -> int:
    device = device_for(user)
    return device.token_set.count() if device else 0


def make_new(user: Any) -> list[str]:
    """Replace the person's recovery codes with ten new ones; return them to show once."""
    codes = ["".join(secrets.choice(ALPHABET) for _ in range(LENGTH)) for _ in range(COUNT)]
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name="Recovery codes", confirmed=True)
        StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return [shown(code) for code in codes]
