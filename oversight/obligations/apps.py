from django.apps import AppConfig


class ObligationsConfig(AppConfig):
    name = "oversight.obligations"
    verbose_name = "Obligations"
