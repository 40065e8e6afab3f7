"""Public tracking: by dossier code and secret (the receipt) or by token (the receipt's QR link).

No login. The page shows the status and the timeline only, never personal data (DESIGN.md, "The
dossier"): ``public_summary`` is the one list of what may be shown, used by this page and by the
tracking API. A wrong code and a wrong secret get the same answer, and lookups are limited per
client address so codes (guessable by law) cannot be paired with secrets by trying.
"""

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from dossiers import tracking_pages
from dossiers.forms.tracking import TrackingForm
from dossiers.selectors import TrackedDossier, public_tracking
from dossiers.workflow import FINAL_STATUSES, Action, Status
from web import ratelimit
from web.pagecache import AnonymousPage

# Lookups (page, QR link and API together) per client address.
RATELIMIT_GROUP = "dossiers.tracking"
RATELIMIT_RATES = ("20/m", "200/h")
RETRY_AFTER_SECONDS = 60
# How long a tracking page is kept. A dossier's writers renew its page versions when it changes
# (``dossiers.tracking_pages``); if the cache missed a renewal, the old page shows this long at most.
PAGE_SECONDS = 600


def lookup_limited(request: HttpRequest) -> bool:
    """Count one lookup from the client's address; True once it is over any of the limits."""
    return ratelimit.count(request, group=RATELIMIT_GROUP, rates=RATELIMIT_RATES).limited


def not_found_message() -> str:
    return _(
        "Không tìm thấy hồ sơ với mã hồ sơ và mã tra cứu đã nhập. Vui lòng kiểm tra lại trên giấy "
        "tiếp nhận hồ sơ."
    )


def too_many_message() -> str:
    return _("Bạn đã tra cứu quá nhiều lần. Vui lòng thử lại sau ít phút.")


def _notice(status: str) -> str:
    """What the applicant should do next, without the reasons (they are personal)."""
    return {
        Status.SUBMITTED: _("Hồ sơ đang chờ bộ phận một cửa kiểm tra và tiếp nhận."),
        Status.REFUSED: _(
            "Hồ sơ đã bị từ chối. Để biết lý do, vui lòng đăng nhập tài khoản đã nộp hồ sơ hoặc liên "
            "hệ bộ phận một cửa nơi tiếp nhận hồ sơ."
        ),
        Status.INTAKE_SUPPLEMENT: _(
            "Hồ sơ cần bổ sung giấy tờ. Để biết nội dung cần bổ sung, vui lòng đăng nhập tài khoản đã "
            "nộp hồ sơ hoặc liên hệ bộ phận một cửa nơi tiếp nhận hồ sơ."
        ),
        Status.SUPPLEMENT_REQUESTED: _(
            "Hồ sơ cần bổ sung giấy tờ. Để biết nội dung cần bổ sung, vui lòng đăng nhập tài khoản đã "
            "nộp hồ sơ hoặc liên hệ bộ phận một cửa nơi tiếp nhận hồ sơ."
        ),
        Status.AWAITING_PAYMENT: _(
            "Hồ sơ đang chờ thực hiện nghĩa vụ tài chính. Vui lòng đăng nhập tài khoản đã nộp hồ sơ "
            "hoặc liên hệ bộ phận một cửa nơi tiếp nhận hồ sơ để biết chi tiết."
        ),
        Status.STOPPED: _(
            "Hồ sơ đã dừng xử lý. Để biết lý do, vui lòng đăng nhập tài khoản đã nộp hồ sơ hoặc liên "
            "hệ bộ phận một cửa nơi tiếp nhận hồ sơ."
        ),
        Status.WITHDRAWN: _("Hồ sơ đã được rút theo đề nghị của người nộp."),
        Status.RESULT_READY: _(
            "Đã có kết quả giải quyết. Kết quả được trả theo hình thức đã đăng ký khi nộp hồ sơ."
        ),
    }.get(status, "")


