"""VNeID login: the OpenID Connect client (authlib) and the account a verified identity opens.

The flow (authorization code with PKCE S256, ``state`` and ``nonce`` kept in the session and
checked on return, the ID token's signature checked against the provider's JWKS, its issuer,
audience, expiry and nonce validated) is authlib's; this module says where the provider is, reads
the claims the province's provider uses for the identity number and the identity level, and
finds or makes the account (``account_for_identity``, called by ``backends.VNeIDBackend``).
"""

import re
import secrets
from dataclasses import dataclass

from authlib.integrations.django_client import OAuth
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Identity, Role, User
from accounts.phones import normalize_phone

PROVIDER = "vneid"
_apps: dict[tuple, object] = {}


class IdentityError(ValidationError):
    """The provider's answer does not name a usable identity: nobody is logged in."""


@dataclass(frozen=True)
class VerifiedIdentity:
    subject: str
    id_number: str
    level: int
    name: str = ""
    phone: str = ""
    kind: str = Identity.Kind.PERSON


def enabled() -> bool:
    return bool(settings.VNEID_ISSUER and settings.VNEID_CLIENT_ID)


def client():
    """The authlib client of the configured provider (its metadata and keys fetched once)."""
    key = (
        settings.VNEID_ISSUER,
        settings.VNEID_CLIENT_ID,
        settings.VNEID_CLIENT_SECRET,
        settings.VNEID_SCOPE,
    )
    if key not in _apps:
        _apps.clear()
        oauth = OAuth()
        _apps[key] = oauth.register(
            PROVIDER,
            client_id=settings.VNEID_CLIENT_ID,
            client_secret=settings.VNEID_CLIENT_SECRET,
            server_metadata_url=settings.VNEID_ISSUER.rstrip("/") + "/.well-known/openid-configuration",
            client_kwargs={
                "scope": settings.VNEID_SCOPE,
                "code_challenge_method": "S256",
                "timeout": settings.VNEID_TIMEOUT,
            },
        )
    return _apps[key]


def _level(value) -> int:
    """The identity level from the level claim: "2", 2, "vneid:level2", "loa-2" → 2; else 0."""
    match = re.search(r"(\d+)\s*$", str(value or ""))
    return int(match.group(1)) if match else 0


def identity_from_claims(claims: dict) -> VerifiedIdentity:
    """The identity an ID token's claims name. A token carrying the organisation claim
    (``VNEID_CLAIM_ORG_ID``) is an organisation's account (tài khoản định danh điện tử của tổ
    chức): the account is the organisation's, named by ``VNEID_CLAIM_ORG_NAME``; the person who
    logged in for it is not recorded. Otherwise it is a person's, with a 12-digit number."""
    subject = str(claims.get("sub") or "").strip()
    if not subject:
        raise IdentityError(_("Nhà cung cấp định danh không trả về mã định danh của tài khoản."))
    organisation = str(claims.get(settings.VNEID_CLAIM_ORG_ID) or "").strip()
    if organisation:
        if not re.fullmatch(r"[0-9A-Za-z][0-9A-Za-z.\-]{0,19}", organisation):
            raise IdentityError(_("Tài khoản định danh điện tử không có số định danh tổ chức hợp lệ."))
        name = str(claims.get(settings.VNEID_CLAIM_ORG_NAME) or "").strip()
        return VerifiedIdentity(
            subject=subject,
            id_number=organisation,
            level=_level(claims.get(settings.VNEID_CLAIM_LEVEL)),
            name=name[:150],
            kind=Identity.Kind.ORGANISATION,
        )
    id_number = str(claims.get(settings.VNEID_CLAIM_ID_NUMBER) or "").strip()
    if not re.fullmatch(r"\d{12}", id_number):
        raise IdentityError(_("Tài khoản định danh điện tử không có số định danh cá nhân hợp lệ."))
    phone = ""
    if claims.get("phone_number"):
        try:
            phone = normalize_phone(str(claims["phone_number"]))
        except ValidationError:
            phone = ""
    return VerifiedIdentity(
        subject=subject,
        id_number=id_number,
        level=_level(claims.get(settings.VNEID_CLAIM_LEVEL)),
        name=str(claims.get("name") or "").strip()[:150],
        phone=phone,
    )


@transaction.atomic
def account_for_identity(*, identity: VerifiedIdentity) -> User:
    """The account of a verified identity, linked on its first login.

    Known identity number (or subject): that account; its level is refreshed. Else a
    citizen account with the phone number the provider verified is linked (a person's identity
    only). Else a citizen account is made (no password: the citizen or organisation logs in with
    VNeID; an organisation's account bears its name). Staff accounts are never linked
    automatically: an administrator links them."""
    now = timezone.now()
    known = (
        Identity.objects.select_for_update(of=("self",))
        .select_related("user")
        .filter(kind=identity.kind, id_number=identity.id_number)
        .first()
        or Identity.objects.select_for_update()
        .select_related("user")
        .filter(provider=PROVIDER, subject=identity.subject)
        .first()
    )
    if known is not None:
        if (known.kind, known.id_number) != (identity.kind, identity.id_number):
            raise IdentityError(
                _("Số định danh không khớp với tài khoản đã liên kết. Vui lòng liên hệ bộ phận một cửa.")
            )
        known.subject = identity.subject
        known.level = identity.level
        known.last_login_at = now
        known.save(update_fields=["subject", "level", "last_login_at"])
        return known.user
    user = None
    if identity.phone:
        user = (
            User.objects.select_for_update(of=("self",))
            .filter(phone=identity.phone, role=Role.CITIZEN, identity__isnull=True)
            .first()
        )
    if user is None:
        phone_taken = bool(identity.phone) and User.objects.filter(phone=identity.phone).exists()
        user = User(
            username=f"vneid-{secrets.token_hex(6)}",
            role=Role.CITIZEN,
            full_name=identity.name,
            phone="" if phone_taken else identity.phone,
        )
        user.set_unusable_password()
        user.save()
    Identity.objects.create(
        user=user,
        provider=PROVIDER,
        subject=identity.subject,
        kind=identity.kind,
        id_number=identity.id_number,
        level=identity.level,
        linked_at=now,
        last_login_at=now,
    )
    return user
