"""Dossier pages. Each area keeps its own URL module:

- ``urls_desk``: the one-stop desk (counter and postal intake, online queue, return, on-the-spot);
- ``urls_online``: the citizen's online submission and own dossiers;
- ``urls_review``: the dossier page, the reviewers' inbox and step actions, checked file downloads;
- ``urls_tracking``: public tracking by code and secret or QR token.
"""

from dossiers import urls_desk, urls_online, urls_review, urls_tracking

app_name = "dossiers"

urlpatterns = [
    *urls_desk.urlpatterns,
    *urls_online.urlpatterns,
    *urls_review.urlpatterns,
    *urls_tracking.urlpatterns,
]
