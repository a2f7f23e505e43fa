"""POLE: persons (resolved from agencies' source identities), objects, locations and the links between them.

Every person, location, vehicle, phone and online account owns one ``PoleEntity`` row, so a ``Link``
can join any two of them with real foreign keys and a graph over entity ids needs no type juggling.
Events (referrals, missing episodes, crimes) live in their own apps and refer to persons.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse

from tessera.core.models import Agency, District, TimeStampedModel, VersionedModel
from tessera.people.identifiers import display_phone, normalise_phone


class EntityKind(models.TextChoices):
    PERSON = "person", "Person"
    LOCATION = "location", "Location"
    VEHICLE = "vehicle", "Vehicle"
    PHONE = "phone", "Phone"
    ONLINE_ACCOUNT = "online_account", "Online account"


class PoleEntity(models.Model):
    kind = models.CharField(max_length=20, choices=EntityKind.choices)

    def __str__(self) -> str:
        return f"{self.kind} {self.pk}"


class Sex(models.TextChoices):
    FEMALE = "female", "Female"
    MALE = "male", "Male"
    OTHER = "other", "Other"
    UNKNOWN = "unknown", "Not known"


class Ethnicity(models.TextChoices):
    """The ONS 2021 ethnic groups (England and Wales), plus 'not stated'."""

    WHITE_BRITISH = "white_british", "White: English, Welsh, Scottish, Northern Irish or British"
    WHITE_IRISH = "white_irish", "White: Irish"
    WHITE_GYPSY = "white_gypsy", "White: Gypsy or Irish Traveller"
    WHITE_ROMA = "white_roma", "White: Roma"
    WHITE_OTHER = "white_other", "White: any other White background"
    MIXED_WHITE_BLACK_CARIBBEAN = "mixed_wbc", "Mixed: White and Black Caribbean"
    MIXED_WHITE_BLACK_AFRICAN = "mixed_wba", "Mixed: White and Black African"
    MIXED_WHITE_ASIAN = "mixed_wa", "Mixed: White and Asian"
    MIXED_OTHER = "mixed_other", "Mixed: any other mixed background"
    ASIAN_INDIAN = "asian_indian", "Asian or Asian British: Indian"
    ASIAN_PAKISTANI = "asian_pakistani", "Asian or Asian British: Pakistani"
    ASIAN_BANGLADESHI = "asian_bangladeshi", "Asian or Asian British: Bangladeshi"
    ASIAN_CHINESE = "asian_chinese", "Asian or Asian British: Chinese"
    ASIAN_OTHER = "asian_other", "Asian or Asian British: any other Asian background"
    BLACK_AFRICAN = "black_african", "Black or Black British: African"
    BLACK_CARIBBEAN = "black_caribbean", "Black or Black British: Caribbean"
    BLACK_OTHER = "black_other", "Black or Black British: any other Black background"
    ARAB = "arab", "Other ethnic group: Arab"
    OTHER = "other", "Other ethnic group: any other"
    NOT_STATED = "not_stated", "Not stated"


class Person(VersionedModel):
    """A resolved person: the cluster of what agencies' systems say about one human being.

    The summary fields (name, date of birth, sex, district) are the best current view of the cluster,
    refreshed whenever identities join or leave it; the source identities remain the evidence.
    """

    entity = models.OneToOneField(PoleEntity, on_delete=models.PROTECT, related_name="person")
    given_name = models.CharField(max_length=100, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    # Where the person is known; drives which district teams may see them.
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="absorbed"
    )
    # True while every source record of the person is police intelligence (``INTELLIGENCE_SOURCE_SYSTEM``):
    # such a person is seen only by those who see police intelligence, and by partners once a release
    # names them (ADR 0026). Kept with the summary (``services.refresh_summary``), as the database default
    # for rows written in bulk.
    known_only_from_intelligence = models.BooleanField(default=False, db_default=False)

    class Meta:
        ordering = ["family_name", "given_name"]
        indexes = [models.Index(fields=["district"], name="person_district_idx")]

    def __str__(self) -> str:
        return self.full_name or f"Person {self.pk}"

    def get_absolute_url(self) -> str:
        return reverse("people:person_detail", args=[self.pk])

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}".strip()


# The source system of the records a person is known by when all Tessera knows of them is police
# intelligence (a name in an intelligence report, confirmed by an analyst).
INTELLIGENCE_SOURCE_SYSTEM = "Police intelligence"


class SourceIdentity(TimeStampedModel):
    """What one agency's system says about a person, with where it came from."""

    person = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="identities")
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    source_system = models.CharField(max_length=60)
    source_record_id = models.CharField(max_length=100)
    received_at = models.DateTimeField()
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    given_name = models.CharField(max_length=100, blank=True)
    middle_names = models.CharField(max_length=150, blank=True)
    family_name = models.CharField(max_length=100, blank=True)
    # Aliases and nicknames as the source recorded them ("Jay", "Little J").
    other_names = models.JSONField(default=list, blank=True)
    date_of_birth = models.DateField(null=True, blank=True)
    approximate_age = models.PositiveSmallIntegerField(null=True, blank=True)
    sex = models.CharField(max_length=10, choices=Sex.choices, default=Sex.UNKNOWN)
    ethnicity = models.CharField(max_length=30, choices=Ethnicity.choices, default=Ethnicity.NOT_STATED)
    disability = models.CharField(max_length=200, blank=True)

    police_person_id = models.CharField(max_length=30, blank=True)
    nhs_number = models.CharField(max_length=10, blank=True)
    pupil_number = models.CharField(max_length=13, blank=True)
    la_person_id = models.CharField(max_length=30, blank=True)
    # Identifiers the source sent that fail their check (an NHS number's check digit, a UPN's form), kept
    # exactly as given by field name ({"nhs_number": "943 476 5918"}). The field itself stays empty, so
    # they are never used for matching; the record is linked on its other fields.
    identifiers_failing_check = models.JSONField(default=dict, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "source_system", "source_record_id"], name="one_identity_per_source_record"
            )
        ]
        indexes = [
            models.Index(fields=["person"], name="identity_person_idx"),
            models.Index(fields=["nhs_number"], name="identity_nhs_idx"),
            models.Index(fields=["police_person_id"], name="identity_police_id_idx"),
            models.Index(fields=["pupil_number"], name="identity_pupil_idx"),
            models.Index(fields=["la_person_id"], name="identity_la_id_idx"),
            # Search by date of birth finds the few hundred records sharing one, then compares names.
            models.Index(fields=["date_of_birth"], name="identity_dob_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.given_name} {self.family_name} ({self.source_system} {self.source_record_id})"


class LocationKind(models.TextChoices):
    HOME = "home", "Home"
    CHILDRENS_HOME = "childrens_home", "Children's home"
    HOTEL = "hotel", "Hotel"
    TAKEAWAY = "takeaway", "Takeaway"
    TAXI_FIRM = "taxi_firm", "Taxi firm"
    PARK = "park", "Park"
    SCHOOL = "school", "School"
    SHOP = "shop", "Shop"
    OTHER = "other", "Other place"


class Location(TimeStampedModel):
    entity = models.OneToOneField(PoleEntity, on_delete=models.PROTECT, related_name="location")
    kind = models.CharField(max_length=20, choices=LocationKind.choices)
    name = models.CharField(max_length=150, blank=True, help_text="Premises name, e.g. a hotel or school")
    address_line_1 = models.CharField(max_length=150, blank=True)
    address_line_2 = models.CharField(max_length=150, blank=True)
    town = models.CharField(max_length=100, blank=True)
    postcode = models.CharField(max_length=8, blank=True, db_index=True)
    district = models.ForeignKey(District, null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    def __str__(self) -> str:
        parts = [self.name, self.address_line_1, self.town]
        # An address typed on one line often ends with its postcode already: name it once.
        if (
            self.postcode
            and self.postcode.replace(" ", "").upper() not in self.address_line_1.replace(" ", "").upper()
        ):
            parts.append(self.postcode)
        return ", ".join(p for p in parts if p) or f"Location {self.pk}"


class PlaceWord(models.Model):
    """One word a place can be found under: of its kind, name or street ("hotel", "premier", "walk").

    Derived from the place (``people.place_words``), kept current when a place is saved, so a search by
    a place's name is an index look-up rather than a scan of every address.
    """

    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")
    word = models.CharField(max_length=60)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["location", "word"], name="one_place_word_per_place")]
        indexes = [models.Index(fields=["word", "location"], name="place_word_idx")]

    def __str__(self) -> str:
        return f"{self.word} for place {self.location_id}"


class IdentityAddress(models.Model):
    """An address a source recorded for an identity, with the dates it applied."""

    identity = models.ForeignKey(SourceIdentity, on_delete=models.CASCADE, related_name="addresses")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    from_date = models.DateField(null=True, blank=True)
    to_date = models.DateField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.identity_id} at {self.location_id}"


