from __future__ import annotations

from django.apps import AppConfig


class FilesConfig(AppConfig):
    name = "oversight.files"
    label = "files"
    verbose_name = "Supervision files"
