from django.apps import AppConfig


class ObligationsConfig(AppConfig):
    name = "oversight.obligations"
    verbose_name = "The obligations store: the engine's answers for today, derived"

    def ready(self) -> None:
        from oversight.obligations import stale  # noqa: F401  (connects the signal handlers)
