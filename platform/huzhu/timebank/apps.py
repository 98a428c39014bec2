from django.apps import AppConfig


class TimebankConfig(AppConfig):
    name = "huzhu.timebank"
    label = "timebank"
    default_auto_field = "django.db.models.BigAutoField"
