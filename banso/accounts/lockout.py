"""The page django-axes answers with while an account or address is locked out."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse


def locked_out(
    request: HttpRequest, original_response: Any = None, credentials: Any = None, *, address: bool = False
) -> HttpResponse:
    response = TemplateResponse(
        request,
        "registration/locked_out.html",
        {
            "failure_limit": settings.BANSO_SIGNIN_ADDRESS_LIMIT if address else settings.AXES_FAILURE_LIMIT,
            "address": address,
            "cooloff_minutes": int(settings.AXES_COOLOFF_TIME.total_seconds() // 60),
        },
        status=429,  # Too Many Requests: what a script counting its tries sees too
    )
    return response.render()
