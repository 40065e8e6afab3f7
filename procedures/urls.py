from django.urls import path

from procedures import views

app_name = "procedures"

urlpatterns = [
    path("", views.catalog, name="catalog"),
    path("thu-tuc/<str:code>/", views.detail, name="detail"),
    path("mau-don/<int:pk>/", views.form_template, name="form_template"),
]
