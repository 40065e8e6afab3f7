from django.contrib.auth import views as auth_views
from django.urls import path

from accounts import views, vneid_views

app_name = "accounts"

urlpatterns = [
    path("dang-nhap/", views.LoginView.as_view(), name="login"),
    path("dang-xuat/", auth_views.LogoutView.as_view(), name="logout"),
    path("dang-ky/", views.register, name="register"),
    path("vneid/", vneid_views.vneid_login, name="vneid_login"),
    path("vneid/ve/", vneid_views.vneid_callback, name="vneid_callback"),
    path("dang-ky/xac-nhan/", views.register_confirm, name="register_confirm"),
    path("lien-he/", views.contact, name="contact"),
    path("lien-he/xac-nhan/", views.contact_confirm, name="contact_confirm"),
    path("nhan-thong-bao/", views.notification_choices, name="notification_choices"),
    path("", views.home, name="home"),
]
