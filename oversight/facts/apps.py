from django.apps import AppConfig


class FactsConfig(AppConfig):
    name = "oversight.facts"
    verbose_name = "Facts for the engine and its answers for pages and commands"
