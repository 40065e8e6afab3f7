"""Rating pages: the link after the result is returned, the applicant's own dossier, the counter
kiosk and the clerks' batch of paper forms."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods
from django_ratelimit.core import is_ratelimited

from accounts.permissions import can
from counters.models import Counter
from dossiers.models import Dossier
from dossiers.selectors import dossier_by_token
from surveys import selectors, services
from surveys.forms import PaperFormSet, RatingForm
from surveys.models import Rating

RATELIMIT_GROUP = "surveys.rating"
RATELIMIT_RATES = ("20/m", "200/h")


def limited(request: HttpRequest, group: str = RATELIMIT_GROUP) -> bool:
    hit = False
    for rate in RATELIMIT_RATES:
        hit |= is_ratelimited(request, group=group, key="ip", rate=rate, increment=True)
    return hit


def _too_many(request: HttpRequest) -> HttpResponse:
    response = render(
        request,
        "surveys/limited.html",
        {"message": _("Bạn đã gửi quá nhiều lần. Vui lòng thử lại sau ít phút.")},
        status=429,
    )
    response["Retry-After"] = "60"
    return response


def _private(response: HttpResponse) -> HttpResponse:
    """The token is in the address: keep it out of other sites' referrers and search engines.
    ``same-origin``, not ``no-referrer``: with the latter browsers send ``Origin: null`` on the
    page's own form and Django's CSRF check refuses it."""
    response["Referrer-Policy"] = "same-origin"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _save(form: RatingForm, call) -> Rating | None:
    try:
        return call(
            score=form.cleaned_data["score"],
            reasons=list(form.cleaned_data["reasons"]),
            comment=form.cleaned_data["comment"],
        )
    except ValidationError as exc:
        for message in exc.messages:
            form.add_error(None, message)
    return None


@never_cache
@require_http_methods(["GET", "POST"])
def rate_dossier(request: HttpRequest, token: str) -> HttpResponse:
    """The link sent after the result is returned: one rating per dossier, no login."""
    if limited(request):
        return _too_many(request)
    dossier = dossier_by_token(token)
    if dossier is None:
        raise Http404(_("Đường dẫn đánh giá không đúng hoặc đã hết hiệu lực."))
    rating = Rating.objects.filter(dossier=dossier).first()
    form = RatingForm(request.POST if request.method == "POST" and rating is None else None)
    if form.is_bound and form.is_valid():
        rating = _save(form, lambda **kw: services.rating_by_link(dossier=dossier, **kw))
        if rating is not None:
            messages.success(request, _("Cảm ơn bạn đã đánh giá."))
            return redirect("surveys:rate_dossier", token=token)
    context = {"dossier": dossier, "rating": rating, "form": form}
    return _private(render(request, "surveys/rate_dossier.html", context))


@login_required
@require_http_methods(["POST"])
def rate_own(request: HttpRequest, code: str) -> HttpResponse:
    """The applicant rates a returned dossier from 'Hồ sơ của tôi'."""
    dossier = Dossier.objects.filter(code=code, applicant_user=request.user).first()
    if dossier is None:
        raise Http404
    form = RatingForm(request.POST)
    if form.is_valid() and _save(
        form, lambda **kw: services.rating_online(actor=request.user, dossier=dossier, **kw)
    ):
        messages.success(request, _("Cảm ơn bạn đã đánh giá hồ sơ %(code)s.") % {"code": dossier.code})
    else:
        errors = [str(e) for e in form.non_field_errors()] + [str(e) for field in form for e in field.errors]
        messages.error(request, " ".join(errors))
    return redirect("dossiers:my_dossiers")


@never_cache
@require_http_methods(["GET", "POST"])
def kiosk(request: HttpRequest, token: str) -> HttpResponse:
    """The tablet facing the citizen at a counter: rates the clerk sitting there now. Its address
    holds the kiosk's secret (``RatingKiosk``): a counter's number alone opens nothing."""
    counter = get_object_or_404(
        Counter.objects.select_related("office", "clerk"), rating_kiosk__token=token, is_active=True
    )
    thanked = request.GET.get("cam-on") == "1"
    form = RatingForm(request.POST if request.method == "POST" else None)
    if request.method == "POST":
        if limited(request, "surveys.kiosk"):
            return _too_many(request)
        if form.is_valid() and _save(form, lambda **kw: services.rating_at_kiosk(counter=counter, **kw)):
            return redirect(f"{request.path}?cam-on=1")
    context = {
        "counter": counter,
        "form": form,
        "thanked": thanked,
        "reset_seconds": settings.SURVEYS_KIOSK_RESET_SECONDS,
    }
    return render(request, "surveys/kiosk.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def paper(request: HttpRequest) -> HttpResponse:
    """Clerks type in a batch of paper survey forms; a bad row saves nothing."""
    if not can(request.user, "rating.enter_paper"):
        raise PermissionDenied
    formset = PaperFormSet(request.POST if request.method == "POST" else None, prefix="phieu")
    error = ""
    if request.method == "POST" and formset.is_valid():
        rows = [
            services.PaperRow(
                score=row["score"],
                dossier_code=row.get("dossier_code", ""),
                reasons=list(row.get("reasons") or []),
                comment=row.get("comment", ""),
            )
            for row in formset.cleaned_data
            if row and row.get("score")
        ]
        try:
            made = services.ratings_enter_paper(actor=request.user, rows=rows)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("Đã lưu %(n)s phiếu đánh giá.") % {"n": len(made)})
            return redirect("surveys:paper")
    return render(request, "surveys/paper.html", {"formset": formset, "error": error})


@login_required
@require_http_methods(["GET", "POST"])
def kiosks(request: HttpRequest) -> HttpResponse:
    """Managers see the secret address of each counter's rating tablet and issue a new one (the
    first, or when a tablet is lost: the old address stops working)."""
    if not can(request.user, "counter.configure"):
        raise PermissionDenied
    counters = selectors.kiosk_counters(request.user)
    if request.method == "POST":
        counter = get_object_or_404(counters, pk=request.POST.get("counter") or 0)
        try:
            services.kiosk_issue(actor=request.user, counter=counter)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Đã cấp địa chỉ mới cho máy tính bảng của quầy %(number)s; địa chỉ cũ không còn dùng được.")
                % {"number": counter.number},
            )
        return redirect("surveys:kiosks")
    rows = [
        (
            counter,
            request.build_absolute_uri(reverse("surveys:kiosk", args=[counter.rating_kiosk.token]))
            if hasattr(counter, "rating_kiosk")
            else "",
        )
        for counter in counters
    ]
    return render(request, "surveys/staff/kiosks.html", {"rows": rows})