class Vehicle(TimeStampedModel):
    entity = models.OneToOneField(PoleEntity, on_delete=models.PROTECT, related_name="vehicle")
    registration = models.CharField(max_length=10, unique=True, help_text="Normalised: capitals, no spaces")
    make = models.CharField(max_length=50, blank=True)
    model = models.CharField(max_length=50, blank=True)
    colour = models.CharField(max_length=30, blank=True)

    def __str__(self) -> str:
        return self.registration


class Phone(TimeStampedModel):
    entity = models.OneToOneField(PoleEntity, on_delete=models.PROTECT, related_name="phone")
    number = models.CharField(max_length=20, unique=True, help_text="Normalised to E.164")

    def save(self, *args: Any, **kwargs: Any) -> None:
        # However the number was written, it is stored one way, so every agency's record of it is one phone.
        self.number = normalise_phone(self.number)
        super().save(*args, **kwargs)

    def __str__(self) -> str:
        return display_phone(self.number)


class OnlineAccount(TimeStampedModel):
    entity = models.OneToOneField(PoleEntity, on_delete=models.PROTECT, related_name="online_account")
    platform = models.CharField(max_length=50)
    handle = models.CharField(max_length=100, help_text="Normalised: no leading @, case-folded")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["platform", "handle"], name="one_account_per_handle")]
        # Searches give a handle without the platform.
        indexes = [models.Index(fields=["handle"], name="account_handle_idx")]

    def __str__(self) -> str:
        return f"{self.handle} on {self.platform}"


