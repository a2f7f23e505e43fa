"""Every form in Tessera, posted anything at all by someone allowed to use it (issue 17, build 7).

For each page in the access matrix, the test signs in as a member of the cast who may open it, reads the
forms the page draws (as a browser would), and posts them arbitrary text, huge numbers, odd unicode,
values the page offers and missing fields. Two things must hold for every post:

- no server error: Django's test client raises any exception a view lets escape, so a 500 fails here
  with its traceback;
- every refusal names its field: each message in the error summary links to a field on the page and
  is Tessera's own words, not one of Django's generic messages ("This field is required.", "Enter a
  whole number.") that leave the user guessing which box is wrong.
"""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import given
from hypothesis import strategies as st

from tests.access_matrix import ROWS, Row, build_world
from tests.conftest import verified_client
from tests.guards.page_forms import Page, PageField, PageForm, read_page
from tests.guards.strategies import any_text, guard_settings, value_for

# Forms that end the session they are posted in: posting them would leave the rest of the examples
# signed out. Signing out has no fields to guard.
SIGN_OUT_ACTIONS = ("/sign-out/",)
# Pages whose own forms are reached by someone signed out.
SIGNED_OUT_PAGES = {"accounts:sign_in", "accounts:set_password"}
# Supervisors first: what they may open does not change when another form makes someone else lead
# professional.
PREFERRED = ("supervisor.rotherham", "cse.rotherham", "hotel.sheffield", "sysadmin")

# Django's own messages, which do not say which field they are about.
GENERIC_MESSAGES = re.compile(
    r"^(This field is required|Enter a valid|Select a valid choice|Enter a whole number|Enter a number"
    r"|Ensure this value|Null characters are not allowed|Enter a list of values|The submitted file"
    r"|No file was submitted|Upload a valid|Ensure that there are no more)",
)


def _who_opens(name: str, row: Row) -> str | None:
    """A cast member the page answers 200, or None for someone signed out."""
    if name in SIGNED_OUT_PAGES:
        return None
    allowed = [user for user, code in row.expect.items() if code == 200]
    if row.default == 200:
        allowed = [*PREFERRED, *allowed]
    for user in (*PREFERRED, *allowed):
        if user in allowed:
            return user
    return allowed[0] if allowed else ""


FORM_PAGES = sorted(
    name
    for name, row in ROWS.items()
    if row.html and row.method == "get" and _who_opens(name, row) != "" and name != "web:health"
)


def _posted_value(field: PageField, data: st.DataObject) -> Any:
    if field.kind == "file":
        content = data.draw(st.one_of(st.binary(max_size=400), any_text.map(str.encode)), label=field.name)
        name = data.draw(st.sampled_from(["people.csv", "people.json", "people.txt", "", "ü.CSV"]))
        return SimpleUploadedFile(name or "upload", content)
    if field.multiple or field.kind == "checkbox":
        return data.draw(st.lists(value_for(field.offered), max_size=4), label=field.name)
    return data.draw(value_for(field.offered), label=field.name)


def _post_data(form: PageForm, data: st.DataObject) -> dict[str, Any]:
    posted: dict[str, Any] = {}
    for field in form.fields.values():
        # Hidden fields (form number, version) are kept as the page drew them more often than not.
        if field.kind == "hidden" and field.offered and data.draw(st.integers(0, 3), label="keep") > 0:
            posted[field.name] = field.offered[0]
            continue
        if data.draw(st.integers(0, 5), label=f"{field.name} missing") == 0:
            continue
        posted[field.name] = _posted_value(field, data)
    return posted


def _refusals_that_do_not_name_a_field(page: Page) -> list[str]:
    problems = []
    for item in page.errors:
        if GENERIC_MESSAGES.match(item.text):
            problems.append(f"generic message: {item.text!r}")
        if item.href and item.href.removeprefix("#") not in page.ids:
            problems.append(f"{item.text!r} links to {item.href}, which is not on the page")
    return problems


def _client(world: Any, username: str | None) -> Client:
    return Client() if username is None else verified_client(world.cast[username])


def _groups() -> dict[str, list[str]]:
    """Pages by app, so each app's world is built once; closing a case comes last in its group, so the
    other case forms meet an open case."""
    groups: dict[str, list[str]] = {}
    for name in FORM_PAGES:
        groups.setdefault(name.split(":")[0], []).append(name)
    for names in groups.values():
        names.sort(key=lambda name: (name.endswith("close_case"), name))
    return groups


GROUPS = _groups()


def _forms_of(client: Client, path: str, username: str | None) -> list[PageForm]:
    first = client.get(path)
    assert first.status_code == 200, f"{username} could not open {path}: {first.status_code}"
    return [
        form
        for form in read_page(first.content.decode()).forms
        if not any(form.action.startswith(action) for action in SIGN_OUT_ACTIONS)
    ]


def _guard_page(world: Any, url_name: str) -> None:
    row = ROWS[url_name]
    username = _who_opens(url_name, row)
    path = row.path(world)
    client = _client(world, username)
    forms = _forms_of(client, path, username)
    if not forms:
        return

    @guard_settings
    @given(data=st.data())
    def post_anything(data: st.DataObject) -> None:
        form = data.draw(st.sampled_from(forms), label="form")
        response = client.post(form.action or path, _post_data(form, data))
        assert response.status_code < 500
        if response.status_code == 200 and "text/html" in response.get("Content-Type", ""):
            problems = _refusals_that_do_not_name_a_field(read_page(response.content.decode()))
            assert not problems, "\n".join(problems)

    post_anything()


@pytest.mark.parametrize("app", sorted(GROUPS))
def test_no_form_fails_or_refuses_without_naming_its_field(app: str, cast: Any) -> None:
    world = build_world()
    failures = []
    for url_name in GROUPS[app]:
        try:
            _guard_page(world, url_name)
        except Exception as failure:  # every page is tried; all failures are reported
            failures.append(f"{url_name}: {type(failure).__name__}: {failure}")
    assert not failures, "\n\n".join(failures)
