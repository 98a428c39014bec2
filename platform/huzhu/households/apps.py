from django.apps import AppConfig


class HouseholdsConfig(AppConfig):
    name = "huzhu.households"
    label = "households"
    default_auto_field = "django.db.models.BigAutoField"
