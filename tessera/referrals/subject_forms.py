"""The repeating fieldsets of a concern's people, places and things, working without JavaScript.

Each kind (children, adults, vehicles, phones, online accounts, places) is a group of numbered rows whose
fields are named ``<kind>-<row>-<field>``; a hidden ``<kind>-count`` says how many rows the page showed.
"Add another adult" is a submit button (``add=adult``): the server sends the page back with one more
row and everything typed kept, and no errors shown, because adding a row is not sending the concern.
A row left blank is ignored; a row with anything in it must make sense on its own.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType
from typing import Any, TypeVar, cast

from django import forms
from django.forms.boundfield import BoundField
from django.forms.forms import DeclarativeFieldsMetaclass
from django.http import QueryDict

from tessera.people.identifiers import normalise_handle, normalise_phone, normalise_registration
from tessera.people.models import LocationKind, OnlineAccount, Phone, Sex, Vehicle
from tessera.referrals.models import ConcernSubjectKind, Referral, ReferralSubject
from tessera.referrals.selectors import PossibleMatch, match_label, subject_search_text
from tessera.referrals.subject_services import (
    LEAVE_OUT,
    MAX_SUBJECTS_PER_KIND,
    NEW_RECORD,
    RECORD,
    Resolution,
    SubjectDetails,
)
from tessera.ui.forms import TesseraForm


def _text(label: str, max_length: int, width: str = "", hint: str = "") -> forms.CharField:
    attrs = {"class": f"govuk-input--width-{width}"} if width else {}
    return forms.CharField(
        label=label,
        max_length=max_length,
        required=False,
        help_text=hint,
        widget=forms.TextInput(attrs=attrs),
    )


def _age() -> forms.IntegerField:
    return forms.IntegerField(
        label="Approximate age (optional)",
        required=False,
        min_value=0,
        max_value=120,
        widget=forms.TextInput(attrs={"class": "govuk-input--width-3", "inputmode": "numeric"}),
    )


def _sex() -> forms.ChoiceField:
    return forms.ChoiceField(
        label="Sex (optional)",
        required=False,
        choices=[("", "Not known"), (Sex.FEMALE, "Female"), (Sex.MALE, "Male")],
    )


def _person_fields(who: str) -> dict[str, forms.Field]:
    return {
        "given_name": _text("First name (optional)", 100, "20"),
        "family_name": _text("Last name (optional)", 100, "20"),
        "nickname": _text("Nickname or what they were called (optional)", 100, "20"),
        "approximate_age": _age(),
        "sex": _sex(),
        "description": _text("Description (optional)", 300, hint=f"What the {who} looked like, wore or said"),
    }


def _fields(kind: str) -> dict[str, forms.Field]:
    if kind == ConcernSubjectKind.CHILD:
        return _person_fields("young person")
    if kind == ConcernSubjectKind.ADULT:
        return _person_fields("adult")
    if kind == ConcernSubjectKind.VEHICLE:
        return {
            "registration": _text("Registration (optional)", 20, "10", "For example, YK62 ABC"),
            "make": _text("Make (optional)", 50, "20", "For example, Ford Focus"),
            "colour": _text("Colour (optional)", 30, "10"),
        }
    if kind == ConcernSubjectKind.PHONE:
        return {"phone_number": _text("Phone number", 30, "20", "For example, 07700 900123")}
    if kind == ConcernSubjectKind.ONLINE_ACCOUNT:
        return {
            "platform": _text("App or website (optional)", 50, "20", "For example, Snapchat"),
            "handle": _text("User name or handle", 100, "20"),
        }
    return {
        "place_name": _text(
            "Name of the place (optional)", 150, hint="For example, Premier Inn or Millstone Walk"
        ),
        "address": _text("Address or description (optional)", 300, hint="With the postcode if you know it"),
        "place_kind": forms.ChoiceField(
            label="Kind of place (optional)",
            required=False,
            choices=[("", "Choose a kind of place"), *LocationKind.choices],
        ),
    }


@dataclass(frozen=True)
class GroupSpec:
    kind: str
    heading: str
    row_label: str  # "Adult" -> "Adult 2"
    add_label: str
    hint: str = ""


GROUPS = (
    GroupSpec(ConcernSubjectKind.CHILD, "Young people", "Young person", "Add another young person"),
    GroupSpec(
        ConcernSubjectKind.ADULT,
        "Adults with them",
        "Adult",
        "Add another adult",
        "Anyone older who was with them or seemed to be in charge",
    ),
    GroupSpec(ConcernSubjectKind.VEHICLE, "Vehicles", "Vehicle", "Add another vehicle"),
    GroupSpec(ConcernSubjectKind.PHONE, "Phone numbers", "Phone", "Add a phone number"),
    GroupSpec(ConcernSubjectKind.ONLINE_ACCOUNT, "Online accounts", "Account", "Add an online account"),
    GroupSpec(
        ConcernSubjectKind.PLACE,
        "Places",
        "Place",
        "Add another place",
        "Where it happened or was talked about",
    ),
)
# Rows shown before anyone presses "Add another": one of each, except phones and accounts.
DEFAULT_ROWS: dict[str, int] = {
    ConcernSubjectKind.CHILD: 1,
    ConcernSubjectKind.ADULT: 1,
    ConcernSubjectKind.VEHICLE: 1,
    ConcernSubjectKind.PHONE: 0,
    ConcernSubjectKind.ONLINE_ACCOUNT: 0,
    ConcernSubjectKind.PLACE: 1,
}


def row_counts(data: Mapping[str, Any] | None, defaults: Mapping[str, int]) -> dict[str, int]:
    """How many rows of each kind to show: what the page showed (at most the limit), one more for the
    kind whose "Add another" was pressed."""
    counts = dict(defaults)
    if data is None:
        return counts
    for spec in GROUPS:
        posted = str(data.get(f"{spec.kind}-count", ""))
        # ASCII digits only: str.isdigit() also accepts superscripts such as "¹", which int() refuses.
        if re.fullmatch(r"[0-9]{1,3}", posted):
            counts[spec.kind] = min(int(posted), MAX_SUBJECTS_PER_KIND)
    added = data.get("add")
    if added in counts and counts[added] < MAX_SUBJECTS_PER_KIND:
        counts[added] += 1
    return counts


class RowCountField(forms.CharField):
    """The hidden count of a group's rows. Never an error: a hidden field's message could link to nothing
    the user can reach, and ``row_counts`` already reads a tampered count as the default."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(required=False, **kwargs)

    def clean(self, value: Any) -> str:
        text = str(value or "")
        return text if re.fullmatch(r"[0-9]{1,3}", text) else ""


