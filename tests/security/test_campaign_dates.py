"""A campaign's dates: within 2000-2100 and in order, in every write path and
in the database; the dashboard's day series is capped whatever the row says."""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse

from events.campaigns.services import campaign_create
from events.models import CAMPAIGN_DATE_MAX, CAMPAIGN_DATE_MIN, Campaign
from maps.charts import MAX_DAYS, campaign_days, daily_series
from tests import builders

CAMPAIGNS = reverse("api:events-api:campaign-list")

GOOD = {
    "registration_start": dt.date(2027, 3, 1),
    "registration_end": dt.date(2027, 3, 31),
    "activity_start": dt.date(2027, 3, 15),
    "activity_end": dt.date(2027, 5, 31),
    "judging_end": dt.date(2027, 6, 15),
    "results_date": dt.date(2027, 6, 20),
}

BAD = [
    # (changed dates, the field named)
    ({"registration_start": dt.date(1, 1, 1)}, "registration_start"),
    ({"activity_end": dt.date(9999, 12, 31)}, "activity_end"),
    ({"results_date": dt.date(2101, 1, 1)}, "results_date"),
    ({"judging_end": dt.date(1999, 12, 31)}, "judging_end"),
    ({"registration_start": dt.date(2027, 3, 16)}, "activity_start"),
    ({"judging_end": dt.date(2027, 5, 30)}, "judging_end"),
    ({"results_date": dt.date(2027, 6, 14)}, "results_date"),
    ({"judging_end": None, "results_date": dt.date(2027, 5, 30)}, "results_date"),
]


def _api_body(dates: dict) -> dict:
    return {
        "name": "Chủ nhật xanh 2027",
        "slug": "cnx-2027",
        **{k: v.isoformat() if v else None for k, v in dates.items()},
    }


@pytest.mark.parametrize(("changes", "field"), BAD)
def test_model_clean_names_the_date_field_in_vietnamese(changes, field):
    campaign = Campaign(name="x", slug="x", **{**GOOD, **changes})
    with pytest.raises(ValidationError) as error:
        campaign.clean()
    assert list(error.value.message_dict) == [field]
    message = error.value.message_dict[field][0]
    assert "2000" in message or "không được trước" in message


@pytest.mark.parametrize(("changes", "field"), BAD)
def test_service_refuses_the_campaign(db, changes, field):
    with pytest.raises(ValidationError) as error:
        campaign_create(name="x", slug="x", **{**GOOD, **changes})
    assert field in error.value.message_dict
    assert not Campaign.objects.exists()


@pytest.mark.parametrize(("changes", "field"), BAD)
def test_api_answers_400_naming_the_field(db, api_client, changes, field):
    api_client.force_authenticate(builders.organiser())
    response = api_client.post(CAMPAIGNS, _api_body({**GOOD, **changes}), format="json")
    assert response.status_code == 400, response.content
    assert response.json()["error"]["field"] == field
    assert not Campaign.objects.exists()


def test_api_english_message_under_accept_language_en(db, api_client):
    api_client.force_authenticate(builders.organiser())
    response = api_client.post(
        CAMPAIGNS,
        _api_body({**GOOD, "activity_end": dt.date(9999, 12, 31)}),
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert (
        "between 1 January 2000 and 31 December 2100"
        in (response.json()["error"]["message"])
    )


def test_the_bounds_themselves_are_accepted(db):
    campaign = campaign_create(
        name="x",
        slug="x",
        registration_start=CAMPAIGN_DATE_MIN,
        registration_end=CAMPAIGN_DATE_MAX,
        activity_start=CAMPAIGN_DATE_MIN,
        activity_end=CAMPAIGN_DATE_MAX,
        results_date=CAMPAIGN_DATE_MAX,
    )
    assert campaign.pk


@pytest.mark.parametrize(
    "changes",
    [
        {"activity_end": dt.date(9999, 12, 31)},
        {"registration_start": dt.date(1, 1, 1)},
        {"registration_start": dt.date(2027, 3, 16)},
        {"results_date": dt.date(2027, 6, 14)},
    ],
)
def test_database_refuses_what_the_model_refuses(db, changes):
    campaign = builders.campaign(slug="db")
    with pytest.raises(IntegrityError), transaction.atomic():
        Campaign.objects.filter(pk=campaign.pk).update(**{**GOOD, **changes})


# --- the dashboard's day series ---------------------------------------------------


def test_day_series_is_capped_for_a_window_of_centuries():
    days = campaign_days(dt.date(1, 1, 1), dt.date(9999, 12, 31))
    assert len(days) == MAX_DAYS == 366
    assert days[0] == dt.date(1, 1, 1)
    assert days[-1] == dt.date(1, 1, 1) + dt.timedelta(days=MAX_DAYS - 1)
    assert len(daily_series(days, {}, {})) == MAX_DAYS


def test_day_series_near_the_end_of_the_calendar_does_not_overflow():
    days = campaign_days(dt.date(9999, 12, 1), dt.date(9999, 12, 31))
    assert days[-1] == dt.date(9999, 12, 31) and len(days) == 31


def test_day_series_of_a_real_window_is_whole():
    days = campaign_days(dt.date(2024, 6, 2), dt.date(2024, 6, 30))
    assert len(days) == 29 and days[-1] == dt.date(2024, 6, 30)
