from django.conf import settings

from common.caching import LIST_CACHE_SECONDS


def network(request):
    return {
        "NETWORK_NAME": settings.NETWORK_NAME,
        "NETWORK_OPERATOR": settings.NETWORK_OPERATOR,
        "NETWORK_ADDRESS": settings.NETWORK_ADDRESS,
        "NETWORK_EMAIL": settings.NETWORK_EMAIL,
        "LIST_CACHE_SECONDS": LIST_CACHE_SECONDS,
    }
