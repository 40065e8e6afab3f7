"""The address of the person at the other end, for login throttling and rate limits.

Behind reverse proxies every request arrives from a proxy, so the address is read from
``X-Forwarded-For``: each trusted proxy appends the address it saw, so with ``TRUSTED_PROXY_COUNT``
proxies the client is the entry that many places from the end. Entries further left were written by
the client itself and cannot be trusted.
"""

from django.conf import settings


def client_ip(request) -> str:
    remote = request.META.get("REMOTE_ADDR", "") or "0.0.0.0"  # noqa: S104 (a value, not a bind)  # nosec B104
    count = settings.TRUSTED_PROXY_COUNT
    if count <= 0:
        return remote
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    forwarded = [part.strip() for part in header.split(",") if part.strip()]
    if len(forwarded) < count:
        return remote
    return forwarded[-count]
