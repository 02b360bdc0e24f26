from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.core import checks


class AuditConfig(AppConfig):
    name = "oversight.audit"
    verbose_name = "Audit trail"

    def ready(self) -> None:
        from django.conf import settings

        from oversight.audit import seal

        # A mistyped key stops the server starting, rather than sealing entries with a key
        # nobody meant (ImproperlyConfigured names the problem and how to make a key).
        seal.parse_key(getattr(settings, seal.KEY_SETTING, None))
        checks.register(audit_key_is_set, checks.Tags.security, deploy=True)


def audit_key_is_set(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    from oversight.audit import seal

    if seal.key_is_set():
        return []
    return [
        checks.Warning(
            "OVERSIGHT_AUDIT_KEY is not set, so the audit trail's MACs use a key derived from "
            "SECRET_KEY: changing SECRET_KEY would make every entry fail `oversight audit verify`.",
            hint=f"Set OVERSIGHT_AUDIT_KEY to a key of its own, made with: {seal.MAKE_ONE} "
            "(before the first entry is written; never change it afterwards). Keep it out of "
            "the database and its backups.",
            id="oversight.W001",
        )
    ]