def public_summary(tracked: TrackedDossier) -> dict:
    """Everything the public may see of a dossier (``dossiers.selectors.public_tracking``): no
    name, ID number, contact, address, notes or reasons."""
    # Where the dossier is now: the agencies of the steps being worked, else the intake office.
    working = tracked.status not in FINAL_STATUSES | {
        Status.SUBMITTED,
        Status.INTAKE_SUPPLEMENT,
        Status.RESULT_READY,
    }
    return {
        "code": tracked.code,
        "procedure_code": tracked.procedure_code,
        "procedure_name": tracked.procedure_name,
        "status": tracked.status,
        "status_label": Status(tracked.status).label if tracked.status in Status.values else tracked.status,
        "status_code": Status.national_code(tracked.status, received=tracked.received_at is not None),
        "current_agencies": (tracked.working_agencies if working else []) or [tracked.intake_office],
        "intake_office": tracked.intake_office,
        "submitted_at": tracked.submitted_at,
        "received_at": tracked.received_at,
        "due_at": tracked.due_at,
        "promised_at": tracked.promised_at,
        "result_ready_at": tracked.result_ready_at,
        "returned_at": tracked.returned_at,
        "notice": _notice(tracked.status),
        "timeline": [
            {
                "at": row["at"],
                "action": row["action"],
                "action_label": Action(row["action"]).label
                if row["action"] in Action.values
                else row["action"],
                "status": row["status"],
                "status_label": Status(row["status"]).label if row["status"] in Status.values else "",
                "agency": row["agency"],
            }
            for row in tracked.timeline
        ],
    }


def _private(response: HttpResponse) -> HttpResponse:
    """The code and secret (or the token) are in the address: keep it out of other sites'
    referrers and out of search engines."""
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _too_many(request: HttpRequest) -> HttpResponse:
    response = render(request, "dossiers/tracking/limited.html", {"message": too_many_message()}, status=429)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    return _private(response)


def _counted(request: HttpRequest, page: AnonymousPage) -> bool:
    """Count the lookup, add the page's version if it has none, and read the page's cache entry
    and version, in one round trip; True when refused."""
    counted = ratelimit.count(
        request, group=RATELIMIT_GROUP, rates=RATELIMIT_RATES, fetch=page.keys, add=page.adds
    )
    page.take(counted.found)
    return counted.limited


@never_cache
@require_GET
def track(request: HttpRequest) -> HttpResponse:
    """The lookup form and, once both the code and the secret match, the dossier's status."""
    asked = "code" in request.GET or "secret" in request.GET
    form = TrackingForm(request.GET if asked else None)
    if not (form.is_bound and form.is_valid()):
        return _private(render(request, "dossiers/tracking/track.html", {"form": form}))
    lookup = {"code": form.cleaned_data["code"], "secret": form.cleaned_data["secret"]}
    # The same address shows the same page until the dossier changes (``dossiers.tracking_pages``);
    # only a code and secret that matched have a page kept under their address.
    version_key = tracking_pages.version_key(code=lookup["code"])
    page = AnonymousPage(request, "track:" + request.get_full_path(), version_key=version_key)
    if _counted(request, page):
        return _too_many(request)
    if cached := page.fresh():
        return _private(cached)
    tracked = public_tracking(**lookup)
    if tracked is None:
        form.add_error(None, not_found_message())
        return _private(render(request, "dossiers/tracking/track.html", {"form": form}, status=404))
    context = {"form": form, "summary": public_summary(tracked)}
    return _private(
        page.store_current(render(request, "dossiers/tracking/track.html", context), timeout=PAGE_SECONDS)
    )


@never_cache
@require_GET
def track_token(request: HttpRequest, token: str) -> HttpResponse:
    """The QR link printed on the receipt."""
    page = AnonymousPage(request, "track-token:" + token, version_key=tracking_pages.version_key(token=token))
    if _counted(request, page):
        return _too_many(request)
    if cached := page.fresh():
        return _private(cached)
    tracked = public_tracking(token=token)
    if tracked is None:
        return _private(render(request, "dossiers/tracking/token_not_found.html", status=404))
    response = render(request, "dossiers/tracking/token.html", {"summary": public_summary(tracked)})
    return _private(page.store_current(response, timeout=PAGE_SECONDS))
