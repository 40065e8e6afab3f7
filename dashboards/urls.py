from django.urls import path

from dashboards import views

app_name = "dashboards"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("ho-so/", views.dossier_list, name="dossiers"),
    path("bao-cao.csv", views.report, {"fmt": "csv"}, name="report-csv"),
    path("bao-cao.xlsx", views.report, {"fmt": "xlsx"}, name="report-xlsx"),
    path("cong-khai/", views.public_results, name="public"),
]
