"""Per-user limits on uploads and on the pages that cost the server most, so one user cannot starve a town.

Counted in the cache per user (or per address before sign-in) and per minute: with BANSO_CACHE_URL every web
process counts together. A request over the limit gets a 429 page that says when to try again; nothing the
user entered is lost (the browser keeps the form).
"""

import time

from django.conf import settings
from django.core.cache import cache
from django.http import HttpRequest, HttpResponse
from django.template.response import TemplateResponse
from django.utils.deprecation import MiddlewareMixin

# Pages whose work grows with the data (exports, searches, analyses, similar-text search), by URL name.
HEAVY_PAGES = frozenset(
    {
        "library",
        "recommended",
        "similar",
        "export",
        "open_data",
        "templates_zip",
        "analysis",
        "analysis_export",
        "chase_export",
    }
)


def _bucket(request: HttpRequest) -> tuple[str, int] | None:
    if request.method == "POST" and request.content_type == "multipart/form-data":
        return "upload", settings.BANSO_UPLOADS_PER_MINUTE
    match = request.resolver_match
    if request.method == "GET" and match is not None and match.url_name in HEAVY_PAGES:
        return "heavy", settings.BANSO_HEAVY_PAGES_PER_MINUTE
    return None


def count(key: str, timeout: int) -> int:
    """Add one to a counter in the shared cache that lives `timeout` seconds; how many it now holds."""
    if cache.add(key, 1, timeout=timeout):
        return 1
    try:
        return int(cache.incr(key))
    except ValueError:  # expired between add and incr: a new window
        cache.add(key, 1, timeout=timeout)
        return 1


def _over_limit(request: HttpRequest, bucket: str, limit: int) -> bool:
    who = f"u{request.user.pk}" if request.user.is_authenticated else f"a{request.META.get('REMOTE_ADDR', '')}"
    return count(f"ratelimit:{bucket}:{who}:{int(time.time() // 60)}", timeout=90) > limit


class RateLimitMiddleware(MiddlewareMixin):
    def process_view(
        self, request: HttpRequest, view_func: object, args: object, kwargs: object
    ) -> HttpResponse | None:
        bucket = _bucket(request)
        if bucket is None or not _over_limit(request, *bucket):
            return None
        response = TemplateResponse(
            request, "429.html", {"uploads": bucket[0] == "upload", "limit": bucket[1]}, status=429
        )
        response["Retry-After"] = str(60 - int(time.time()) % 60)
        return response.render()