def subject_fields(counts: Mapping[str, int]) -> dict[str, forms.Field]:
    """Every row's fields, named ``<kind>-<row>-<field>``, plus each group's hidden row count."""
    built: dict[str, forms.Field] = {}
    for spec in GROUPS:
        built[f"{spec.kind}-count"] = RowCountField(initial=counts.get(spec.kind, 0))
        for row in range(counts.get(spec.kind, 0)):
            for name, field in _fields(spec.kind).items():
                built[f"{spec.kind}-{row}-{name}"] = field
    return built


@dataclass
class SubjectRow:
    legend: str
    fields: list[BoundField]


@dataclass
class SubjectGroup:
    spec: GroupSpec
    count_field: BoundField
    rows: list[SubjectRow]


class SubjectRowsMixin(forms.Form):
    """For a form built by ``with_subject_rows``: the rows to draw, the rows' rules, what was typed."""

    # No rows unless the form was built by ``with_subject_rows``.
    subject_counts: Mapping[str, int] = MappingProxyType({})

    def subject_groups(self) -> list[SubjectGroup]:
        groups = []
        for spec in GROUPS:
            count = self.subject_counts.get(spec.kind, 0)
            rows = [
                SubjectRow(
                    f"{spec.row_label} {row + 1}",
                    [self[f"{spec.kind}-{row}-{name}"] for name in _fields(spec.kind)],
                )
                for row in range(count)
            ]
            count_field = self[f"{spec.kind}-count"]
            count_field.field.initial = count
            groups.append(SubjectGroup(spec, count_field, rows))
        return groups

    def _row_values(self, kind: str, row: int) -> dict[str, Any]:
        data = self.cleaned_data
        return {name: data.get(f"{kind}-{row}-{name}") for name in _fields(kind)}

    def clean_subject_rows(self) -> list[SubjectDetails]:
        """Check each row that has anything in it; return them as typed, in order."""
        typed: list[SubjectDetails] = []
        for spec in GROUPS:
            for row in range(self.subject_counts.get(spec.kind, 0)):
                values = self._row_values(spec.kind, row)
                if not any(v not in (None, "") for v in values.values()):
                    continue
                problem_field, problem = _row_problem(spec, values)
                if problem:
                    self.add_error(
                        f"{spec.kind}-{row}-{problem_field}", f"{spec.row_label} {row + 1}: {problem}"
                    )
                    continue
                typed.append(
                    SubjectDetails(kind=spec.kind, **{k: v for k, v in values.items() if v not in (None, "")})
                )
        return typed

    def typed_subjects(self) -> list[SubjectDetails]:
        return list(self.cleaned_data.get("subjects", []))

    def typed_people(self) -> int:
        return sum(
            1 for s in self.typed_subjects() if s.kind in {ConcernSubjectKind.CHILD, ConcernSubjectKind.ADULT}
        )


