"""GeoReport query parameters: pure parsing, no database."""

from datetime import UTC, datetime, timedelta, timezone

import pytest

from config.api import ApiError
from hotspots.open311.parsing import (
    MAX_IDS,
    paging,
    request_filters,
    service_request_id,
)

HUE_TZ = timezone(timedelta(hours=7))  # Asia/Ho_Chi_Minh, no daylight saving


def test_no_parameters_filter_nothing():
    assert request_filters({}) == {
        "categories": [],
        "statuses": [],
        "start": None,
        "end": None,
    }


def test_service_request_id_alone_decides_the_answer():
    params = {"service_request_id": " 3, 1 ,", "status": "pending"}
    assert request_filters(params) == {"ids": [3, 1]}


def test_lists_are_comma_separated_and_trimmed():
    params = {"service_code": "plastic, other", "status": "open,closed"}
    filters = request_filters(params)
    assert filters["categories"] == ["plastic", "other"]
    assert filters["statuses"] == ["open", "closed"]


def test_a_bare_end_date_includes_the_whole_local_day():
    filters = request_filters({"start_date": "2024-06-02", "end_date": "2024-06-02"})
    assert filters["start"] == datetime(2024, 6, 2, tzinfo=HUE_TZ)
    assert filters["end"] == datetime(2024, 6, 3, tzinfo=HUE_TZ)


def test_a_datetime_end_date_is_inclusive():
    filters = request_filters({"end_date": "2024-06-02T00:00:00Z"})
    assert filters["end"] == datetime(2024, 6, 2, tzinfo=UTC) + timedelta(
        microseconds=1
    )


def test_a_naive_datetime_is_local_time():
    filters = request_filters({"start_date": "2024-06-02T07:00:00"})
    assert filters["start"] == datetime(2024, 6, 2, 0, 0, tzinfo=UTC)


def test_an_offset_whose_plus_became_a_space_still_parses():
    filters = request_filters({"start_date": "2024-06-02T07:00:00 07:00"})
    assert filters["start"] == datetime(2024, 6, 2, 7, 0, tzinfo=HUE_TZ)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"service_request_id": ",".join(["1"] * (MAX_IDS + 1))}, "service_request_id"),
        ({"service_code": ",".join(["plastic"] * (MAX_IDS + 1))}, "service_code"),
        ({"status": "open,pending"}, "status"),
        ({"start_date": "2024-06-02", "end_date": "2024-06-01"}, "end_date"),
        (  # the inclusive end is then equal to the start: an empty window
            {
                "start_date": "2024-06-02T07:00:00+07:00",
                "end_date": "2024-06-02T06:59:59.999999+07:00",
            },
            "end_date",
        ),
    ],
)
def test_bad_filters_name_the_parameter(params, field):
    with pytest.raises(ApiError) as caught:
        request_filters(params)
    assert caught.value.field == field
    assert caught.value.status_code == 400


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({}, (1, 50)),
        ({"page": "3"}, (3, 50)),
        ({"page": " 2 ", "page_size": "200"}, (2, 200)),
        ({"page": "", "page_size": ""}, (1, 50)),
    ],
)
def test_paging(params, expected):
    assert paging(params) == expected


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"page": "0"}, "page"),
        ({"page": "-1"}, "page"),
        ({"page": "1.5"}, "page"),
        ({"page": "١"}, "page"),  # Arabic-Indic one: digits mean ASCII digits
        ({"page_size": "201"}, "page_size"),
        ({"page": "x", "page_size": "0"}, "page"),  # page is checked first
    ],
)
def test_bad_paging_names_the_parameter(params, field):
    with pytest.raises(ApiError) as caught:
        paging(params)
    assert caught.value.field == field


@pytest.mark.parametrize(
    ("value", "expected"),
    [("42", 42), ("007", 7), ("٣", None), ("4x", None), ("", None), ("9" * 19, None)],
)
def test_service_request_id(value, expected):
    assert service_request_id(value) == expected
