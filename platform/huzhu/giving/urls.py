from django.urls import path

from . import views

urlpatterns = [
    path("stripe/webhook", views.stripe_webhook, name="stripe-webhook"),
    path("giving/receipts/<int:donation_id>.pdf", views.receipt_download, name="giving-receipt"),
    path("giving/receipts/verify/<str:token>", views.receipt_verify, name="giving-receipt-verify"),
    path("giving/disclosure", views.disclosure, name="giving-disclosure"),
]
