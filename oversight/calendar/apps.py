from django.apps import AppConfig


class CalendarConfig(AppConfig):
    name = "oversight.calendar"
    label = "supervision_calendar"  # "calendar" is a module of the standard library
    verbose_name = "Calendar feeds of booked supervision"
