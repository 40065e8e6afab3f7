"""Personal data: the citizen's page, the processing notice, the access record."""

from django.urls import path

from privacy import views

app_name = "privacy"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("thong-bao-xu-ly/", views.notice, name="notice"),
    path("tai-ve/", views.download, name="download"),
    path("yeu-cau-xoa/", views.delete_request, name="delete_request"),
    path("nhat-ky-truy-cap/", views.audit, name="audit"),
]
