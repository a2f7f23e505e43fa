"""Headers every response carries: a strict CSP, no caching of personal data, a Permissions-Policy."""

import pytest

from tests.cases.world import rotherham_case_world


def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get("/sign-in/")
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "frame-ancestors 'none'" in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"


def test_pages_have_no_inline_script(client):
    html = client.get("/sign-in/").content.decode()
    for chunk in html.split("<script")[1:]:
        opening = chunk.split(">", 1)[0]
        assert "src=" in opening, f"inline script found: <script{opening}>"


# Found 9 (issue 17): with DEBUG off, pages showing personal data could be kept in a browser or proxy cache.
@pytest.fixture
def case_world(cast):
    return rotherham_case_world(cast)


@pytest.mark.parametrize(
    "path",
    [
        lambda w: f"/people/{w.child.pk}/",
        lambda w: f"/cases/{w.case.pk}/",
        lambda w: f"/cases/{w.case.pk}/chronology.pdf",
        lambda w: f"/api/v1/people/{w.child.pk}/",
        lambda w: "/people/search/?q=Kayleigh+Thornley",
        lambda w: "/",
    ],
    ids=["person", "case", "chronology-pdf", "api", "search", "home"],
)
def test_personal_data_is_never_stored_by_a_browser_or_proxy_cache(client_for, case_world, path, settings):
    assert not settings.DEBUG
    response = client_for("cse.rotherham").get(path(case_world))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    assert "private" in response["Cache-Control"]


def test_pages_switch_off_browser_features_tessera_never_uses(client):
    policy = client.get("/sign-in/")["Permissions-Policy"]
    for feature in ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()"):
        assert feature in policy
