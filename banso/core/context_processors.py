from django.conf import settings


def shell(request):
    """What the page frame needs: the user's scope summary and whether this is sample data."""
    scope = getattr(request, "scope", None)
    if scope is None or not request.user.is_authenticated:
        return {"debug": settings.DEBUG}
    municipalities = scope.municipalities() if scope.grants else []
    return {
        "debug": settings.DEBUG,
        "shell_roles": scope.roles(),
        "shell_is_sample": any(m.is_sample for m in municipalities),
    }
