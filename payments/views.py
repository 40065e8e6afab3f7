"""Thin views: parse, call one service, render."""

from urllib.parse import urlsplit

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods

from accounts.permissions import can
from dossiers.models import Dossier
from dossiers.selectors import dossiers_visible_to
from payments import selectors, services
from payments.gateway import Gateway
from payments.models import Payment
from receipts import services as receipt_services
from receipts.fee_lines import fee_lines_for
from web.client_ip import client_ip


@login_required
@require_http_methods(["GET", "POST"])
def pay(request, code: str):
    """What the dossier still owes and a button to pay it through the gateway."""
    try:
        dossier = dossiers_visible_to(request.user).select_related("procedure").get(code=code)
    except Dossier.DoesNotExist as exc:
        raise Http404 from exc
    if not services.may_pay(request.user, dossier):
        raise Http404
    if request.method == "POST":
        try:
            started = services.payment_start(
                actor=request.user, dossier=dossier, client_ip=client_ip(request)
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            return redirect("payments:pay", code=dossier.code)
        return HttpResponseRedirect(started.redirect_url)
    lines = fee_lines_for(dossier)
    due = receipt_services.fees_due(lines)
    response = render(
        request,
        "payments/pay.html",
        {
            "dossier": dossier,
            "due": due,
            "total": sum(line.amount for line in due),
            "configured": Gateway.from_settings() is not None,
            "payments": selectors.payments_of(dossier),
        },
    )
    gateway = Gateway.from_settings()
    if gateway is not None:
        # The form posts here and is redirected to the gateway: browsers apply form-action to the
        # redirect too, so this page (only) allows the gateway's origin.
        parts = urlsplit(gateway.pay_url)
        response._csp_update = {"form-action": [f"{parts.scheme}://{parts.netloc}"]}
    return response


@never_cache
@require_GET
def gateway_return(request):
    """Where the gateway sends the browser back: shows what our records say (the IPN decides,
    this page changes nothing)."""
    gateway = Gateway.from_settings()
    params = request.GET.dict()
    payment = None
    if gateway is not None and gateway.verify(params):
        payment = (
            Payment.objects.select_related("dossier").filter(txn_ref=params.get("vnp_TxnRef", "")).first()
        )
    return render(
        request,
        "payments/return.html",
        {
            "payment": payment,
            "valid": payment is not None,
            "gateway_code": params.get("vnp_ResponseCode", ""),
        },
        status=200 if payment is not None else 400,
    )


@csrf_exempt  # the gateway calls it server-to-server; the signature is the check
@never_cache
@require_GET
def ipn(request):
    code, message = services.payment_confirm_ipn(request.GET.dict())
    return JsonResponse({"RspCode": code, "Message": message})


@login_required
@require_GET
def pending(request):
    """Online payments with no confirmation yet (checked by the query API every few minutes)."""
    if not can(request.user, "fee.collect") and not can(request.user, "fee.reconcile"):
        raise PermissionDenied
    return render(
        request, "payments/pending.html", {"payments": list(selectors.pending_for(request.user)[:200])}
    )
