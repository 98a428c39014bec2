from django.db import models


class DemoLoad(models.Model):
    """Marks that the demo data has been loaded, so that `huzhu demo` run again is a no-op."""

    name = models.CharField(max_length=50, unique=True)
    loaded_at = models.DateTimeField(auto_now_add=True)
    logins = models.JSONField(default=list)
