"""Which pages can be opened with break-glass access, and the record each one shows.

Domain apps register their record pages here, so a user who reaches a 404 on such a page can ask for
emergency access to the record behind it.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import models
from django.urls import Resolver404, resolve


@dataclass(frozen=True)
class EmergencyTarget:
    model: type[models.Model]
    kwarg: str


_targets: dict[str, EmergencyTarget] = {}


def register_emergency_target(url_name: str, model: type[models.Model], kwarg: str = "pk") -> None:
    _targets[url_name] = EmergencyTarget(model, kwarg)


def target_for_path(path: str) -> tuple[type[models.Model], int] | None:
    """The model and primary key a record page at ``path`` shows, or None if it is not such a page."""
    try:
        match = resolve(path.split("?")[0])
    except Resolver404:
        return None
    target = _targets.get(match.view_name)
    if target is None:
        return None
    try:
        return target.model, int(match.kwargs[target.kwarg])
    except (KeyError, ValueError):
        return None
