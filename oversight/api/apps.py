from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "oversight.api"
    label = "api"
    verbose_name = "REST API: tokens for other systems"
