from django.apps import AppConfig


class ImportExportConfig(AppConfig):
    name = "oversight.import_export"
    verbose_name = "Data set import and export"
