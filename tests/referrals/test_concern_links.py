"""Which links a concern's resolved people, places and things make (pure, no database)."""

from __future__ import annotations

from tessera.referrals.concern_links import LinkToRecord, Resolved, concern_links


def kinds(links: list[LinkToRecord]) -> list[tuple[int, int, str]]:
    return [(link.source_entity_id, link.target_entity_id, link.kind) for link in links]


def test_a_girl_with_two_men_a_car_and_a_hotel():
    girl, mo, darren, car, hotel = 1, 2, 3, 4, 5
    links = concern_links(
        [
            Resolved("child", girl),
            Resolved("adult", mo),
            Resolved("adult", darren),
            Resolved("vehicle", car),
            Resolved("place", hotel),
        ]
    )
    assert kinds(links) == [
        (girl, mo, "found_with"),
        (girl, darren, "found_with"),
        (mo, darren, "associate"),
        (girl, car, "seen_in_vehicle"),
        (mo, car, "uses_vehicle"),
        (darren, car, "uses_vehicle"),
        (girl, hotel, "seen_at"),
        (mo, hotel, "seen_at"),
        (darren, hotel, "seen_at"),
        (car, hotel, "seen_at"),
    ]


def test_a_phone_belongs_to_the_adults_or_to_the_child_when_no_adult_is_named():
    assert kinds(concern_links([Resolved("child", 1), Resolved("adult", 2), Resolved("phone", 9)])) == [
        (1, 2, "found_with"),
        (2, 9, "uses_phone"),
    ]
    assert kinds(concern_links([Resolved("child", 1), Resolved("online_account", 8)])) == [
        (1, 8, "uses_account")
    ]


def test_the_same_record_named_twice_links_once_and_never_to_itself():
    links = concern_links(
        [Resolved("adult", 2), Resolved("adult", 2), Resolved("child", 2), Resolved("place", 5)]
    )
    assert kinds(links) == [(2, 5, "seen_at")]


def test_children_together_are_peers():
    assert kinds(concern_links([Resolved("child", 1), Resolved("child", 3)])) == [(1, 3, "peer")]
