from django.apps import AppConfig


class LedgerConfig(AppConfig):
    name = "ledger"
    label = "ledger"
    default_auto_field = "django.db.models.BigAutoField"
    verbose_name = "Ledger"
