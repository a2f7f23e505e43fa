"""The API answers through the same policy and audit as the pages."""

from django.test import Client

from tessera.audit.models import AccessLog, AuditAction
from tests.conftest import mark_active


def test_a_person_is_read_with_every_agency_record_and_logged(cast, client_for, rotherham_child):
    response = client_for("cse.rotherham").get(f"/api/v1/people/{rotherham_child.pk}/")
    assert response.status_code == 200
    body = response.json()
    assert body["family_name"] == "Thornley"
    assert body["identities"][0]["agency"] == "South Yorkshire Police"
    log = AccessLog.objects.get(
        actor=cast["cse.rotherham"], action=AuditAction.VIEW, target_id=str(rotherham_child.pk)
    )
    assert log.details == {"via": "api"}


def test_outsider_gets_404_not_the_person(client_for, rotherham_child):
    response = client_for("sw.sheffield").get(f"/api/v1/people/{rotherham_child.pk}/")
    assert response.status_code == 404
    assert "Thornley" not in response.content.decode()


def test_password_without_second_factor_is_refused_as_json(cast, rotherham_child):
    client = Client()
    client.force_login(cast["cse.rotherham"])
    response = mark_active(client).get(f"/api/v1/people/{rotherham_child.pk}/")
    assert response.status_code == 403
    assert response.json()["detail"].startswith("Enter your security code")


def test_the_openapi_schema_describes_the_person_endpoint(client_for):
    response = client_for("cse.rotherham").get("/api/v1/schema/")
    assert response.status_code == 200
    assert b"/api/v1/people/{id}/" in response.content
