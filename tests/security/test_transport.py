"""HTTPS, headers and the content-security policy; the production settings pass `check --deploy`."""

import os
import re
import subprocess
import sys

import pytest
from django.urls import reverse

from banso.testing import client_for

PRODUCTION = {
    "BANSO_SECRET_KEY": "x" * 20 + "-a-long-random-production-secret-0123456789",
    "BANSO_ALLOWED_HOSTS": "banso.example.lg.jp",
    "BANSO_HTTPS": "1",
    "BANSO_CSRF_TRUSTED_ORIGINS": "https://banso.example.lg.jp",
}


def _manage(*args, env=None, timeout=120):
    # The browser tests' DJANGO_ALLOW_ASYNC_UNSAFE would be an error of `check --deploy`: a production process
    # never has it.
    environment = {
        k: v for k, v in os.environ.items() if not k.startswith("BANSO_") and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    environment.update(env or {})
    return subprocess.run(  # noqa: S603 (the test's own fixed arguments)
        [sys.executable, "-m", "banso", "manage", *args],
        capture_output=True,
        text=True,
        env=environment,
        timeout=timeout,
        check=False,
    )


def test_check_deploy_is_clean_with_the_documented_production_settings(tmp_path):
    result = _manage(
        "check", "--deploy", "--fail-level", "WARNING", env={**PRODUCTION, "BANSO_DATA_DIR": str(tmp_path)}
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_serve_refuses_another_address_with_the_public_demo_key(tmp_path):
    every_address = "0.0.0.0"  # noqa: S104 (what the command must refuse)
    result = _manage("serve", "--host", every_address, "--port", "8999", env={"BANSO_DATA_DIR": str(tmp_path)})
    assert result.returncode != 0
    assert "BANSO_SECRET_KEY" in result.stderr and every_address in result.stderr
    assert "Traceback" not in result.stderr


@pytest.mark.django_db
def test_every_page_carries_a_content_security_policy_without_inline_code(town_staff):
    response = town_staff.get(reverse("home"))
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy
    assert "unsafe-inline" not in policy and "frame-ancestors 'none'" in policy


INLINE = [
    (re.compile(r"<script(?![^>]*\bsrc=)[^>]*>"), "inline <script>"),
    (re.compile(r"<style\b"), "<style> element"),
    (re.compile(r"\sstyle=\""), "style attribute"),
    (re.compile(r"\son[a-z]+=\""), "event handler attribute"),
    (re.compile(r"\shx-on"), "hx-on attribute"),
]


def inline_code(html):
    # application/json data blocks are not code: the browser does not run them.
    html = re.sub(r"<script[^>]*type=\"application/(ld\+)?json\"[^>]*>.*?</script>", "", html, flags=re.S)
    return [label for pattern, label in INLINE if pattern.search(html)]


@pytest.mark.django_db
def test_no_page_of_the_walk_needs_inline_script_or_style():
    """Every page the URL walk opens as the town's DX staff passes the policy (no inline code to be blocked)."""
    from tests.test_url_walk import ROUTES, _call

    found = {}
    for name, route in ROUTES.items():
        if route.method != "get" or "town_staff" not in route.allowed:
            continue
        response = _call(client_for("town_staff"), route, name, "own")
        is_page = response.get("Content-Type", "").startswith("text/html") and response.status_code == 200
        if is_page and (problems := inline_code(response.content.decode())):
            found[name] = problems
    assert not found


def test_https_mode_sets_secure_cookies_hsts_and_the_forwarded_scheme(tmp_path):
    code = (
        "from django.conf import settings as s; "
        "print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, "
        "s.SECURE_PROXY_SSL_HEADER, s.CSRF_TRUSTED_ORIGINS)"
    )
    result = _manage("shell", "-c", code, env={**PRODUCTION, "BANSO_DATA_DIR": str(tmp_path)})
    printed = result.stdout.strip().splitlines()[-1]
    assert printed.split()[:4] == ["True", "True", "True", "31536000"], result.stdout + result.stderr
    assert "HTTP_X_FORWARDED_PROTO" in printed and "https://banso.example.lg.jp" in printed
