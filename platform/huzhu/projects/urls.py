from django.urls import path, re_path

from . import views

urlpatterns = [
    path("projects/<int:project_id>/disclosure", views.disclosure, name="projects-disclosure"),
    re_path(r"^projects/export/(?P<kind>[a-z]+)\.(?P<fmt>[a-z]+)$", views.export, name="projects-export"),
    path("projects/<int:project_id>/attachments", views.attachment_upload, name="projects-attachment-upload"),
    path("projects/attachments/<int:attachment_id>", views.attachment_download, name="projects-attachment"),
]
