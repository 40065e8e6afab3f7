"""Deployment checks of the portal's own settings (``manage.py check --deploy``)."""

import ipaddress
from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, Warning, register


def _loopback(host: str) -> bool:
    if host in ("localhost", "localhost.localdomain") or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


@register(deploy=True)
def site_url_is_public(app_configs, **kwargs):
    """HCC_SITE_URL is the address in every SMS, e-mail and printed QR code: in production it must
    be the portal's public address, never the development server's default."""
    url = settings.HCC_SITE_URL
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname or _loopback(parts.hostname):
        return [
            Error(
                f"HCC_SITE_URL is {url!r}, not the portal's public address: links in SMS, e-mail "
                "and the QR codes of printed papers would lead nowhere.",
                hint="Set HCC_SITE_URL to the address citizens use, e.g. https://hcc.example.gov.vn.",
                id="hcc.E001",
            )
        ]
    if parts.scheme == "http" and settings.SECURE_SSL_REDIRECT:
        return [
            Warning(
                f"HCC_SITE_URL is {url!r} while the portal redirects to HTTPS: every link sent "
                "goes through a redirect.",
                hint="Use the https:// address in HCC_SITE_URL.",
                id="hcc.W003",
            )
        ]
    return []
