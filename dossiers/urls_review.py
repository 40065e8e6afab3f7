"""The dossier page, the staff search, the reviewers' inbox and step actions, checked file downloads.

Dossier pages live under ``xem/<code>/`` so that a code never shadows another area's page
(``/ho-so/tra-cuu/`` and the like)."""

from django.urls import path

from dossiers.views import review, search

urlpatterns = [
    path("xu-ly/", review.inbox, name="inbox"),
    path("tim-kiem/", search.search, name="search"),
    path("xem/<str:code>/", review.detail, name="detail"),
    path("xem/<str:code>/dung-xu-ly/", review.stop, name="stop"),
    path("xem/<str:code>/xin-loi-hen-lai/", review.apologize, name="apologize"),
    path("xem/<str:code>/xac-nhan-nghia-vu-tai-chinh/", review.confirm_payment, name="confirm_payment"),
    path("buoc/<int:step_id>/<str:action>/", review.step_action, name="step_action"),
    path("tep/<int:file_id>/", review.file_download, name="file"),
    path("tep/<int:file_id>/xem/", review.file_preview, name="file_preview"),
    path("tep/<int:file_id>/noi-dung/", review.file_inline, name="file_inline"),
]
