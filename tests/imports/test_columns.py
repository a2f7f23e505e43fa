"""Imports never lose a column (issue 12, item 7).

A charity spreadsheet headed "DOB" and "Phone" (where the charity profile expects "Date of birth" and has
no phone) was reported as "every row imported" while storing neither. Now the page lists every column
before anything is imported, an unknown column must be given a meaning or left out on purpose, and the
import is refused with the list until it is.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from tessera.imports.models import BatchStatus, ImportBatch, QuarantinedRow
from tessera.jobs.models import Job
from tessera.jobs.queue import run_pending
from tessera.people.models import SourceIdentity
from tests.imports.test_import import FILE, send_file, start_checked

CHARITY = (
    b"Case reference,First name,Last name,DOB,Gender,Address,Town,Postcode,Phone\n"
    b"SS-1,Kayleigh,Thornley,14/03/2010,F,12 Furnace Lane,Rotherham,S60 1AA,07700 900123\n"
    b"SS-2,Leah,Wadsworth,31/02/2010,F,7 Pit Head Road,Rotherham,S60 2EE,07700 900456\n"
)


@pytest.fixture
def cse(client_for):
    return client_for("cse.rotherham")


def _send_charity(client, content=CHARITY, name="safe-steps.csv"):
    response = send_file(client, content, name, profile="charity_cases", agency="safe-steps")
    assert response.status_code == 302
    return response["Location"]


def _column_rows(page: str) -> dict[str, str]:
    """The columns table as the user reads it: column heading -> what it is imported as."""
    table = page.split('id="file-columns"', 1)[1].split("</table>", 1)[0]
    rows = {}
    for chunk in table.split('<th scope="row" class="govuk-table__header">')[1:]:
        column, rest = chunk.split("</th>", 1)
        cell = rest.split('<td class="govuk-table__cell">', 1)[1].split("</td>", 1)[0]
        rows[column] = " ".join(_strip_tags(cell).split())
    return rows


def _strip_tags(html: str) -> str:
    out, inside = [], False
    for character in html:
        if character == "<":
            inside = True
        elif character == ">":
            inside = False
        elif not inside:
            out.append(character)
    return "".join(out)


def test_before_anything_is_imported_the_page_lists_every_column_and_what_it_maps_to(cse):
    url = _send_charity(cse)
    assert url.endswith("/columns/")
    page = cse.get(url).content.decode()
    assert _column_rows(page) == {
        "Case reference": "Record ID",
        "First name": "First name",
        "Last name": "Last name",
        "DOB": "Not mapped",
        "Gender": "Sex",
        "Address": "Address line 1",
        "Town": "Town or city",
        "Postcode": "Postcode",
        "Phone": "Not mapped",
    }
    assert "No column of this file holds: Other names, Date of birth" in page
    assert "Nothing in the file has been imported yet" in page
    # The heading "DOB" is offered as a date of birth, but not taken until the importer says so.
    assert '<option value="date_of_birth" selected>Date of birth</option>' in page
    assert not SourceIdentity.objects.exists()


def test_the_import_is_refused_with_the_list_until_each_column_is_mapped_or_ignored(cse):
    url = _send_charity(cse)
    refused = start_checked(cse, url, {})
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "There is a problem" in page
    assert "Choose what column &#x27;DOB&#x27; holds, or choose not to import it" in page
    assert "Choose what column &#x27;Phone&#x27; holds, or choose not to import it" in page
    half = start_checked(cse, url, {"DOB": "date_of_birth"})
    assert half.status_code == 200
    assert "Choose what column &#x27;Phone&#x27; holds" in half.content.decode()
    assert "Choose what column &#x27;DOB&#x27; holds" not in half.content.decode()
    assert run_pending() == 0, "no import is queued"
    assert not SourceIdentity.objects.exists(), "nothing is stored meanwhile"
    assert not QuarantinedRow.objects.exists()
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.column_choices, batch.job) == (BatchStatus.CHECKING, {}, None)
    assert not Job.objects.exists()


def test_two_columns_cannot_both_be_the_date_of_birth(cse):
    content = CHARITY.replace(b",Phone\n", b",Born\n")
    url = _send_charity(cse, content, "two-dates.csv")
    refused = start_checked(cse, url, {"DOB": "date_of_birth", "Born": "date_of_birth"})
    assert refused.status_code == 200
    assert "Date of birth is chosen for both &#x27;DOB&#x27; and &#x27;Born&#x27;" in refused.content.decode()
    assert run_pending() == 0


def test_mapped_columns_are_stored_the_choices_kept_and_31_february_quarantined_with_its_reason(cse):
    url = _send_charity(cse)
    started = start_checked(cse, url, {"DOB": "date_of_birth", "Phone": "ignored"})
    assert started.status_code == 302
    assert run_pending() == 1
    batch = ImportBatch.objects.get()
    assert batch.column_choices == {"DOB": "date_of_birth", "Phone": "ignored"}
    assert batch.columns_checked_by is not None
    assert batch.columns_checked_by.username == "cse.rotherham"
    assert (batch.status, batch.created_count, batch.quarantined_count) == (BatchStatus.FINISHED, 1, 1)
    kayleigh = SourceIdentity.objects.get(source_record_id="SS-1")
    assert str(kayleigh.date_of_birth) == "2010-03-14", "the DOB column's dates are stored"
    leah = QuarantinedRow.objects.get()
    assert leah.raw["DOB"] == "31/02/2010", "the rejected row keeps its data"
    assert leah.raw["Phone"] == "07700 900456", "including the column left out"
    assert leah.reasons == [
        {
            "field": "date_of_birth",
            "message": "Date of birth (column DOB) '31/02/2010' is not a real date: February 2010 has 28 days",
        }
    ]
    page = cse.get(started["Location"]).content.decode()
    columns = _column_rows(page)
    assert columns["DOB"].startswith("Date of birth (chosen by")
    assert columns["Phone"].startswith("Not imported (chosen by")
    assert "February 2010 has 28 days" in page
    assert "Every row was imported" not in page
    assert "No column of this file holds: Other names." in page
    assert "Date of birth" not in page.split('id="not-in-file"', 1)[1].split("</div>", 1)[0]


def test_a_column_that_appears_only_in_a_later_record_is_listed(cse):
    records = [{"patientId": f"H{n}", "givenName": "Ellie", "familyName": "Cawthorne"} for n in range(60)]
    records[59]["mobile"] = "07700 900123"

    response = send_file(
        cse,
        json.dumps({"patients": records}).encode(),
        "systmone.json",
        profile="health_systmone",
        agency="health-rotherham",
    )
    page = cse.get(response["Location"]).content.decode()
    assert _column_rows(page)["mobile"] == "Not mapped"


def test_a_file_whose_columns_are_all_known_still_shows_them_before_it_starts(cse):
    response = send_file(cse, FILE, "niche.csv")
    assert response["Location"].endswith("/columns/")
    page = cse.get(response["Location"]).content.decode()
    assert _column_rows(page)["PersonURN"] == "Record ID; Police person ID"
    assert "Every column is one Niche RMS files have" in page
    assert run_pending() == 0
    assert start_checked(cse, response["Location"]).status_code == 302
    assert run_pending() == 1


def test_sending_a_file_waiting_for_its_columns_again_goes_back_to_its_columns(cse):
    first = _send_charity(cse)
    again = send_file(cse, CHARITY, "safe-steps.csv", profile="charity_cases", agency="safe-steps")
    assert again["Location"] == first
    assert ImportBatch.objects.count() == 1


def test_each_profile_has_a_column_specification_linked_from_the_import_pages(cse, client_for):
    upload_page = cse.get("/imports/new/").content.decode()
    assert 'href="/imports/columns/charity_cases.csv"' in upload_page
    assert 'href="/imports/columns/police_rms.csv"' in upload_page
    columns_page = cse.get(_send_charity(cse)).content.decode()
    assert 'href="/imports/columns/charity_cases.csv"' in columns_page
    response = cse.get("/imports/columns/charity_cases.csv")
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="tessera-columns-charity_cases.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    by_column = {row["Column"]: row for row in rows}
    assert by_column["Date of birth"]["Holds"] == "Date of birth"
    assert "DD/MM/YYYY or YYYY-MM-DD" in by_column["Date of birth"]["Format"]
    assert by_column["Case reference"]["Required"].startswith("Yes")
    assert set(by_column) == {
        "Case reference", "First name", "Last name", "Also known as", "Date of birth", "Gender", "Address",
        "Town", "Postcode",
    }  # fmt: skip
    assert cse.get("/imports/columns/no_such_system.csv").status_code == 404
    assert client_for("hotel.sheffield").get("/imports/columns/charity_cases.csv").status_code == 403


def test_a_refused_file_says_nothing_was_imported_and_shows_no_made_up_progress(cse):
    response = send_file(cse, b"patientId,givenName\nH1,Ellie\n", "wrong.csv")
    assert response.status_code == 302
    page = cse.get(response["Location"], follow=True).content.decode()
    assert "does not look like a Niche RMS export" in page
    assert "Nothing in it was imported" in page
    assert "of ?" not in page
    assert "100%" not in page
    assert run_pending() == 0


def test_progress_counts_the_file_s_real_rows(cse):
    response = send_file(cse, FILE, "niche.csv")
    batch_url = start_checked(cse, response["Location"])["Location"]
    waiting = cse.get(batch_url).content.decode()
    assert "Not started yet" in waiting
    assert "of ?" not in waiting
    run_pending()
    page = cse.get(batch_url).content.decode()
    assert "7 of 7 done (100%)" in page


def test_a_phone_column_mapped_to_the_phone_lands_as_a_phone_the_person_uses(cse):
    """Item 7: "A CSV headed DOB and Phone ... storing no phones". The phone is stored where POLE keeps
    phones: one Phone per number, linked to the person ("uses phone") with the record as its source."""
    from tessera.people.models import Link, LinkKind, Phone

    fixed = CHARITY.replace(b"31/02/2010", b"28/02/2010")
    url = _send_charity(cse, fixed)
    page = cse.get(url).content.decode()
    assert '<option value="phone" selected>Phone number</option>' in page, "the heading suggests it"
    started = start_checked(cse, url, {"DOB": "date_of_birth", "Phone": "phone"})
    assert started.status_code == 302
    assert run_pending() == 1
    batch = ImportBatch.objects.get()
    assert (batch.status, batch.created_count, batch.quarantined_count) == (BatchStatus.FINISHED, 2, 0)
    assert sorted(Phone.objects.values_list("number", flat=True)) == ["+447700900123", "+447700900456"]
    kayleigh = SourceIdentity.objects.get(source_record_id="SS-1")
    link = Link.objects.get(target__phone__number="+447700900123")
    assert (link.kind, link.source_id, link.source_system, link.source_record_id) == (
        LinkKind.USES_PHONE,
        kayleigh.person.entity_id,
        "Charity case records",
        "SS-1",
    )
    assert link.agency.code == "safe-steps"
    # The same record sent again in another file adds no second phone and no second link.
    again = fixed.replace(b"SS-2,Leah", b"SS-3,Leah")
    url = _send_charity(cse, again, "safe-steps-2.csv")
    start_checked(cse, url, {"DOB": "date_of_birth", "Phone": "phone"})
    assert run_pending() == 1
    assert Phone.objects.count() == 2
    assert Link.objects.filter(kind=LinkKind.USES_PHONE, source_record_id="SS-1").count() == 1
    assert Link.objects.filter(kind=LinkKind.USES_PHONE, source_record_id="SS-3").count() == 1, (
        "a new record with a known number links to the same phone"
    )


def test_a_value_in_the_phone_column_that_is_no_phone_number_quarantines_the_row(cse):
    from tessera.people.models import Phone

    content = CHARITY.replace(b"31/02/2010", b"28/02/2010").replace(b"07700 900456", b"ring the office")
    url = _send_charity(cse, content)
    start_checked(cse, url, {"DOB": "date_of_birth", "Phone": "phone"})
    assert run_pending() == 1
    row = QuarantinedRow.objects.get()
    assert row.raw["Phone"] == "ring the office"
    assert row.reasons == [
        {
            "field": "phone",
            "message": "Phone number (column Phone) 'ring the office' is not a phone number "
            "(write it like 07700 900123 or +44 7700 900123)",
        }
    ]
    assert list(Phone.objects.values_list("number", flat=True)) == ["+447700900123"]
