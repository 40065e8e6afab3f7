"""Posts that take effect once (issue 26, 2: a double click or a retried request made two dossiers,
two codes and two "received" SMS).

- **Forms**: an intake form (desk intake, online submission, supplements, fees, returns…) carries a
  one-time token (``{% once_token %}`` next to ``{% csrf_token %}``). The first post with a token
  records it in the transaction that runs the view; a second post with the same token, even at
  the same moment (it waits on the first's row, then finds it), does nothing and is sent where the
  first was (its redirect). A post that only shows the form again (errors) releases its token.
- **API**: a POST with an ``Idempotency-Key`` header is recorded with its answer (status and
  body); the same key from the same user within ``IDEMPOTENCY_HOURS`` gets that answer again
  (``Idempotent-Replayed: true``), without doing anything; the key reused for another request is
  refused (422).

``OnceMiddleware`` does it for every view, so views and forms only carry the token: it is the last
middleware, and runs the view itself inside the transaction. Server errors (5xx) are not kept: the
post may be tried again.
"""

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.db import IntegrityError, transaction
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.translation import gettext as _

from dossiers.models import SubmittedRequest

FORM_FIELD = "form_token"
HEADER = "Idempotency-Key"
MAX_KEY = 200
REDIRECTS = (301, 302, 303, 307, 308)
# API answers not kept: the client should try again (conflict, rate limit, server errors).
NOT_KEPT = (409, 429)


def new_token() -> str:
    return secrets.token_urlsafe(24)


def _fresh_since():
    return timezone.now() - timedelta(hours=settings.IDEMPOTENCY_HOURS)


def _claim(*, kind: str, key: str, user, fingerprint: str) -> tuple[SubmittedRequest, bool]:
    """The record of ``key`` and True when this request is the first to post it (inside the
    caller's transaction: a concurrent post of the same key waits here for it to end)."""
    user = user if user is not None and user.is_authenticated else None
    try:
        with transaction.atomic():
            return (
                SubmittedRequest.objects.create(
                    kind=kind, key=key, user=user, fingerprint=fingerprint, created_at=timezone.now()
                ),
                True,
            )
    except IntegrityError:
        pass
    record = SubmittedRequest.objects.select_for_update().get(kind=kind, key=key)
    if record.created_at < _fresh_since():  # an old key, used again: a new request
        record.delete()
        return _claim(kind=kind, key=key, user=user, fingerprint=fingerprint)
    return record, False


def claim_once(key: str, *, user) -> tuple[SubmittedRequest, bool]:
    """For a view whose post must take effect once whatever token it carries (the online
    submission, keyed by its upload folder): inside the caller's transaction, the record of
    ``key`` and True when this post is the first; else the committed record of the first (a
    concurrent post waits for it). The caller saves what the first post did in the record, in the
    same transaction, so nothing but a committed result is ever found."""
    return _claim(kind=SubmittedRequest.Kind.FORM, key=key, user=user, fingerprint="")


def _form(request, view, args, kwargs, token: str):
    with transaction.atomic():
        record, first = _claim(kind=SubmittedRequest.Kind.FORM, key=token, user=request.user, fingerprint="")
        if not first:
            if record.user_id != (request.user.pk if request.user.is_authenticated else None):
                return HttpResponse(_("Biểu mẫu này đã được gửi."), status=409, content_type="text/plain")
            messages.info(request, _("Biểu mẫu này đã được gửi; đây là kết quả của lần gửi đó."))
            return redirect(record.location)
        response = view(request, *args, **kwargs)
        if response.status_code in REDIRECTS:
            record.status_code, record.location = response.status_code, response["Location"]
            record.save(update_fields=["status_code", "location"])
        else:  # the form shown again: its next post may try again
            record.delete()
        return response


def _fingerprint(request) -> str:
    digest = hashlib.sha256(f"{request.method} {request.path}\n".encode())
    if request.content_type == "application/json":
        digest.update(request.body)
    else:  # files: their size stands for them (the body is not read twice)
        digest.update(f"{request.content_type} {request.META.get('CONTENT_LENGTH', '')}".encode())
    return digest.hexdigest()


def _api(request, view, args, kwargs, key: str):
    if len(key) > MAX_KEY:
        return JsonResponse({"detail": _("Idempotency-Key dài quá 200 ký tự.")}, status=400)
    if not request.user.is_authenticated:  # nothing to keep for an anonymous refusal
        return view(request, *args, **kwargs)
    fingerprint = _fingerprint(request)
    with transaction.atomic():
        record, first = _claim(
            kind=SubmittedRequest.Kind.API,
            key=f"{request.user.pk}:{key}",
            user=request.user,
            fingerprint=fingerprint,
        )
        if not first:
            if record.fingerprint != fingerprint:
                return JsonResponse(
                    {"detail": _("Idempotency-Key này đã dùng cho một yêu cầu khác.")}, status=422
                )
            replay = HttpResponse(
                bytes(record.body), status=record.status_code, content_type=record.content_type or None
            )
            if record.location:
                replay["Location"] = record.location
            replay["Idempotent-Replayed"] = "true"
            return replay
        response = view(request, *args, **kwargs)
        if callable(getattr(response, "render", None)):
            response = response.render()  # the body is kept with the record
        if response.status_code >= 500 or response.status_code in NOT_KEPT or response.streaming:
            record.delete()
            return response
        record.status_code = response.status_code
        record.body = response.content
        record.content_type = response.get("Content-Type", "")
        record.location = response.get("Location", "")
        record.save(update_fields=["status_code", "body", "content_type", "location"])
        return response


class OnceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view, args, kwargs):
        if request.method != "POST":
            return None
        key = request.headers.get(HEADER, "").strip()
        if key and request.path.startswith("/api/"):
            return _api(request, view, args, kwargs, key)
        if request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            token = request.POST.get(FORM_FIELD, "")
            if token and len(token) <= MAX_KEY:
                return _form(request, view, args, kwargs, token)
        return None


def purge_submitted(*, now=None) -> int:
    """Records older than ``IDEMPOTENCY_HOURS``: their keys may be used again."""
    cutoff = (now or timezone.now()) - timedelta(hours=settings.IDEMPOTENCY_HOURS)
    return SubmittedRequest.objects.filter(created_at__lt=cutoff).delete()[0]


def document_idempotency_key(result, generator, request, public):
    """drf-spectacular post-processing hook: every API POST takes the optional ``Idempotency-Key``
    header this middleware honours, and may answer 422 when a key is reused for another request."""
    parameter = {
        "name": HEADER,
        "in": "header",
        "required": False,
        "schema": {"type": "string", "maxLength": MAX_KEY},
        "description": (
            "A key of the client's choosing, one per intended request. A repeat with the same key "
            f"and body within {settings.IDEMPOTENCY_HOURS} hours gets the first answer again and "
            "changes nothing; the same key with another body is refused (422)."
        ),
    }
    for path, operations in result.get("paths", {}).items():
        if not path.startswith("/api/"):
            continue
        operation = operations.get("post")
        if operation is None:
            continue
        parameters = operation.setdefault("parameters", [])
        if not any(p.get("name") == HEADER and p.get("in") == "header" for p in parameters):
            parameters.append(parameter)
        operation.setdefault("responses", {}).setdefault(
            "422",
            {
                "description": "Idempotency-Key đã dùng cho một yêu cầu khác.",
                "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Detail"}}},
            },
        )
    return result
