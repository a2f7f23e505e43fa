"""Role grants under two keys (issue 17, Found 1 and build item 1).

An administrator could give themselves a child's record: POST their own account with roles=supervisor
and a team (the "administrator must be the only role" check passed because the same save removed it),
or create a supervisor with a password they chose and sign in as it.
"""

import re

from django.core import mail
from django.test import Client

from tessera.accounts.models import AccessRequest, AccessRequestStatus, User
from tessera.accounts.roles import Role
from tessera.audit.models import AccessLog, AuditAction
from tessera.core.models import Agency, Team


def _edit_form(user: User, **overrides):
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
    return data | overrides


def test_an_administrator_cannot_give_themselves_a_childs_record(cast, client_for, rotherham_child):
    admin_user = cast["sysadmin"]
    admin = client_for("sysadmin")
    team = Team.objects.get(name="Rotherham CSE team (police)")
    police = Agency.objects.get(code="police")
    response = admin.post(
        f"/administration/users/{admin_user.pk}/",
        _edit_form(admin_user, roles=[Role.SUPERVISOR], teams=[str(team.pk)], agency=str(police.pk)),
    )
    assert response.status_code == 200
    assert "Nobody can change their own roles or teams" in response.content.decode()
    admin_user.refresh_from_db()
    assert set(admin_user.role_grants.values_list("role", flat=True)) == {Role.SYSTEM_ADMINISTRATOR}
    assert not AccessRequest.objects.filter(user=admin_user).exists()
    assert client_for("sysadmin").get(f"/people/{rotherham_child.pk}/").status_code == 404


def _create(admin, username="new.officer", roles=(Role.SUPERVISOR,), team="Rotherham CSE team (police)"):
    chosen = Team.objects.get(name=team)
    return admin.post(
        "/administration/users/new/",
        {
            "username": username,
            "first_name": "Nia",
            "last_name": "Cropper",
            "email": f"{username}@example.org",
            "job_title": "Detective sergeant",
            "agency": str(chosen.agency_id),
            "roles": list(roles),
            "teams": [str(chosen.pk)],
            "is_active": "on",
        },
    )


def _link_in(message) -> str:
    found = re.search(r"http://[^/]+(/account/set-password/[^\s]+/)", message.body)
    assert found, message.body
    return found.group(1)


def test_a_new_user_sets_their_own_password_from_a_link_the_administrator_never_sees(cast, client_for):
    admin = client_for("sysadmin")
    response = _create(admin)
    user = User.objects.get(username="new.officer")
    assert not user.has_usable_password(), "no administrator chose a password"
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["new.officer@example.org"]
    link = _link_in(mail.outbox[0])
    page = admin.get(response["Location"]).content.decode()
    assert link not in page, "the administrator's pages never show the link"
    assert "password" not in list(
        re.findall(r'name="([a-z_]+)"', admin.get("/administration/users/new/").content.decode())
    )

    newcomer = Client()
    form = newcomer.get(link)
    assert form.status_code == 200
    assert "Your user name is <strong>new.officer</strong>" in form.content.decode()
    weak = newcomer.post(link, {"new_password": "password", "confirm_password": "password"})
    assert "This password is too short" in weak.content.decode() or "too common" in weak.content.decode()
    chosen = "a-long-passphrase-of-her-own-9"
    done = newcomer.post(link, {"new_password": chosen, "confirm_password": chosen})
    assert done.status_code == 302
    assert done["Location"] == "/sign-in/"
    user.refresh_from_db()
    assert user.check_password(chosen)
    assert Client().get(link).status_code == 404, "the link works once"
    assert "This link no longer works" in Client().get(link).content.decode()
    signed_in = Client().post("/sign-in/", {"username": "new.officer", "password": chosen})
    assert signed_in["Location"] == "/sign-in/set-up-code/"


