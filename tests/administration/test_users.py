"""Administering users: stale saves refused with what changed, forms keep what was typed, history kept."""

from tessera.accounts.models import User
from tessera.accounts.roles import Role
from tessera.audit.models import AccessLog, AuditAction, RecordChange
from tessera.core.models import Agency, Team


def _form(user: User, **overrides):
    data = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "job_title": user.job_title,
        "agency": str(user.agency_id),
        "roles": list(user.role_grants.values_list("role", flat=True)),
        "teams": [str(pk) for pk in user.memberships.values_list("team_id", flat=True)],
        "is_active": "on",
        "version": str(user.version),
    }
    data.update(overrides)
    return data


def test_an_edit_is_saved_with_history_and_audit(cast, client_for):
    target = cast["youthworker.rotherham"]
    admin = client_for("sysadmin")
    response = admin.post(
        f"/administration/users/{target.pk}/", _form(target, job_title="Senior youth worker")
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.job_title == "Senior youth worker"
    assert target.version == 2
    change = RecordChange.objects.get(target_type="accounts.user", target_id=str(target.pk), version=2)
    assert change.changes["job_title"] == {
        "label": "Job title",
        "old": "Youth worker",
        "new": "Senior youth worker",
    }
    assert AccessLog.objects.filter(
        action=AuditAction.CHANGE, target_type="accounts.user", target_id=str(target.pk)
    ).exists()
    page = admin.get(f"/administration/users/{target.pk}/").content.decode()
    assert "“Youth worker” to “Senior youth worker”" in page


def test_a_stale_save_is_refused_saying_who_changed_what(cast, client_for):
    target = cast["youthworker.rotherham"]
    first = client_for("sysadmin")
    opened_at_version = _form(target)
    # Someone else saves first.
    first.post(f"/administration/users/{target.pk}/", _form(target, last_name="Brennan-Hale"))
    # Our save was based on version 1.
    response = first.post(
        f"/administration/users/{target.pk}/",
        {**opened_at_version, "job_title": "Team leader", "email": "new@example.org"},
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert "Your changes have not been saved" in body
    assert "Alex Rowan changed Last name" in body
    assert 'value="Team leader"' in body, "what was typed is kept"
    assert 'value="new@example.org"' in body, "what was typed is kept"
    assert "<title>Error:" in body
    target.refresh_from_db()
    assert target.last_name == "Brennan-Hale"
    assert target.job_title == "Youth worker", "nothing silently overwritten"


def test_a_form_with_errors_keeps_everything_typed_and_links_each_error(cast, client_for):
    admin = client_for("sysadmin")
    hotel = Agency.objects.get(code="hotelwatch-sheffield")
    data = {
        "username": "new.person",
        "password": "a-long-enough-password-1",
        "first_name": "Tamsin",
        "last_name": "",
        "email": "not-an-email",
        "job_title": "Receptionist",
        "agency": str(hotel.pk),
        "roles": [Role.CSE_TEAM_MEMBER],
        "is_active": "on",
    }
    body = admin.post("/administration/users/new/", data).content.decode()
    assert 'href="#id_last_name"' in body
    assert "Enter last name" in body
    assert 'href="#id_email"' in body
    assert "Enter an email address in the correct format" in body
    assert 'href="#id_roles_0"' in body
    assert "People from partner businesses can only be partner reporters" in body
    assert 'value="Tamsin"' in body
    assert 'value="Receptionist"' in body
    assert 'value="not-an-email"' in body
    assert 'value="new.person"' in body
    assert not User.objects.filter(username="new.person").exists()


def test_a_new_user_is_created_with_teams_and_their_case_role_waits_for_approval(cast, client_for):
    admin = client_for("sysadmin")
    team = Team.objects.get(name="Doncaster CSE team (police)")
    response = admin.post(
        "/administration/users/new/",
        {
            "username": "dc.doncaster",
            "first_name": "Ola",
            "last_name": "Fenwick",
            "email": "ola@example.org",
            "agency": str(team.agency_id),
            "roles": [Role.CSE_TEAM_MEMBER],
            "teams": [str(team.pk)],
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    user = User.objects.get(username="dc.doncaster")
    assert not user.has_role(Role.CSE_TEAM_MEMBER), "the second key has not turned yet"
    assert not user.memberships.exists()
    waiting = user.access_requests.get()
    assert waiting.roles == [Role.CSE_TEAM_MEMBER]
    assert [t.name for t in waiting.teams.all()] == ["Doncaster CSE team (police)"]
    assert AccessLog.objects.filter(
        action=AuditAction.CREATE, target_type="accounts.user", target_id=str(user.pk)
    ).exists()


def test_system_administrator_cannot_also_hold_a_casework_role(cast, client_for):
    admin = client_for("sysadmin")
    target = cast["sysadmin"]
    body = admin.post(
        f"/administration/users/{target.pk}/",
        _form(target, roles=[Role.SYSTEM_ADMINISTRATOR, Role.CSE_TEAM_MEMBER]),
    ).content.decode()
    assert "System administrator must be the only role" in body


def test_adding_a_district_is_possible_and_checked(cast, client_for):
    admin = client_for("sysadmin")
    duplicate = admin.post(
        "/administration/organisation/", {"name": "Sheffield", "code": "sheff2", "local_authority": "X"}
    )
    assert "A district with that name already exists" in duplicate.content.decode()
    added = admin.post(
        "/administration/organisation/",
        {"name": "Wakefield", "code": "wakefield", "local_authority": "Wakefield Council"},
    )
    assert added.status_code == 302
    assert "Wakefield" in admin.get("/administration/organisation/").content.decode()
