"""Writes of the privacy app: the citizen's data download and deletion request, and carrying a
deletion out (Law 91/2025/QH15 on personal data protection: the data subject's rights to obtain
and to erase their data; dossiers stay, being records the law requires to keep)."""

import io
import json
import zipfile

from django.contrib.auth.hashers import make_password
from django.core import serializers
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Consent, ContactChange, User
from dossiers.models import Dossier, DossierFile, Event
from privacy.models import DeletionRequest, DeletionStatus


def _rows(queryset) -> list[dict]:
    return [
        {"model": item["model"], "id": item["pk"], **item["fields"]}
        for item in serializers.serialize("python", queryset)
    ]


def data_export(*, user: User) -> bytes:
    """A ZIP with ``du-lieu.json`` (the account, its dossiers with their events and file list,
    contact changes, consents to the processing notice, ratings and feedback it sent) and the
    dossiers' files."""
    from surveys.models import Feedback, Rating

    dossiers = Dossier.objects.filter(applicant_user=user).order_by("id")
    files = DossierFile.objects.filter(dossier__in=dossiers).select_related("dossier").order_by("id")
    account = {
        "username": user.username,
        "full_name": user.full_name,
        "phone": user.phone,
        "email": user.email,
        "date_joined": user.date_joined.isoformat(),
        "last_login": user.last_login.isoformat() if user.last_login else None,
    }
    data = {
        "exported_at": timezone.now().isoformat(),
        "account": account,
        "dossiers": _rows(dossiers),
        "events": _rows(Event.objects.filter(dossier__in=dossiers).order_by("at", "id")),
        "files": [
            {"dossier": f.dossier.code, "name": f.original_name, "document": f.document_name, "size": f.size}
            for f in files
        ],
        "contact_changes": _rows(ContactChange.objects.filter(user=user)),
        # which version of the processing notice they agreed to, when, and for which submission
        "consents": _rows(Consent.objects.filter(user=user).order_by("given_at", "id")),
        "ratings": _rows(Rating.objects.filter(dossier__in=dossiers)),
        "feedback": _rows(Feedback.objects.filter(sender_user=user)),
    }
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("du-lieu.json", json.dumps(data, ensure_ascii=False, indent=2, default=str))
        for f in files:
            with f.file.open("rb") as handle:
                archive.writestr(f"tep/{f.dossier.code}/{f.pk}-{f.original_name}", handle.read())
    return out.getvalue()


@transaction.atomic
def deletion_request(*, user: User, reason: str = "") -> DeletionRequest:
    """The citizen asks for their account to be erased; staff carry it out
    (``deletion_carry_out``, an admin action)."""
    if not user.is_authenticated or user.is_staff_member:
        raise ValidationError(_("Chỉ tài khoản công dân mới gửi được yêu cầu này."))
    open_request = DeletionRequest.objects.filter(user=user, status=DeletionStatus.REQUESTED).first()
    if open_request:
        return open_request
    return DeletionRequest.objects.create(
        user=user, account_ref=f"account:{user.pk}", requested_at=timezone.now(), reason=reason.strip()
    )


@transaction.atomic
def deletion_carry_out(*, request: DeletionRequest) -> DeletionRequest:
    """Erase what the law lets go: the account's name, phone, e-mail and password (it can no longer
    log in). Dossiers keep the applicant's details as received: they are kept for their legal
    retention period."""
    request = DeletionRequest.objects.select_for_update().get(pk=request.pk)
    if request.status == DeletionStatus.DONE:
        return request
    user = User.objects.select_for_update().get(pk=request.user_id)
    user.username = f"da-xoa-{user.pk}"
    user.full_name = ""
    user.first_name = user.last_name = ""
    user.phone = ""
    user.email = ""
    user.password = make_password(None)
    user.is_active = False
    user.save()
    ContactChange.objects.filter(user=user).delete()
    request.status = DeletionStatus.DONE
    request.done_at = timezone.now()
    request.save(update_fields=["status", "done_at"])
    return request
