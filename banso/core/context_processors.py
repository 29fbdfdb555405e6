from django.conf import settings
from django.utils.functional import SimpleLazyObject


def shell(request):
    """What the page frame needs: the user's scope summary and whether this is sample data.

    Lazy and computed once per request: home-page panels render partial templates with the request, and each
    would otherwise query the user's municipalities again without ever showing the frame.
    """
    scope = getattr(request, "scope", None)
    if scope is None or not request.user.is_authenticated:
        return {"debug": settings.DEBUG}

    def is_sample():
        if not hasattr(request, "_banso_is_sample"):
            municipalities = scope.municipalities() if scope.grants else []
            request._banso_is_sample = any(m.is_sample for m in municipalities)
        return request._banso_is_sample

    return {"debug": settings.DEBUG, "shell_roles": scope.roles(), "shell_is_sample": SimpleLazyObject(is_sample)}
