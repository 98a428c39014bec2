from django.apps import AppConfig


class RegionsConfig(AppConfig):
    name = "huzhu.regions"
    label = "regions"
    default_auto_field = "django.db.models.BigAutoField"
