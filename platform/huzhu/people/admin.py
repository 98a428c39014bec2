from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from .models import RoleGrant, SocialWorkerProfile, User, VolunteerProfile, Workstation


class RoleGrantInline(admin.TabularInline):
    model = RoleGrant
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["region"]


@admin.register(User)
class HuzhuUserAdmin(UserAdmin):
    list_display = ("email", "display_name", "is_staff", "is_superuser", "is_active")
    search_fields = ("email", "display_name")
    ordering = ("email",)
    inlines = [RoleGrantInline]
    fieldsets = (
        (None, {"fields": ("email", "password", "display_name", "language")}),
        ("Permissions", {"fields": ("is_active", "is_staff", "is_superuser")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)


admin.site.register(Workstation)
admin.site.register(VolunteerProfile)
admin.site.register(SocialWorkerProfile)
