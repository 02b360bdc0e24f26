from __future__ import annotations

from django.apps import AppConfig


class AppraisalsConfig(AppConfig):
    name = "oversight.appraisals"
    verbose_name = "Appraisals"
