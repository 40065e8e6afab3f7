"""The citizen's document store and the dossier's digitised papers."""

from django.urls import path

from documents import views

app_name = "documents"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("<int:pk>/tai/", views.download_mine, name="download_mine"),
    path("ho-so/<str:code>/giay-to/<int:pk>/", views.download_through_dossier, name="download"),
    path("ho-so/<str:code>/giay-to/<int:pk>/mo-ta/", views.describe, name="describe"),
    path("ho-so/<str:code>/tien-do/", views.progress, name="progress"),
    path("ho-so/<str:code>/so-hoa/<int:pk>/", views.digitised, name="digitised"),
    path("ho-so/<str:code>/so-hoa/<int:pk>/lam-lai/", views.retry, name="retry"),
]
