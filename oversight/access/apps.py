from __future__ import annotations

from django.apps import AppConfig


class AccessConfig(AppConfig):
    name = "oversight.access"
    verbose_name = "Access"

    def ready(self) -> None:
        # Registering here rather than relying on rules' autodiscovery keeps the permissions in
        # place whichever RulesConfig the project installs (or none at all).
        from oversight.access import rules  # noqa: F401
