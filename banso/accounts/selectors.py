"""Reads about a user's sign-ins and second factor (sign-in history, devices, who must use one)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from axes.models import AccessFailureLog, AccessLog
from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from banso.orgs.models import Membership, Role

HISTORY_LENGTH = 20


@dataclass(frozen=True)
class SignIn:
    at: datetime
    succeeded: bool
    address: str
    browser: str
    ended_at: datetime | None = None
    locked_out: bool = False


def sign_in_history(user: Any) -> list[SignIn]:
    """The latest sign-ins to this account, failed ones included, newest first."""
    username = user.get_username()
    succeeded = [
        SignIn(log.attempt_time, True, log.ip_address or "", log.user_agent, ended_at=log.logout_time)
        for log in AccessLog.objects.filter(username=username).order_by("-attempt_time")[:HISTORY_LENGTH]
    ]
    failed = [
        SignIn(log.attempt_time, False, log.ip_address or "", log.user_agent, locked_out=log.locked_out)
        for log in AccessFailureLog.objects.filter(username=username).order_by("-attempt_time")[:HISTORY_LENGTH]
    ]
    return sorted(succeeded + failed, key=lambda s: s.at, reverse=True)[:HISTORY_LENGTH]


def confirmed_device(user: Any) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def second_factor_required(user: Any) -> bool:
    """Back-office staff when the installation asks it; DX staff of a municipality that asks it."""
    if user.is_staff and settings.BANSO_ADMIN_SECOND_FACTOR:
        return True
    return Membership.objects.filter(
        user=user, role=Role.DX_STAFF, municipality__second_factor_required=True
    ).exists()
