from django.apps import AppConfig


class DashboardsConfig(AppConfig):
    name = "oversight.dashboards"
    verbose_name = "Compliance dashboards"
