"""What a whole file says first: points all far outside the province, longitude and latitude
swapped, no readable point, no row at all; and why a commit wrote nothing."""

from smarttrees.importers.verdict import commit_verdict, file_verdict

THAI_NGUYEN = (105.43, 21.33, 106.25, 22.74)


def _summary(read, ready, points=(), **codes):
    return {
        "rows_read": read,
        "ready": ready,
        "errors_by_code": codes,
        "preview": {
            "points": [[n, x, y, "outside_service_area"] for n, (x, y) in enumerate(points)]
        },
    }


def test_points_in_nairobi_are_said_to_be_thousands_of_km_away():
    verdict = file_verdict(
        _summary(9875, 0, [(36.78, -1.29)] * 5, outside_service_area=9875), THAI_NGUYEN
    )
    assert verdict.code == "far_away" and verdict.params["n"] == 9875
    assert 7800 < verdict.params["km"] < 8000  # Nairobi to Thái Nguyên: 7,900 km
    assert "9875 points lie outside the province, about" in verdict.as_dict()["text"]


def test_latitude_and_longitude_swapped_are_recognised():
    verdict = file_verdict(
        _summary(40, 0, [(21.6, 105.8)] * 3, outside_service_area=40), THAI_NGUYEN
    )
    assert verdict.code == "swapped"


def test_a_file_whose_rows_have_no_readable_point():
    verdict = file_verdict(
        _summary(12, 0, coordinates_missing=7, coordinates_invalid=5), THAI_NGUYEN
    )
    assert verdict.code == "no_points"


def test_a_file_with_ready_rows_or_mixed_problems_speaks_through_its_rows():
    assert file_verdict(_summary(100, 90, outside_service_area=10), THAI_NGUYEN) is None
    assert (
        file_verdict(_summary(10, 0, outside_service_area=5, coordinates_missing=5), THAI_NGUYEN)
        is None
    )
    assert file_verdict(_summary(0, 0), THAI_NGUYEN).code == "no_rows"


def test_a_commit_that_wrote_nothing_says_why():
    assert commit_verdict({"created": 0, "updated": 0, "ready": 5, "unchanged": 5}).code == (
        "nothing_changed"
    )
    assert commit_verdict({"created": 0, "updated": 0, "ready": 0}).code == "nothing_ready"
    assert commit_verdict({"created": 3, "updated": 0}) is None
