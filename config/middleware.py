from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Pick the language: Vietnamese unless the person chose English.

    Pages follow the language switch (its cookie) and otherwise stay in
    Vietnamese, whatever the browser's Accept-Language says (many phones in Huế
    are set to English). API clients ask with Accept-Language, as HTTP intends.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if request.path.startswith("/api/") and not chosen:
            language = translation.get_language_from_request(request)
        elif chosen and translation.check_for_language(chosen):
            language = translation.get_supported_language_variant(chosen)
        else:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
