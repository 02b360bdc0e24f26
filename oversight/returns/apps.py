from django.apps import AppConfig


class ReturnsConfig(AppConfig):
    name = "oversight.returns"
    verbose_name = "Standard returns import"
