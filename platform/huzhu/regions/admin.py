from django.contrib import admin

from .models import Region


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    """Regions are created and moved through the services so that paths stay consistent."""

    list_display = ("name", "code", "level", "parent", "path")
    list_filter = ("level",)
    search_fields = ("name", "code")
    readonly_fields = ("path", "depth")

    def save_model(self, request, obj, form, change):  # type: ignore[no-untyped-def]
        from . import services

        if change and "parent" in form.changed_data:
            services.region_move(actor=request.user, region=obj, new_parent=obj.parent)
        elif not change:
            created = services.region_create(
                actor=request.user, name=obj.name, code=obj.code, level=obj.level, parent=obj.parent
            )
            obj.pk, obj.path, obj.depth = created.pk, created.path, created.depth
        else:
            super().save_model(request, obj, form, change)
