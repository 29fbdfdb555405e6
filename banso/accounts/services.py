"""Changes to a user's sign-in: ending other sessions, setting up and removing the second factor."""

import logging
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import F
from django_otp.plugins.otp_totp.models import TOTPDevice

# Changes to how a user signs in, for the security log (BANSO_LOG_LEVEL=INFO shows them).
log = logging.getLogger("banso.security")


def sign_out_elsewhere(user: Any) -> None:
    """End every session of this user (the caller keeps its own with update_session_auth_hash)."""
    get_user_model().objects.filter(pk=user.pk).update(session_generation=F("session_generation") + 1)
    user.refresh_from_db(fields=["session_generation"])
    log.info("sessions ended elsewhere: user %s", user.pk)


def second_factor_start(user: Any) -> TOTPDevice:
    """The device being set up: the same one until it is confirmed, so reloading the page keeps the QR code."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


@transaction.atomic
def second_factor_confirm(device: TOTPDevice, token: str) -> bool:
    """True when the code the app shows matches: the device is then the user's one second factor."""
    if not device.verify_token(token):
        return False
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
    log.info("second factor set up: user %s", device.user_id)
    return True


def second_factor_remove(user: Any) -> None:
    TOTPDevice.objects.filter(user=user).delete()
    log.info("second factor removed: user %s", user.pk)
