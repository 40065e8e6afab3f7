"""The citizen's online submission (a guided form, one page per question group) and own dossiers."""

from django.urls import path

from dossiers.views import online

urlpatterns = [
    path("nop-truc-tuyen/<str:procedure_code>/", online.submit_start, name="submit_start"),
    path(
        "nop-truc-tuyen/ho-so/<slug:wizard_id>/nguoi-nop/", online.submit_applicant, name="submit_applicant"
    ),
    path("nop-truc-tuyen/ho-so/<slug:wizard_id>/lien-he/", online.submit_contact, name="submit_contact"),
    path("nop-truc-tuyen/ho-so/<slug:wizard_id>/noi-nop/", online.submit_office, name="submit_office"),
    path("nop-truc-tuyen/ho-so/<slug:wizard_id>/giay-to/", online.submit_documents, name="submit_documents"),
    path("nop-truc-tuyen/ho-so/<slug:wizard_id>/kiem-tra/", online.submit_check, name="submit_check"),
    path("nop-truc-tuyen/da-gui/<str:code>/", online.submit_done, name="submit_done"),
    path("cua-toi/", online.my_dossiers, name="my_dossiers"),
    path("cua-toi/<str:code>/bo-sung/", online.my_supply, name="my_supply"),
    path("cua-toi/<str:code>/rut-ho-so/", online.my_withdraw, name="my_withdraw"),
]
