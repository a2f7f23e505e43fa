"""The service navigation: one line of sections per role, the current one marked."""

import re

import pytest


def _nav_labels(html: str) -> list[str]:
    nav = html.split('id="navigation"', 1)[1].split("</ul>", 1)[0]
    return [
        re.sub(r"<[^>]+>", "", label).strip()
        for label in re.findall(r'class="govuk-service-navigation__link"[^>]*>(.*?)</a>', nav, re.S)
    ]


@pytest.mark.parametrize(
    ("username", "expected"),
    [
        (
            "supervisor.rotherham",
            [
                "Home",
                "Report a concern",
                "Triage",
                "Cases",
                "Actions",
                "Intelligence",
                "Search people",
                "Risk",
                "Missing",
                "Records",
                "Oversight",
            ],
        ),
        (
            "mpc.doncaster",
            [
                "Home",
                "Report a concern",
                "Cases",
                "Actions",
                "Intelligence",
                "Search people",
                "Risk",
                "Missing",
            ],
        ),
        ("commissioner", ["Home", "Report a concern", "Risk", "Oversight"]),
        ("hotel.sheffield", ["Home", "Report a concern"]),
        ("sysadmin", ["Home", "Users", "Organisation", "Audit"]),
    ],
)
def test_each_role_sees_its_sections_and_no_more(client_for, username, expected):
    assert _nav_labels(client_for(username).get("/").content.decode()) == expected


def test_a_page_inside_a_section_marks_the_section_current(client_for):
    html = client_for("supervisor.rotherham").get("/risk/overrides/").content.decode()
    current = re.findall(r'aria-current="true">(?:<strong[^>]*>)?([^<]+)', html)
    assert current == ["Oversight"]


def test_hub_pages_list_only_what_the_role_may_open(client_for):
    supervisor = client_for("supervisor.rotherham").get("/oversight/").content.decode()
    assert "Emergency access reviews" in supervisor
    commissioner = client_for("commissioner").get("/oversight/").content.decode()
    assert "Figures by district" in commissioner
    assert "Emergency access reviews" not in commissioner


def test_the_home_page_title_is_plain_text(client_for):
    html = client_for("cse.rotherham").get("/").content.decode()
    assert "<title>Home – Tessera</title>" in html
