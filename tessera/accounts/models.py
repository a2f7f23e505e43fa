"""Users, the roles they hold and the teams they belong to."""

from __future__ import annotations

import uuid
from functools import cached_property
from typing import TypeAlias

from django.conf import settings
from django.contrib.auth.models import AbstractUser, AnonymousUser
from django.db import models
from django.utils.crypto import salted_hmac

from tessera.accounts.roles import Role
from tessera.core.models import Agency, Team, VersionedModel


class User(AbstractUser, VersionedModel):
    """A person who signs in. Belongs to one agency; what they may do comes from roles and teams."""

    agency = models.ForeignKey(Agency, null=True, on_delete=models.PROTECT, related_name="users")
    job_title = models.CharField(max_length=150, blank=True)
    # Rotating the stamp invalidates every session the user has: "sign out everywhere".
    security_stamp = models.UUIDField(default=uuid.uuid4, editable=False)

    class Meta:
        ordering = ["last_name", "first_name"]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    def get_session_auth_hash(self) -> str:
        return salted_hmac(
            "tessera.accounts.User.session",
            f"{self.password}:{self.security_stamp}",
            secret=settings.SECRET_KEY,
            algorithm="sha256",
        ).hexdigest()

    @cached_property
    def role_codes(self) -> frozenset[str]:
        if not self.pk:
            return frozenset()
        return frozenset(self.role_grants.values_list("role", flat=True))

    def has_role(self, *roles: Role) -> bool:
        return any(role in self.role_codes for role in roles)

    @property
    def role_labels(self) -> list[str]:
        return [Role(code).label for code in sorted(self.role_codes)]


class RoleGrant(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_grants")
    role = models.CharField(max_length=40, choices=Role.choices)
    granted_at = models.DateTimeField(auto_now_add=True)
    granted_by = models.ForeignKey(User, null=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="one_grant_per_role")]

    def __str__(self) -> str:
        return f"{self.user} is {Role(self.role).label}"


class TeamMembership(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships")
    team = models.ForeignKey(Team, on_delete=models.PROTECT, related_name="memberships")
    since = models.DateField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "team"], name="one_membership_per_team")]

    def __str__(self) -> str:
        return f"{self.user} in {self.team}"


class AccessRequestStatus(models.TextChoices):
    WAITING = "waiting", "Waiting for approval"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"
    WITHDRAWN = "withdrawn", "Withdrawn"


class AccessRequest(models.Model):
    """Roles and teams an administrator asked for someone, that read case data: the first key.

    Nothing in it takes effect until a supervisor of the person's agency approves it (the second key).
    Requests are kept whatever their outcome: together they are the list of every grant and approval.
    """

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="access_requests")
    roles = models.JSONField(default=list)
    teams = models.ManyToManyField(Team, blank=True, related_name="+")
    requested_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    status = models.CharField(
        max_length=20, choices=AccessRequestStatus.choices, default=AccessRequestStatus.WAITING
    )
    decided_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["user"],
                condition=models.Q(status="waiting"),
                name="one_waiting_access_request_per_user",
            ),
            # The second key is never the first, nor the person the request is about.
            models.CheckConstraint(
                condition=~models.Q(decided_by=models.F("requested_by"))
                & ~models.Q(decided_by=models.F("user")),
                name="access_request_decided_by_someone_else",
            ),
        ]

    def __str__(self) -> str:
        return f"Access for {self.user} ({self.get_status_display()})"

    @property
    def role_labels(self) -> list[str]:
        return [Role(code).label for code in self.roles]


# Whoever a read is for: a signed-in user, or no one (the access policy shows no one anything). Writes
# take a ``User``: only a signed-in user acts.
Actor: TypeAlias = User | AnonymousUser