class LinkKind(models.TextChoices):
    FAMILY = "family", "Family"
    ASSOCIATE = "associate", "Associate"
    PEER = "peer", "Peer"
    SUSPECTED_EXPLOITER = "suspected_exploiter", "Suspected exploiter of"
    FOUND_WITH = "found_with", "Found with"
    SEEN_IN_VEHICLE = "seen_in_vehicle", "Seen in vehicle"
    USES_VEHICLE = "uses_vehicle", "Uses vehicle"
    USES_PHONE = "uses_phone", "Uses phone"
    USES_ACCOUNT = "uses_account", "Uses online account"
    FREQUENTS = "frequents", "Frequents"
    # Seen there once, on the link's date (a concern's sighting), rather than known to go there often.
    SEEN_AT = "seen_at", "Seen at"
    LIVES_AT = "lives_at", "Lives at"


class SourceEvaluation(models.TextChoices):
    RELIABLE = "1", "1 – Reliable"
    UNTESTED = "2", "2 – Untested"
    NOT_RELIABLE = "3", "3 – Not reliable"


class IntelligenceAssessment(models.TextChoices):
    KNOWN_DIRECTLY = "A", "A – Known directly to the source"
    KNOWN_INDIRECTLY_CORROBORATED = "B", "B – Known indirectly, corroborated"
    KNOWN_INDIRECTLY = "C", "C – Known indirectly"
    NOT_KNOWN = "D", "D – Not known"
    SUSPECTED_FALSE = "E", "E – Suspected to be false"


