"""The address of the person at the other end, for login throttling and rate limits.

Behind reverse proxies every request arrives from a proxy, so the address is read from
``X-Forwarded-For``: each trusted proxy appends the address it saw, so with ``TRUSTED_PROXY_COUNT``
proxies the client is the entry that many places from the end. Entries further left were written by
the client itself and cannot be trusted.
"""

from django.conf import settings
from django.core.checks import Tags, Warning, register


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


@register(Tags.security, deploy=True)
def proxy_count_matches_deployment(app_configs, **kwargs):
    """hcc.W002: trusting more proxies than there are lets a client choose the address every rate
    limit keys on; trusting fewer lumps every client under the proxy's address."""
    deployed = settings.DEPLOYED_PROXY_COUNT
    if deployed is None or deployed == settings.TRUSTED_PROXY_COUNT:
        return []
    return [
        Warning(
            f"TRUSTED_PROXY_COUNT is {settings.TRUSTED_PROXY_COUNT} but the deployment has {deployed} "
            "proxies in front of the portal (DEPLOYED_PROXY_COUNT).",
            hint="Set TRUSTED_PROXY_COUNT to the number of proxies that append to X-Forwarded-For "
            "(docker-compose.yml: 1, nginx); see README, Production.",
            id="hcc.W002",
        )
    ]
