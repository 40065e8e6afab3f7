"""The fee desk: collect a dossier's fees, record exemptions, print, cancel and verify receipts."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from accounts.permissions import can
from receipts import einvoice, selectors, services
from receipts.fee_lines import fee_lines_for
from receipts.forms import CancelForm, CollectForm, ExemptForm
from receipts.models import FeeLine, Receipt
from receipts.papers import RECEIPT_TEMPLATE, receipt_context
from receipts.services.fees import COLLECTABLE
from receipts.views import signed
from receipts.views.common import dossier_view, serve_paper
from web.money import group_digits


def _add_errors(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def _own_desk(request, dossier) -> None:
    """Desk staff collect only for dossiers their own office received (404 otherwise)."""
    if not request.user.is_superuser and request.user.agency_id != dossier.intake_office_id:
        raise Http404


def _payer_initial(dossier) -> dict:
    return {
        "payer_name": dossier.organisation_name or dossier.applicant_name,
        "payer_address": dossier.address,
        "payer_tax_code": dossier.tax_code or dossier.id_number,
    }


@require_http_methods(["GET", "POST"])
@dossier_view("fee.collect")
def collect(request, dossier):
    """The dossier's fee lines, what is paid, exempted and due; collect and issue a receipt."""
    _own_desk(request, dossier)
    lines = fee_lines_for(dossier)
    due = services.fees_due(lines)
    form = CollectForm(request.POST or None, due=due, initial=_payer_initial(dossier))
    if request.method == "POST" and form.is_valid():
        try:
            receipts = services.receipts_issue(
                actor=request.user,
                dossier=dossier,
                payer=form.payer(),
                method=form.cleaned_data["method"],
                transaction_ref=form.cleaned_data["transaction_ref"],
                line_ids=form.cleaned_data["lines"],
            )
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            for receipt in receipts:
                messages.success(
                    request,
                    _("Đã thu %(amount)s đồng thu hộ %(owner)s, biên lai ký hiệu %(series)s số %(number)s.")
                    % {
                        "amount": group_digits(receipt.total),
                        "owner": receipt.owner.name,
                        "series": receipt.series_code,
                        "number": receipt.number_display,
                    },
                )
            return redirect("receipts:collect", dossier.code)
    return render(
        request,
        "receipts/collect.html",
        {
            "dossier": dossier,
            "lines": lines,
            "due": due,
            "due_total": sum(line.amount for line in due),
            "form": form,
            "exempt_form": ExemptForm(),
            "can_exempt": can(request.user, "fee.exempt"),
            "collectable": dossier.status in COLLECTABLE,
            "receipts": selectors.receipts_of(dossier),
        },
    )


@require_POST
@dossier_view("fee.exempt")
def exempt(request, dossier, line_id: int):
    _own_desk(request, dossier)
    try:
        line = FeeLine.objects.get(pk=line_id, dossier=dossier)
    except FeeLine.DoesNotExist as exc:
        raise Http404 from exc
    form = ExemptForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Vui lòng nêu lý do miễn."))
    else:
        try:
            services.fee_line_exempt(actor=request.user, line=line, reason=form.cleaned_data["reason"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Đã ghi nhận miễn khoản “%(name)s”.") % {"name": line.name})
    return redirect("receipts:collect", dossier.code)


def _visible_receipt(request, pk: int) -> Receipt:
    try:
        return selectors.receipt_for(request.user, pk)
    except Receipt.DoesNotExist as exc:
        raise Http404 from exc


@login_required
@require_GET
def receipt(request, pk: int, as_pdf: bool = False):
    """A receipt, to those who may see its dossier (the applicant included): page or PDF."""
    receipt = _visible_receipt(request, pk)
    return serve_paper(
        request,
        RECEIPT_TEMPLATE,
        {**receipt_context(receipt), "can_cancel": can(request.user, "receipt.cancel")},
        as_pdf=as_pdf,
        filename=f"bien-lai-{receipt.series_code}-{receipt.number_display}",
        html_url=reverse("receipts:receipt", args=[receipt.pk]),
        pdf_url=reverse("receipts:receipt_pdf", args=[receipt.pk]),
        back_url=reverse("dossiers:detail", args=[receipt.dossier.code]),
        sign={
            "dossier": receipt.dossier,
            "agency": receipt.agency,
            "title": "Biên lai thu phí, lệ phí",
            "receipt": receipt,
        },
    )


@login_required
@require_GET
def receipt_xml(request, pk: int):
    """The receipt as an electronic receipt data file (receipts/einvoice.py says what is unconfirmed)."""
    receipt = _visible_receipt(request, pk)
    response = HttpResponse(einvoice.receipt_xml(receipt), content_type="application/xml; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="bien-lai-{receipt.series_code}-{receipt.number_display}.xml"'
    )
    return response


@login_required
@require_http_methods(["GET", "POST"])
def cancel(request, pk: int):
    """Cancel a receipt with a reason and, usually, issue its replacement at once."""
    if not can(request.user, "receipt.cancel"):
        raise Http404
    receipt = _visible_receipt(request, pk)
    if receipt.is_cancelled:
        messages.info(request, _("Biên lai này đã bị hủy."))
        return redirect("receipts:receipt", receipt.pk)
    initial = {
        "payer_name": receipt.payer_name,
        "payer_address": receipt.payer_address,
        "payer_tax_code": receipt.payer_tax_code,
        "method": receipt.method,
        "transaction_ref": receipt.transaction_ref,
    }
    form = CancelForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            if data["replace"]:
                new = services.receipt_replace(
                    actor=request.user,
                    receipt=receipt,
                    reason=data["reason"],
                    payer=form.payer(),
                    method=data["method"],
                    transaction_ref=data["transaction_ref"],
                )
            else:
                services.receipt_cancel(actor=request.user, receipt=receipt, reason=data["reason"])
                new = None
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            if new:
                messages.success(
                    request,
                    _("Đã hủy biên lai số %(old)s và lập biên lai thay thế số %(new)s.")
                    % {"old": receipt.number_display, "new": new.number_display},
                )
                return redirect("receipts:receipt", new.pk)
            messages.success(request, _("Đã hủy biên lai số %(old)s.") % {"old": receipt.number_display})
            return redirect("receipts:receipt", receipt.pk)
    return render(request, "receipts/cancel.html", {"receipt": receipt, "form": form})


@require_GET
def verify(request, token: str):
    """Public check of a receipt from its QR code: number, series, amount, date, agency and
    whether it is valid; no personal data beyond a masked payer name."""
    receipt = selectors.receipt_by_token(token)
    if receipt is None:
        return signed.verify_paper(request, token)
    return render(request, "receipts/verify.html", {"receipt": receipt, **signed.receipt_signature(receipt)})
