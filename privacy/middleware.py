"""Every answer that may carry personal data is kept out of shared caches, and staff openings of a
dossier's personal data, its files and exports are recorded (``privacy.access``)."""

from django.utils.cache import patch_cache_control

from privacy.access import RECORDED, record_if_personal

# Addresses that carry personal data without a login: the secret in the address is the credential.
TOKEN_PAGES = {"surveys:rate_dossier", "dossiers:track_token", "counters:ticket", "counters:ticket_json"}


class PersonalDataMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        match = request.resolver_match
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        name = match.view_name if match else ""
        if signed_in or name in TOKEN_PAGES or name in RECORDED:
            patch_cache_control(response, private=True, no_store=True)
        if signed_in:
            record_if_personal(request, response.status_code)
        return response
