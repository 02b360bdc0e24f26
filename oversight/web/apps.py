from django.apps import AppConfig


class WebConfig(AppConfig):
    name = "oversight.web"
    verbose_name = "Web pages"
