from __future__ import annotations

from typing import Any

from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "oversight.accounts"
    label = "accounts"
    verbose_name = "Sign-in"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        user_logged_in.connect(_start_the_clock, dispatch_uid="oversight_sign_in_clock")


def _start_the_clock(sender: Any, request: Any, user: Any, **kwargs: Any) -> None:
    # Every way of signing in starts the 8-hour limit, not only the views that remember to: a
    # session without the time would otherwise last as long as it stayed busy.
    from oversight.accounts.middleware import note_sign_in

    if request is not None and hasattr(request, "session"):
        note_sign_in(request)
