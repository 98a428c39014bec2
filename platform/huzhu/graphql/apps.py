from django.apps import AppConfig


class GraphqlConfig(AppConfig):
    name = "huzhu.graphql"
    label = "graphql"
    default_auto_field = "django.db.models.BigAutoField"
