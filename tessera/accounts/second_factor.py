"""Time-based one-time codes (TOTP) as the second factor, through django-otp."""

from __future__ import annotations

import base64
import io
import math
from dataclasses import dataclass
from urllib.parse import quote

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from tessera.accounts.models import User

DEVICE_NAME = "Authenticator app"

# django-otp doubles the wait after each wrong code (1, 2, 4 ... seconds) without limit: 12 wrong codes
# meant 34 minutes. Counting at most this many failures caps the wait at 2**(9-1) = 256 seconds, which
# still allows fewer than 340 guesses a day at a million possible codes, after a correct password.
MAX_COUNTED_FAILURES = 9


@dataclass(frozen=True)
class CodeCheck:
    accepted: bool
    # Why not, in words that are true: how long to wait, or that the code was wrong.
    problem: str = ""


def _wait_words(seconds: float) -> str:
    if seconds <= 60:
        whole = max(1, math.ceil(seconds))
        return f"{whole} second{'s' if whole != 1 else ''}"
    minutes = math.ceil(seconds / 60)
    return f"{minutes} minutes"


def check_code(device: TOTPDevice, code: str, *, wrong_message: str) -> CodeCheck:
    """Check a code from the person's app, with a capped back-off after wrong codes.

    While the back-off runs the code is not checked at all, and the person is told how long to wait.
    """
    allowed, refusal = device.verify_is_allowed()
    if not allowed:
        locked_until = (refusal or {}).get("locked_until")
        wait = (locked_until - timezone.now()).total_seconds() if locked_until else 1
        return CodeCheck(
            False,
            f"Too many wrong codes. Wait {_wait_words(wait)}, then enter the newest code from your app",
        )
    if device.verify_token(code):
        return CodeCheck(True)
    if device.throttling_failure_count > MAX_COUNTED_FAILURES:
        TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=MAX_COUNTED_FAILURES)
        device.throttling_failure_count = MAX_COUNTED_FAILURES
    return CodeCheck(False, wrong_message)


def is_verified(user: object) -> bool:
    """Whether this request's user has given their second factor (django-otp's middleware decides)."""
    check = getattr(user, "is_verified", None)
    return bool(check is not None and check())


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).first()


def pending_device(user: User) -> TOTPDevice:
    """The unconfirmed device being set up, created on first call."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def base32_secret(device: TOTPDevice) -> str:
    return base64.b32encode(device.bin_key).decode()


def provisioning_uri(device: TOTPDevice) -> str:
    issuer = settings.OTP_TOTP_ISSUER
    label = quote(f"{issuer}:{device.user.get_username()}")
    return (
        f"otpauth://totp/{label}?secret={base32_secret(device)}&issuer={quote(issuer)}"
        f"&digits={device.digits}&period={device.step}"
    )


def qr_code_data_uri(device: TOTPDevice) -> str:
    """The provisioning URI as an SVG QR code in a data URI (allowed by the img-src policy)."""
    image = qrcode.make(provisioning_uri(device), image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def current_code(device: TOTPDevice) -> str:
    """The code the device would show now (demo helper and tests; never shown in the product)."""
    from django_otp.oath import TOTP

    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    return f"{totp.token():0{device.digits}d}"