class HandlingCode(models.TextChoices):
    PERMITTED = "P", "P – Lawful sharing permitted"
    CONDITIONS = "C", "C – Lawful sharing with conditions"


# Links that did not come from police intelligence (the complement of ``Link.is_police_intelligence``).
NOT_POLICE_INTELLIGENCE = Q(
    from_intelligence=False,
    source_evaluation="",
    intelligence_assessment="",
    handling_code="",
    legacy_grade="",
)


class Link(TimeStampedModel):
    """A typed, dated relation between two POLE entities, with where it came from."""

    source = models.ForeignKey(PoleEntity, on_delete=models.PROTECT, related_name="links_out")
    target = models.ForeignKey(PoleEntity, on_delete=models.PROTECT, related_name="links_in")
    kind = models.CharField(max_length=30, choices=LinkKind.choices)
    started_on = models.DateField(null=True, blank=True)
    ended_on = models.DateField(null=True, blank=True)
    # Provenance.
    agency = models.ForeignKey(Agency, on_delete=models.PROTECT, related_name="+")
    source_system = models.CharField(max_length=60, blank=True)
    source_record_id = models.CharField(max_length=100, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # Intelligence grading (3x5x2) when the link came from intelligence; older 5x5x5 grades kept as text.
    from_intelligence = models.BooleanField(default=False)
    source_evaluation = models.CharField(max_length=1, choices=SourceEvaluation.choices, blank=True)
    intelligence_assessment = models.CharField(
        max_length=1, choices=IntelligenceAssessment.choices, blank=True
    )
    handling_code = models.CharField(max_length=1, choices=HandlingCode.choices, blank=True)
    legacy_grade = models.CharField(max_length=10, blank=True, help_text="A 5x5x5 grade from an older record")

    class Meta:
        indexes = [
            models.Index(fields=["source", "kind"], name="link_source_idx"),
            models.Index(fields=["target", "kind"], name="link_target_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.source_id} {self.kind} {self.target_id}"

    @property
    def is_police_intelligence(self) -> bool:
        """Whether the link came from police intelligence: flagged so, or carrying any grade."""
        return self.from_intelligence or any(
            (self.source_evaluation, self.intelligence_assessment, self.handling_code, self.legacy_grade)
        )

    @property
    def grade(self) -> str:
        return link_grade(
            self.source_evaluation, self.intelligence_assessment, self.handling_code, self.legacy_grade
        )


def link_grade(source_evaluation: str, intelligence_assessment: str, handling_code: str, legacy: str) -> str:
    """A link's grade as shown: its 3x5x2 grade, or the 5x5x5 one of an older record."""
    if source_evaluation:
        return f"{source_evaluation}{intelligence_assessment}{handling_code}"
    return legacy


class PersonMerge(models.Model):
    """A recorded, reversible decision that two person records are the same human being."""

    survivor = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_kept")
    absorbed = models.ForeignKey(Person, on_delete=models.PROTECT, related_name="merges_absorbed")
    reason = models.TextField()
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField()
    # What moved, so an unmerge puts back exactly this.
    moved_identity_ids = models.JSONField(default=list)
    moved_link_ids = models.JSONField(default=dict)
    undone_at = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    undo_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["-decided_at"]

    def __str__(self) -> str:
        return f"Person {self.absorbed_id} merged into {self.survivor_id}"


class MatchKey(models.Model):
    """One key a person can be found under: a name's sound, a full name it may shorten, a blocking key.

    The one index behind person search, search before create and linkage's check of a single new record
    (see ``people.match_index``). Kept per person (not per source record) so a name recorded by five
    agencies is one row; rebuilt from the person's source records whenever they change. The (key, person)
    index answers "everyone under these keys" from the index alone.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=120)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["person", "key"], name="one_match_key_per_person")]
        indexes = [models.Index(fields=["key", "person"], name="person_match_key_idx")]

    def __str__(self) -> str:
        return f"{self.key} for person {self.person_id}"
