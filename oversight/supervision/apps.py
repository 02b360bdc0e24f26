from django.apps import AppConfig


class SupervisionConfig(AppConfig):
    name = "oversight.supervision"
    verbose_name = "Supervision"

    def ready(self) -> None:
        from oversight.supervision import checks  # noqa: F401  registers the system checks
