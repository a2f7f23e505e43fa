"""Sending a form once: a double click, a resend after a slow page or a browser retry makes one record.

A form that creates something carries a token made when it was drawn (``tessera.ui.forms.SubmitOnceMixin``).
The service claims it with ``claim_submission`` inside its own transaction before creating anything, and
notes what it made with ``SubmissionClaim.made``. The unique constraint on the token settles two sendings
at once: on PostgreSQL the second insert waits for the first transaction and then fails; on SQLite write
transactions run one at a time. The second sending gets ``AlreadySubmittedError`` naming the first result,
and the page shows that result, so the person sees what they did rather than a duplicate.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import IntegrityError, models, transaction

from tessera.core.models import FormSubmission

if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser


class AlreadySubmittedError(Exception):
    """This form was sent before; ``result_type`` and ``result_id`` name what that sending made."""

    def __init__(self, kind: str, result_type: str, result_id: str) -> None:
        super().__init__(f"This {kind} form was already sent")
        self.kind = kind
        self.result_type = result_type
        self.result_id = result_id


@dataclass
class SubmissionClaim:
    submission: FormSubmission | None

    def made(self, obj: models.Model) -> None:
        """Note what this sending created, for a repeat sending to find."""
        if self.submission is None:
            return
        FormSubmission.objects.filter(pk=self.submission.pk).update(
            result_type=obj._meta.label_lower, result_id=str(obj.pk)
        )


def claim_submission(user: AbstractBaseUser, token: uuid.UUID | None, kind: str) -> SubmissionClaim:
    """Claim a form's token for this sending, or raise ``AlreadySubmittedError`` if it was claimed.

    A call without a token (a record made by code, not a form) claims nothing. Must run inside the
    transaction that creates the record, so a sending that fails leaves its token unclaimed.
    """
    if token is None:
        return SubmissionClaim(None)
    try:
        with transaction.atomic():
            submission = FormSubmission.objects.create(token=token, user_id=user.pk, kind=kind)
    except IntegrityError:
        first = FormSubmission.objects.filter(token=token).first()
        if first is None or first.user_id != user.pk or first.kind != kind:
            # Not this person's form (a token cannot be guessed, so a copied one): no result is shown.
            raise AlreadySubmittedError(kind, "", "") from None
        raise AlreadySubmittedError(kind, first.result_type, first.result_id) from None
    return SubmissionClaim(submission)


def earlier_result(user: AbstractBaseUser, token: str | None, kind: str) -> str | None:
    """The id of what an earlier sending of this user's form made, if it was sent before.

    For a form whose validation would change once its first sending has landed (a concern about a new
    child finds that child on the second click): the page checks this before validating again.
    """
    try:
        parsed = uuid.UUID(str(token))
    except ValueError:
        return None
    first = FormSubmission.objects.filter(token=parsed, user_id=user.pk, kind=kind).first()
    return first.result_id if first is not None and first.result_id else None
