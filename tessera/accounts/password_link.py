"""New users set their own password through a one-time link sent to their email address.

Administrators never choose or see a password, nor the link. The link is Django's password-reset token:
it stops working once a password is set (the token covers the password hash), and after
``PASSWORD_RESET_TIMEOUT``. A link can be sent only to an account that has never had a password, so an
administrator cannot take over an existing account by changing its email address.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied
from django.core.mail import send_mail
from django.http import HttpRequest
from django.urls import reverse
from django.utils.encoding import force_bytes, force_str
from django.utils.http import urlsafe_base64_decode, urlsafe_base64_encode

from tessera.accounts.models import User
from tessera.audit.log import record_access
from tessera.audit.models import AuditAction


def set_password_path(user: User) -> str:
    uid = urlsafe_base64_encode(force_bytes(user.pk))
    return reverse("accounts:set_password", args=[uid, default_token_generator.make_token(user)])


def send_set_password_link(admin: User, user: User, *, request: HttpRequest | None) -> None:
    if user.has_usable_password():
        raise PermissionDenied(
            "This person has already set a password. If they have forgotten it, they must ask for a reset "
            "themselves; an administrator cannot send a link to an account in use."
        )
    if not user.email:
        raise PermissionDenied("The account has no email address to send the link to")
    days = settings.PASSWORD_RESET_TIMEOUT // 86400
    send_mail(
        subject="Set your Tessera password",
        message=(
            f"Hello {user.first_name or user.username},\n\n"
            f"An account has been made for you in Tessera. Your user name is {user.username}.\n"
            f"Set your password here within {days} days (the link works once):\n\n"
            f"{settings.TESSERA_SITE_URL}{set_password_path(user)}\n\n"
            "You will then set up an authenticator app on your phone.\n"
            "If you did not expect this, tell your supervisor.\n"
        ),
        from_email=None,
        recipient_list=[user.email],
    )
    record_access(
        actor=admin,
        action=AuditAction.SECURITY,
        target=user,
        request=request,
        details={"event": "set-password link sent"},
    )


def user_from_link(uidb64: str, token: str) -> User | None:
    """The account a link is for, if the link is still good."""
    try:
        user = User.objects.get(pk=int(force_str(urlsafe_base64_decode(uidb64))))
    except (ValueError, TypeError, OverflowError, User.DoesNotExist):
        return None
    if not user.is_active or not default_token_generator.check_token(user, token):
        return None
    return user
