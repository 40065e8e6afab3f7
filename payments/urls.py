"""Online payment: start, the gateway's return and IPN, the clerk's list of pending payments."""

from django.urls import path

from payments import views

app_name = "payments"

urlpatterns = [
    path("ho-so/<str:code>/", views.pay, name="pay"),
    path("ket-qua/", views.gateway_return, name="return"),
    path("ipn/", views.ipn, name="ipn"),
    path("cho-xac-nhan/", views.pending, name="pending"),
]
