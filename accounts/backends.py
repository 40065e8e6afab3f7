from django.contrib.auth.backends import ModelBackend
from django.core.exceptions import ValidationError

from accounts.models import User
from accounts.phones import looks_like_phone, normalize_phone
from web import compiled


def find_user_by_identifier(identifier: str) -> User | None:
    """The account named by a login identifier: an e-mail address, a phone number or a
    staff username."""
    identifier = (identifier or "").strip()
    if not identifier:
        return None
    if "@" in identifier:
        return User.objects.filter(email__iexact=identifier).first()
    if looks_like_phone(identifier):
        try:
            return User.objects.filter(phone=normalize_phone(identifier)).first()
        except ValidationError:
            pass
    return User.objects.filter(username__iexact=identifier).first()


def lockout_key(request, credentials) -> str:
    """The key login throttling counts failures under: the account itself when the identifier names
    one (its phone in any form, its e-mail, its username share one count); otherwise the phone in
    one form, the e-mail in lower case, the username as typed."""
    identifier = ((credentials or {}).get("username") or "").strip()
    user = find_user_by_identifier(identifier)
    if user is not None:
        return f"account:{user.pk}"
    if "@" in identifier:
        return identifier.lower()
    if looks_like_phone(identifier):
        try:
            return normalize_phone(identifier)
        except ValidationError:
            pass
    return identifier.lower()


class _UserWithAgency(ModelBackend):
    """The signed-in user of each request (``AuthenticationMiddleware``) read with their agency in
    the same statement: the staff pages show it or filter by it, and reading it on its own was one
    more statement on each of them (issue 25). A citizen's is an outer join that finds nothing."""

    def get_user(self, user_id):
        if isinstance(user_id, int) and not isinstance(user_id, bool):
            # every request's statement, compiled once a connection (``web.compiled``)
            found = compiled.rows(("session_user",), _session_user, user_id)
            user = found[0] if found else None
        else:
            user = User._default_manager.select_related("agency").filter(pk=user_id).first()
        if user is None:
            return None
        return user if self.user_can_authenticate(user) else None


def _session_user(user_id: int):
    return User._default_manager.select_related("agency").filter(pk=user_id)[:1]


class PhoneOrEmailBackend(_UserWithAgency):
    """Log in with a phone number, an e-mail address or a username, and a password."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None or password is None:
            return None
        user = find_user_by_identifier(username)
        if user is None:
            # Spend the same time as a real check so that timing does not tell who exists.
            User().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None


class VNeIDBackend(_UserWithAgency):
    """Log in with an identity verified by VNeID (``accounts.vneid``): the view passes the
    identity it read from a validated ID token; never reached with a password."""

    def authenticate(self, request, vneid_identity=None, **kwargs):
        if vneid_identity is None:
            return None
        from accounts.vneid import account_for_identity

        user = account_for_identity(identity=vneid_identity)
        return user if self.user_can_authenticate(user) else None
