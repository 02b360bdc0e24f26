from __future__ import annotations

from django.apps import AppConfig


class RecordsConfig(AppConfig):
    name = "oversight.records"
    verbose_name = "Supervision records"
