from django.urls import path

from . import views

urlpatterns = [
    path("timebank/certificates/verify/<str:token>", views.certificate_verify_page, name="timebank-certificate-verify"),
    path("timebank/certificates/<int:certificate_id>.pdf", views.certificate_download,
         name="timebank-certificate-download"),
]
