from __future__ import annotations

from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "oversight.audit"
    verbose_name = "Audit trail"
