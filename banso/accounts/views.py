from base64 import b32encode
from typing import Any

import django_otp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from banso.accounts import selectors, services, sessions
from banso.accounts.forms import CodeForm, PasswordCheckForm


def _next_page(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return "/"


def account(request: HttpRequest) -> HttpResponse:
    """The user's own sign-in page: history, second factor, password, other sessions."""
    user = request.user
    return render(
        request,
        "accounts/account.html",
        {
            "history": selectors.sign_in_history(user),
            "device": selectors.confirmed_device(user),
            "required": selectors.second_factor_required(user),
            "remove_form": PasswordCheckForm(user=user),
            "idle_minutes": settings.SESSION_IDLE_SECONDS // 60,
        },
    )


@require_POST
def sign_out_elsewhere(request: HttpRequest) -> HttpResponse:
    services.sign_out_elsewhere(request.user)
    update_session_auth_hash(request, request.user)  # type: ignore[arg-type]  # signed in: LoginRequiredMiddleware
    messages.success(request, _("Every other session of your account was signed out."))
    return redirect("accounts:account")


@require_http_methods(["GET", "POST"])
def second_factor_verify(request: HttpRequest) -> HttpResponse:
    device = selectors.confirmed_device(request.user)
    if device is None:  # removed by an administrator meanwhile: nothing to enter
        request.session.pop(sessions.SECOND_FACTOR, None)
        return HttpResponseRedirect(_next_page(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed = device.verify_is_allowed()[0]
        if device.verify_token(form.cleaned_data["code"]):  # django-otp slows repeated failures down itself
            django_otp.login(request, device)
            request.session.pop(sessions.SECOND_FACTOR, None)
            return HttpResponseRedirect(_next_page(request))
        _code_refused(form, allowed)
    return render(request, "accounts/second_factor_verify.html", {"form": form, "next": _next_page(request)})


@require_http_methods(["GET", "POST"])
def second_factor_setup(request: HttpRequest) -> HttpResponse:
    if selectors.confirmed_device(request.user) is not None and not request.user.is_verified():  # type: ignore[union-attr]
        # A password alone never replaces a second factor: its code first.
        return redirect(f"{reverse('accounts:second_factor_verify')}?next={request.path}")
    device = services.second_factor_start(request.user)
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        allowed = device.verify_is_allowed()[0]
        if services.second_factor_confirm(device, form.cleaned_data["code"]):
            django_otp.login(request, device)
            request.session.pop(sessions.SECOND_FACTOR, None)
            messages.success(request, _("The second factor is set up. From now on, sign in with its code too."))
            return HttpResponseRedirect(_next_page(request))
        _code_refused(form, allowed)
    return render(request, "accounts/second_factor_setup.html", _setup_context(device, form, request))


def _code_refused(form: CodeForm, allowed: bool) -> None:
    if not allowed:  # django-otp doubles the wait after each wrong code
        form.add_error(
            "code", _("Several wrong codes in a row: wait a few seconds, then enter the code shown now.")
        )
    else:
        form.add_error("code", _("This code is not right or has expired. Enter the code the app shows now."))


def _setup_context(device: Any, form: CodeForm, request: HttpRequest) -> dict[str, Any]:
    secret = b32encode(device.bin_key).decode()
    # The QR code as inline SVG markup from segno (no image library, no data: URL): it holds only the
    # otpauth:// address built from the user's name and a random key, never user-written HTML.
    qr = segno.make(device.config_url, error="m").svg_inline(scale=4, dark="#1a1a1a", omitsize=False)
    return {
        "form": form,
        "qr": mark_safe(qr),  # noqa: S308 (segno's own markup, see above)
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
        "next": _next_page(request),
        "required": request.session.get(sessions.SECOND_FACTOR) == sessions.SETUP,
    }


@require_POST
def second_factor_remove(request: HttpRequest) -> HttpResponse:
    form = PasswordCheckForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, _("The second factor was not removed: the password is not correct."))
        return redirect("accounts:account")
    services.second_factor_remove(request.user)
    messages.success(request, _("The second factor was removed."))
    return redirect("accounts:account")
