from django.apps import AppConfig


class OrganisationConfig(AppConfig):
    name = "oversight.organisation"
    verbose_name = "Organisation: services, teams, staff and line management"
