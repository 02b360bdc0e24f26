from django.apps import AppConfig


class DatasetConfig(AppConfig):
    name = "oversight.dataset"
    verbose_name = "Data set import and export"
