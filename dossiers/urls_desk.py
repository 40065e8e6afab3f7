"""The one-stop desk: counter and postal intake, online queue, returns, on-the-spot."""

from django.urls import path

from dossiers.views import desk

urlpatterns = [
    path("quay/tiep-nhan/", desk.intake, name="desk_intake"),
    path("quay/huong-dan/", desk.guidance, name="desk_guidance"),
    path("quay/tiep-nhan/<str:code>/", desk.confirmation, name="desk_confirmation"),
    path("quay/truc-tuyen/", desk.online_queue_page, name="desk_online_queue"),
    path("quay/truc-tuyen/<str:code>/tiep-nhan/", desk.accept, name="desk_accept"),
    path("quay/truc-tuyen/<str:code>/tu-choi/", desk.refuse_intake, name="desk_refuse_intake"),
    path(
        "quay/truc-tuyen/<str:code>/yeu-cau-bo-sung/",
        desk.request_intake_supplement,
        name="desk_request_intake_supplement",
    ),
    path("quay/tra-ket-qua/", desk.returns, name="desk_returns"),
    path("quay/tra-ket-qua/<str:code>/", desk.return_result, name="desk_return"),
    path("quay/ho-so/<str:code>/giai-quyet-tai-cho/", desk.on_the_spot, name="desk_on_the_spot"),
    path("quay/ho-so/<str:code>/bo-sung/", desk.supply, name="desk_supply"),
    path("quay/ho-so/<str:code>/rut/", desk.withdraw, name="desk_withdraw"),
]
