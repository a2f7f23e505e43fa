"""People in the API: the same rows and the same audit as the person page."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from tessera.api.base import PolicyReadOnlyViewSet
from tessera.people.models import Person, SourceIdentity
from tessera.people.selectors import open_person, visible_people


class SourceIdentitySerializer(serializers.ModelSerializer[SourceIdentity]):
    agency = serializers.CharField(source="agency.name")
    district = serializers.CharField(source="district.name", allow_null=True, default=None)

    class Meta:
        model = SourceIdentity
        fields = [
            "agency",
            "source_system",
            "source_record_id",
            "received_at",
            "district",
            "given_name",
            "middle_names",
            "family_name",
            "other_names",
            "date_of_birth",
            "approximate_age",
            "sex",
            "ethnicity",
            "disability",
            "police_person_id",
            "nhs_number",
            "pupil_number",
            "la_person_id",
        ]


class PersonSerializer(serializers.ModelSerializer[Person]):
    district = serializers.CharField(source="district.name", allow_null=True, default=None)
    identities = SourceIdentitySerializer(many=True, read_only=True)

    class Meta:
        model = Person
        fields = [
            "id",
            "given_name",
            "family_name",
            "date_of_birth",
            "sex",
            "district",
            "version",
            "identities",
        ]


class PersonViewSet(PolicyReadOnlyViewSet):
    """A person you may see, with every agency's record of them. Each read is logged."""

    serializer_class = PersonSerializer

    def get_queryset(self) -> QuerySet[Person]:
        return visible_people(self.request.user).select_related("district")

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # Listing everyone in scope is not a use the service supports: people are found by search.
        return Response({"detail": "Find people with the search; open one by id."}, status=405)

    def retrieve(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        # The person page's own selector: the same rows, the same one access-log row.
        person = open_person(request.user, int(kwargs["pk"]), via=request._request)
        return Response(self.get_serializer(person).data)
