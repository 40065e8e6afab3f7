from django.conf import settings
from django.utils import translation


class ChosenLanguageMiddleware:
    """Vietnamese unless the visitor chose another language with the language switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language, so a phone set to
    English would get English pages at a Vietnamese counter without anyone asking for them.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        language = chosen if chosen in self.supported else settings.LANGUAGE_CODE
        request.LANGUAGE_CODE = language
        # Active for this request only: the thread goes back to its language afterwards.
        with translation.override(language):
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
