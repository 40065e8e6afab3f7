"""Printed papers, fee desk, receipts, their public verification, the register, reconciliation."""

from django.urls import path

from receipts.views import fees, papers, reconciliation, signed

app_name = "receipts"

urlpatterns = [
    path("ho-so/<str:code>/thu-phi/", fees.collect, name="collect"),
    path("ho-so/<str:code>/thu-phi/mien/<int:line_id>/", fees.exempt, name="exempt"),
    path("ho-so/<str:code>/ket-qua/<int:file_id>/ky-so/", signed.sign_result, name="sign_result"),
    path("ho-so/<str:code>/<slug:slug>/", papers.paper, name="paper"),
    path("ho-so/<str:code>/<slug:slug>/pdf/", papers.paper, {"as_pdf": True}, name="paper_pdf"),
    path("huong-dan/<str:code>/", papers.guidance_paper, name="guidance"),
    path("huong-dan/<str:code>/pdf/", papers.guidance_paper, {"as_pdf": True}, name="guidance_pdf"),
    path("bien-lai/<int:pk>/", fees.receipt, name="receipt"),
    path("bien-lai/<int:pk>/pdf/", fees.receipt, {"as_pdf": True}, name="receipt_pdf"),
    path("bien-lai/<int:pk>/huy/", fees.cancel, name="cancel"),
    path("bien-lai/<int:pk>/xml/", fees.receipt_xml, name="receipt_xml"),
    path("xac-minh/<str:token>/", fees.verify, name="verify"),
    path("ky-so/<str:token>/", signed.download, name="signed_download"),
    path("so-theo-doi/", papers.register, name="register"),
    path("doi-soat/", reconciliation.reconcile, name="reconcile"),
    path("doi-soat/bang-ke/", reconciliation.transfer_statement, name="transfer_statement"),
]
