"""Places placed by postcode inside the shipped boundaries, and binned into hexagons, without a database."""

from __future__ import annotations

import math

from tessera.intelligence.hexbin import (
    HexMap,
    bin_colour,
    bin_points,
    boundaries,
    boundary_provenance,
    contains,
    hex_centre,
    hex_corners,
    hex_map,
    hex_of,
    normal_postcode,
    place_point,
)

SQUARE = [(0.0, 0.0), (10.0, 0.0), (10.0, 10.0), (0.0, 10.0)]


def test_the_shipped_boundaries_cover_the_four_districts_and_say_where_they_come_from():
    assert set(boundaries()) == {"barnsley", "doncaster", "rotherham", "sheffield"}
    assert "Not Ordnance Survey" in boundary_provenance()
    # Neighbours share edge points exactly: Rotherham and Sheffield meet along (24, 24)-(20, 18)-(22, 10).
    assert {(24.0, 24.0), (20.0, 18.0), (22.0, 10.0)} <= set(boundaries()["rotherham"]) & set(
        boundaries()["sheffield"]
    )


def test_contains_by_ray_casting():
    assert contains(SQUARE, (5, 5))
    assert not contains(SQUARE, (11, 5))
    assert not contains(SQUARE, (-0.1, 5))


def test_a_postcode_lands_inside_its_district_the_same_spot_every_time():
    point = place_point("S60 2AB", "rotherham")
    assert point is not None
    assert contains(boundaries()["rotherham"], point)
    assert place_point("s602ab", "rotherham") == point
    assert normal_postcode("s602ab") == "S60 2AB"


def test_postcodes_in_one_sector_sit_within_about_a_kilometre_of_each_other():
    a = place_point("S60 2AB", "rotherham")
    b = place_point("S60 2XY", "rotherham")
    c = place_point("S65 9AB", "rotherham")
    assert a
    assert b
    assert c
    assert math.dist(a, b) <= 2.0
    assert a != b


def test_no_usable_postcode_or_district_means_no_point():
    assert place_point("", "rotherham") is None
    assert place_point("S60", "rotherham") is None
    assert place_point("S60 2AB", "atlantis") is None


def test_a_hexagons_centre_is_in_that_hexagon_and_its_corners_are_one_side_away():
    for cell in [(0, 0), (3, -2), (-4, 5)]:
        centre = hex_centre(cell, 1.5)
        assert hex_of(centre, 1.5) == cell
        for corner in hex_corners(cell, 1.5):
            assert math.isclose(math.dist(corner, centre), 1.5)


def test_points_near_each_other_share_a_hexagon_and_weights_add():
    bins = bin_points([((0.1, 0.1), 2), ((-0.2, 0.1), 3), ((6.0, 6.0), 1)], 1.5)
    assert bins[(0, 0)] == 5
    assert sum(bins.values()) == 6
    assert len(bins) == 2


def test_hex_map_counts_unplaced_events_and_draws_every_hexagon():
    result = hex_map("rotherham", [("S60 2AB", 4), ("S60 2AD", 1), ("", 2)])
    assert result.unplaced == 2
    assert sum(result.bins.values()) == 5
    svg = result.svg(chart_id="m", title="Map", description="A map")
    assert svg.count("<polygon") == 1 + len(result.bins)
    assert "<title>Map</title>" in svg


def test_bin_colours_darken_with_the_count():
    colours = [bin_colour(n) for n in (1, 2, 5, 8, 40)]
    assert len(set(colours)) == 5
    assert isinstance(HexMap("x", (), 1.0, {}).svg(chart_id="e", title="t", description="d"), str)