def _row_problem(spec: GroupSpec, values: Mapping[str, Any]) -> tuple[str, str]:
    kind = spec.kind
    if kind in {ConcernSubjectKind.CHILD, ConcernSubjectKind.ADULT}:
        if not any(values.get(k) for k in ("given_name", "family_name", "nickname", "description")) and (
            values.get("approximate_age") is None
        ):
            return "description", "give a name, a nickname, an age or a description"
        age = values.get("approximate_age")
        if kind == ConcernSubjectKind.CHILD and age is not None and age >= 18:
            return "approximate_age", "a young person's age must be under 18: add someone older as an adult"
        return "", ""
    if kind == ConcernSubjectKind.VEHICLE:
        registration = normalise_registration(values.get("registration") or "")
        if values.get("registration") and not 2 <= len(registration) <= 10:
            return "registration", "a registration is 2 to 10 letters and numbers, like YK62 ABC"
        if not (registration or values.get("make") or values.get("colour")):
            return "registration", "give the registration, the make or the colour"
        return "", ""
    if kind == ConcernSubjectKind.PHONE:
        digits = "".join(c for c in normalise_phone(values.get("phone_number") or "") if c.isdigit())
        if not 7 <= len(digits) <= 15:
            return "phone_number", "enter the phone number with its area or mobile code, like 07700 900123"
        return "", ""
    if kind == ConcernSubjectKind.ONLINE_ACCOUNT:
        if not (values.get("handle") or "").strip().lstrip("@"):
            return "handle", "enter the user name or handle"
        return "", ""
    if not (values.get("place_name") or values.get("address")):
        return "place_name", "give the name of the place or its address"
    return "", ""


F = TypeVar("F", bound=forms.Form)


def with_subject_rows(base: type[F], counts: Mapping[str, int]) -> type[F]:
    """``base`` with the rows' fields added, as a class, so every added field gets the GOV.UK messages
    and text limits the base's fields get."""
    attrs: dict[str, Any] = dict(subject_fields(counts))
    attrs["subject_counts"] = dict(counts)
    return cast("type[F]", DeclarativeFieldsMetaclass(base.__name__, (base,), attrs))


class ResolutionForm(forms.Form):
    """Built per referral by ``resolution_form``: one choice per unresolved subject."""

    subject_ids: list[int]
    resolution_rows: list[ResolutionRow]

    def resolutions(self) -> dict[int, Resolution]:
        return {
            pk: Resolution(self.cleaned_data[f"subject-{pk}"])
            for pk in self.subject_ids
            if self.cleaned_data.get(f"subject-{pk}")
        }

    def rows(self) -> list[ResolutionRow]:
        return self.resolution_rows


@dataclass
class ResolutionRow:
    subject: ReferralSubject
    choice: BoundField
    search: BoundField | None
    searched: bool
    found: int


def _thing_known_label(subject: ReferralSubject, known: bool) -> str:
    what = {
        ConcernSubjectKind.VEHICLE: "vehicle",
        ConcernSubjectKind.PHONE: "phone",
        ConcernSubjectKind.ONLINE_ACCOUNT: "online account",
        ConcernSubjectKind.PLACE: "place",
    }[ConcernSubjectKind(subject.kind)]
    state = "already known to Tessera: this concern is added to it" if known else "a new record"
    return f"Record this {what} ({state})"


