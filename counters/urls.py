"""Queue pages under ``/xep-hang/``: kiosk, ticket, board (public); console, figures (staff)."""

from django.urls import path

from counters.views import console, figures, public

app_name = "counters"

urlpatterns = [
    path("", public.index, name="index"),
    path("quay/", console.console, name="console"),
    path("quay/<int:counter_id>/mo/", console.open_counter, name="open"),
    path("quay/<int:counter_id>/dong/", console.close_counter, name="close"),
    path("quay/goi-tiep/", console.call_next, name="call_next"),
    path("quay/so/<int:ticket_id>/chuyen/", console.transfer, name="transfer"),
    path("quay/so/<int:ticket_id>/ho-so/", console.attach, name="attach"),
    path("quay/so/<int:ticket_id>/<slug:action>/", console.ticket_action, name="ticket_action"),
    path("so-lieu/", figures.figures, name="figures"),
    path("so/<str:token>/", public.ticket, name="ticket"),
    path("so/<str:token>/trang-thai.json", public.ticket_json, name="ticket_json"),
    path("so/<str:token>/in/", public.ticket_print, name="ticket_print"),
    path("<str:office>/lay-so/", public.kiosk, name="kiosk"),
    path("<str:office>/lay-so/<int:service>/uu-tien/", public.kiosk_priority, name="kiosk_priority"),
    path("<str:office>/man-hinh/", public.board, name="board"),
    path("<str:office>/man-hinh.json", public.board_json, name="board_json"),
]