def test_a_case_role_takes_effect_only_when_a_supervisor_of_the_agency_approves(cast, client_for):
    _create(client_for("sysadmin"))
    user = User.objects.get(username="new.officer")
    waiting = AccessRequest.objects.get(user=user)
    assert not user.has_role(Role.SUPERVISOR)
    supervisor = client_for("supervisor.rotherham")
    listed = supervisor.get("/access-requests/").content.decode()
    assert "Nia Cropper" in listed
    assert "Supervisor or manager" in listed
    refused = supervisor.post(f"/access-requests/{waiting.pk}/", {"decision": "approve", "note": ""})
    assert "Enter a note" in refused.content.decode()
    approved = supervisor.post(
        f"/access-requests/{waiting.pk}/",
        {"decision": "approve", "note": "Joins the Rotherham team on Monday; confirmed with her inspector"},
    )
    assert approved.status_code == 302
    user = User.objects.get(pk=user.pk)
    assert user.has_role(Role.SUPERVISOR)
    assert list(user.memberships.values_list("team__name", flat=True)) == ["Rotherham CSE team (police)"]
    waiting.refresh_from_db()
    assert (waiting.status, waiting.decided_by) == (
        AccessRequestStatus.APPROVED,
        cast["supervisor.rotherham"],
    )
    events = list(
        AccessLog.objects.filter(action=AuditAction.SECURITY, target_id=str(user.pk)).values_list(
            "details__event", flat=True
        )
    )
    assert "access requested" in events
    assert "access approved" in events
    listing = client_for("sysadmin").get("/administration/access-requests/").content.decode()
    assert "new.officer" in listing
    assert "Approved" in listing
    assert "confirmed with her inspector" in listing


def test_only_a_supervisor_of_the_persons_agency_may_approve(cast, client_for):
    _create(
        client_for("sysadmin"),
        username="sw.new",
        roles=(Role.CSE_TEAM_MEMBER,),
        team="Sheffield CSE team (social care)",
    )
    waiting = AccessRequest.objects.get(user__username="sw.new")
    # Sheffield social care has no supervisor in the cast, so the police supervisor is the fallback;
    # give social care one of its own and the police supervisor no longer may.
    social_care = Agency.objects.get(code="csc-sheffield")
    own = User.objects.create_user(username="csc.lead", password=None, agency=social_care)
    own.role_grants.create(role=Role.SUPERVISOR)
    assert client_for("supervisor.rotherham").get(f"/access-requests/{waiting.pk}/").status_code == 404
    assert client_for("sysadmin").get(f"/access-requests/{waiting.pk}/").status_code == 403


def test_nobody_approves_a_request_about_themselves(cast, client_for):
    supervisor = cast["supervisor.rotherham"]
    extra = Team.objects.get(name="Doncaster CSE team (police)")
    client_for("sysadmin").post(
        f"/administration/users/{supervisor.pk}/",
        _edit_form(
            supervisor,
            teams=[str(t) for t in supervisor.memberships.values_list("team_id", flat=True)]
            + [str(extra.pk)],
        ),
    )
    waiting = AccessRequest.objects.get(user=supervisor)
    assert client_for("supervisor.rotherham").get(f"/access-requests/{waiting.pk}/").status_code == 404
    supervisor.refresh_from_db()
    assert extra.pk not in set(supervisor.memberships.values_list("team_id", flat=True))


def test_roles_that_read_no_case_data_and_removals_take_effect_at_once(cast, client_for):
    admin = client_for("sysadmin")
    _create(
        admin, username="hotel.rotherham", roles=(Role.PARTNER_REPORTER,), team="Rotherham CSE team (police)"
    )
    officer = cast["youthworker.rotherham"]
    response = admin.post(f"/administration/users/{officer.pk}/", _edit_form(officer, teams=[]))
    assert response.status_code == 302
    assert not officer.memberships.exists(), "taking access away needs one key"


def test_the_agency_of_someone_with_case_roles_cannot_be_changed(cast, client_for):
    officer = cast["youthworker.rotherham"]
    police = Agency.objects.get(code="police")
    body = (
        client_for("sysadmin")
        .post(f"/administration/users/{officer.pk}/", _edit_form(officer, agency=str(police.pk), teams=[]))
        .content.decode()
    )
    assert "cannot change" in body
    officer.refresh_from_db()
    assert officer.agency.code == "safe-steps"


def test_no_link_can_be_sent_to_an_account_that_has_a_password(cast, client_for):
    target = cast["supervisor.rotherham"]
    response = client_for("sysadmin").post(
        f"/administration/users/{target.pk}/send-password-link/", follow=True
    )
    assert "has already set a password" in response.content.decode()
    assert mail.outbox == []
