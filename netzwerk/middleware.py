from django.conf import settings
from django.utils import translation


def language(get_response):
    """German unless the visitor chose another language in the footer (language cookie).

    Browsers' Accept-Language is ignored on purpose: the network works in German, and a German
    page should not turn English because a browser was set up in English.
    """

    def middleware(request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
        code = chosen if chosen in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE
        translation.activate(code)
        request.LANGUAGE_CODE = code
        response = get_response(request)
        response.headers.setdefault("Content-Language", code)
        return response

    return middleware
