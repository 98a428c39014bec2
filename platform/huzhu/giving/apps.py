from django.apps import AppConfig


class GivingConfig(AppConfig):
    name = "huzhu.giving"
    label = "giving"
    default_auto_field = "django.db.models.BigAutoField"
