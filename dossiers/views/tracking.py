"""Public tracking: by dossier code and secret (the receipt) or by token (the receipt's QR link).

No login. The page shows the status and the timeline only, never personal data (DESIGN.md, "The
dossier"): ``public_summary`` is the one list of what may be shown, used by this page and by the
tracking API. A wrong code and a wrong secret get the same answer, and lookups are limited per
client address so codes (guessable by law) cannot be paired with secrets by trying.
"""

import hashlib

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET
from django_ratelimit.core import is_ratelimited

from dossiers.forms.tracking import TrackingForm
from dossiers.models import Dossier, StepStatus
from dossiers.selectors import dossier_by_token, dossier_for_tracking, public_timeline, tracking_version
from dossiers.workflow import FINAL_STATUSES, Action, Status
from hcc.pagecache import anonymous_page

# Lookups (page, QR link and API together) per client address.
RATELIMIT_GROUP = "dossiers.tracking"
RATELIMIT_RATES = ("20/m", "200/h")
RETRY_AFTER_SECONDS = 60


def lookup_limited(request: HttpRequest) -> bool:
    """Count one lookup from the client's address; True once it is over any of the limits."""
    limited = False
    for rate in RATELIMIT_RATES:
        # Every window counts every attempt, even one already refused by a shorter window.
        limited |= is_ratelimited(request, group=RATELIMIT_GROUP, key="ip", rate=rate, increment=True)
    return limited


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


def _current_agencies(dossier: Dossier) -> list[str]:
    """Where the dossier is now: the agencies of the steps being worked, else the intake office."""
    names: list[str] = []
    if dossier.status not in FINAL_STATUSES and dossier.status not in (Status.SUBMITTED, Status.RESULT_READY):
        steps = dossier.steps.filter(status__in=[StepStatus.ACTIVE, StepStatus.CLAIMED]).select_related(
            "agency"
        )
        for step in steps.order_by("order", "id"):
            if step.agency.name not in names:
                names.append(step.agency.name)
    return names or [dossier.intake_office.name]


def public_summary(dossier: Dossier) -> dict:
    """Everything the public may see of a dossier: no name, ID number, contact, address, notes or
    reasons."""
    return {
        "code": dossier.code,
        "procedure_code": dossier.procedure.code,
        "procedure_name": dossier.procedure.name,
        "status": dossier.status,
        "status_label": dossier.get_status_display(),
        "status_code": dossier.status_code,
        "current_agencies": _current_agencies(dossier),
        "intake_office": dossier.intake_office.name,
        "submitted_at": dossier.submitted_at,
        "received_at": dossier.received_at,
        "due_at": dossier.due_at,
        "promised_at": dossier.promised_at,
        "result_ready_at": dossier.result_ready_at,
        "returned_at": dossier.returned_at,
        "notice": _notice(dossier.status),
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
            for row in public_timeline(dossier)
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


@never_cache
@require_GET
def track(request: HttpRequest) -> HttpResponse:
    """The lookup form and, once both the code and the secret match, the dossier's status."""
    asked = "code" in request.GET or "secret" in request.GET
    form = TrackingForm(request.GET if asked else None)
    summary = None
    status = 200
    if form.is_bound and form.is_valid():
        if lookup_limited(request):
            return _too_many(request)
        code, secret = form.cleaned_data["code"], form.cleaned_data["secret"]
        version = tracking_version(code=code, secret=secret)
        if version is not None:
            # The same address shows the same page until the dossier changes.
            key = "track:" + version + ":" + hashlib.sha256(request.get_full_path().encode()).hexdigest()

            def build() -> HttpResponse:
                dossier = dossier_for_tracking(code, secret)
                summary = public_summary(dossier) if dossier else None
                if summary is None:
                    form.add_error(None, not_found_message())
                context = {"form": form, "summary": summary}
                return render(
                    request, "dossiers/tracking/track.html", context, status=200 if summary else 404
                )

            return _private(anonymous_page(request, key, build))
        form.add_error(None, not_found_message())
        status = 404
    response = render(
        request, "dossiers/tracking/track.html", {"form": form, "summary": summary}, status=status
    )
    return _private(response)


@never_cache
@require_GET
def track_token(request: HttpRequest, token: str) -> HttpResponse:
    """The QR link printed on the receipt."""
    if lookup_limited(request):
        return _too_many(request)
    version = tracking_version(token=token)
    if version is None:
        return _private(render(request, "dossiers/tracking/token_not_found.html", status=404))

    def build() -> HttpResponse:
        dossier = dossier_by_token(token)
        if dossier is None:
            return render(request, "dossiers/tracking/token_not_found.html", status=404)
        return render(request, "dossiers/tracking/token.html", {"summary": public_summary(dossier)})

    key = "track-token:" + version + ":" + hashlib.sha256(token.encode()).hexdigest()
    return _private(anonymous_page(request, key, build))
