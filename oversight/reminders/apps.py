from __future__ import annotations

from django.apps import AppConfig


class RemindersConfig(AppConfig):
    name = "oversight.reminders"
    label = "reminders"
    verbose_name = "Reminders"