def resolution_form(
    referral: Referral,
    *,
    candidates: Mapping[int, list[PossibleMatch]],
    searched: set[int],
    data: QueryDict | None = None,
) -> ResolutionForm:
    """The form that resolves the referral's unresolved subjects.

    A child or adult is offered the people found by the triager's search, "a new record" (only after a
    search: search before create) and "leave out"; a thing is offered "record" (found by its normal form,
    or new) and "leave out".
    """
    from_base: dict[str, forms.Field] = {}
    subjects = [s for s in referral.subjects.all() if not s.is_resolved]
    known = known_things(subjects)
    meta: list[tuple[ReferralSubject, bool, int]] = []
    for subject in subjects:
        key = f"subject-{subject.pk}"
        if subject.kind in {ConcernSubjectKind.CHILD, ConcernSubjectKind.ADULT}:
            matches = candidates.get(subject.pk, [])
            choices = [(str(m.person.pk), match_label(m)) for m in matches]
            if subject.pk in searched:
                choices.append((NEW_RECORD, "None of these: make a new record from what the reporter said"))
            choices.append((LEAVE_OUT, "Leave out for now: not enough to go on"))
            from_base[f"search-{subject.pk}"] = forms.CharField(
                label=f"Search for {subject.get_kind_display().lower()} {subject.label}",
                max_length=200,
                required=False,
                help_text="A name (misspelt is fine), a nickname or a date of birth",
            )
            from_base[key] = forms.ChoiceField(
                label=f"Who is {subject.label}?", choices=choices, widget=forms.RadioSelect, required=False
            )
            meta.append((subject, True, len(matches)))
        else:
            from_base[key] = forms.ChoiceField(
                label=f"{subject.get_kind_display()}: {subject.label}",
                choices=[
                    (RECORD, _thing_known_label(subject, subject.pk in known)),
                    (LEAVE_OUT, "Leave out"),
                ],
                widget=forms.RadioSelect,
                required=False,
                initial=RECORD,
            )
            meta.append((subject, False, 0))
    form_class = cast(
        "type[ResolutionForm]",
        DeclarativeFieldsMetaclass("ResolutionForm", (ResolutionForm, TesseraForm), dict(from_base)),
    )
    initial = {f"search-{s.pk}": subject_search_text(s) for s, is_person, _ in meta if is_person}
    if data is not None:
        # A thing's "record" is chosen until the triager picks "leave out": a search round trip for a
        # person must not quietly drop the car because a bound form ignores initial values.
        data = data.copy()
        for subject, is_person, _ in meta:
            if not is_person and f"subject-{subject.pk}" not in data:
                data[f"subject-{subject.pk}"] = RECORD
    form = form_class(data, initial=initial)
    form.subject_ids = [s.pk for s, _, _ in meta]
    form.resolution_rows = [
        ResolutionRow(
            subject,
            form[f"subject-{subject.pk}"],
            form[f"search-{subject.pk}"] if is_person else None,
            subject.pk in searched,
            found,
        )
        for subject, is_person, found in meta
    ]
    return form


def known_things(subjects: list[ReferralSubject]) -> set[int]:
    """The subjects whose vehicle, phone or account Tessera already holds, by normal form (one query per
    kind). Places are matched when recorded: by name with postcode or address."""
    known: set[int] = set()
    registrations = {
        normalise_registration(s.registration): s.pk for s in subjects if s.kind == ConcernSubjectKind.VEHICLE
    }
    for registration in Vehicle.objects.filter(registration__in=list(registrations)).values_list(
        "registration", flat=True
    ):
        known.add(registrations[registration])
    numbers = {normalise_phone(s.phone_number): s.pk for s in subjects if s.kind == ConcernSubjectKind.PHONE}
    for number in Phone.objects.filter(number__in=list(numbers)).values_list("number", flat=True):
        known.add(numbers[number])
    handles = {
        normalise_handle(s.handle): s.pk for s in subjects if s.kind == ConcernSubjectKind.ONLINE_ACCOUNT
    }
    for handle in OnlineAccount.objects.filter(handle__in=list(handles)).values_list("handle", flat=True):
        known.add(handles[handle])
    return known
