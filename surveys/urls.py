"""Rating and feedback pages (mounted at the site root)."""

from django.urls import path

from surveys.views import feedback, figures, ratings

app_name = "surveys"

urlpatterns = [
    path("danh-gia/phieu-giay/", ratings.paper, name="paper"),
    path("danh-gia/so-lieu/", figures.figures_page, name="figures"),
    path("danh-gia/may-tinh-bang/", ratings.kiosks, name="kiosks"),
    path("danh-gia/quay/<str:token>/", ratings.kiosk, name="kiosk"),
    path("danh-gia/ho-so-cua-toi/<str:code>/", ratings.rate_own, name="rate_own"),
    path("danh-gia/<str:token>/", ratings.rate_dossier, name="rate_dossier"),
    path("phan-anh/", feedback.feedback_send, name="feedback_send"),
    path("phan-anh/tra-cuu/", feedback.feedback_track, name="feedback_track"),
    path("phan-anh/cong-khai/", feedback.feedback_public, name="feedback_public"),
    path("phan-anh/quan-ly/", feedback.feedback_list, name="feedback_list"),
    path("phan-anh/quan-ly/<int:pk>/", feedback.feedback_detail, name="feedback_detail"),
]
