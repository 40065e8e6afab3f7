from django.urls import path

from dashboards import views, views_index766

app_name = "dashboards"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("ho-so/", views.dossier_list, name="dossiers"),
    path("bao-cao.csv", views.report, {"fmt": "csv"}, name="report-csv"),
    path("bao-cao.xlsx", views.report, {"fmt": "xlsx"}, name="report-xlsx"),
    path("cong-khai/", views.public_results, name="public"),
    path("chi-so-766/", views_index766.index_page, name="index766"),
    path("chi-so-766/bao-cao.xlsx", views_index766.index_export, name="index766-xlsx"),
]
