"""The public hotspot filter: one definition of each public parameter.

The hotspot API (GET /api/v1/hotspots/), the hotspot list page and the public
map all filter through `HotspotFilter`. The API answers a bad value with a 400
naming the parameter (`api_queryset`); a page ignores it (django-filter filters
with the valid values only), so a hand-edited URL never fails a page.

Each parameter is parsed by the API's parser for its syntax (config.api's
query_* parsers, geo.spatial.parse_bbox): the same values are accepted
everywhere, and the API's error codes and messages are those of every other
API parameter.

Dates are calendar days in Asia/Ho_Chi_Minh (settings.TIME_ZONE, Huế's time
zone, whatever zone a request activated), both ends included: `since=2024-06-02`
keeps what was reported from 00:00 on 2 June local time, `until=2024-06-02` what
was reported before 00:00 on 3 June. The bounds
are instants, so the query compares `created_at` directly (its index serves).
"""

import datetime as dt
from collections.abc import Callable, Iterable

import django_filters
from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from config.api import ApiError, query_bool, query_choice, query_date, query_int
from config.errors import ClientError
from geo.spatial import parse_bbox

from .models import PUBLIC_STATUSES, Category, Hotspot, Status

ALL = ("", _("Tất cả"))
PRIORITY_CHOICES = [ALL, ("1", _("Ưu tiên")), ("0", _("Không ưu tiên"))]
DATE_WIDGET = {"attrs": {"type": "date"}, "format": "%Y-%m-%d"}
DATE_PARAMETERS = ("since", "until")
# parse_bbox's answer for a box wholly outside the service area: nothing matches.
OUTSIDE = object()


def day_start(day: dt.date) -> dt.datetime:
    """Return the first instant of a calendar day in Huế (settings.TIME_ZONE)."""
    zone = timezone.get_default_timezone()
    return dt.datetime.combine(day, dt.time.min, tzinfo=zone)


class ParamField(forms.Field):
    """One query parameter, parsed by `parse(params, name)` (a config.api parser).

    `name` is the parameter's name, set by HotspotFilter; `allowed`, when set,
    narrows the values a page offers (a value outside it is invalid).
    """

    def __init__(self, *, parse: Callable, **kwargs):
        self.parse = parse
        self.name = ""
        self.allowed: set | None = None
        super().__init__(**kwargs)

    def to_python(self, value):
        if value in self.empty_values:
            return None
        try:
            parsed = self.parse({self.name: value}, self.name)
        except ApiError as exc:
            raise forms.ValidationError(
                str(exc.detail), code=exc.machine_code
            ) from None
        except ClientError as exc:
            raise forms.ValidationError(str(exc.message), code=exc.code) from None
        if self.allowed is not None and parsed not in self.allowed:
            raise forms.ValidationError(
                _("Giá trị “%(value)s” không hợp lệ cho %(field)s.")
                % {"value": str(value)[:50], "field": self.name},
                code="invalid_choice",
            )
        return parsed

    def offer(self, choices: list[tuple], *, allowed: Iterable | None = None):
        """Show `choices` in the page's select (`allowed`: the values accepted)."""
        self.widget.choices = [ALL, *choices]
        if allowed is not None:
            self.allowed = set(allowed)


class ParamFilter(django_filters.Filter):
    field_class = ParamField


def _choice(values: Iterable[str]) -> Callable:
    values = list(values)
    return lambda params, name: query_choice(params, name, values)


def _bbox(params, name: str):
    return parse_bbox(params[name], field=name) or OUTSIDE


class HotspotFilter(django_filters.FilterSet):
    """The public hotspot parameters; the API uses all of them."""

    in_bbox = ParamFilter(
        label="in_bbox", parse=_bbox, field_name="location", method="within"
    )
    category = ParamFilter(
        label=_("Loại"),
        parse=_choice(Category.values),
        widget=forms.Select(choices=[ALL, *Category.choices]),
    )
    status = ParamFilter(
        label=_("Trạng thái"),
        parse=_choice(Status.values),
        widget=forms.Select(choices=[ALL, *Status.choices]),
    )
    priority = ParamFilter(
        label=_("Mức ưu tiên"),
        parse=query_bool,
        widget=forms.Select(choices=PRIORITY_CHOICES),
    )
    area = ParamFilter(
        label=_("Địa bàn"),
        parse=query_int,
        field_name="areas__id",
        widget=forms.Select(choices=[ALL]),
    )
    since = ParamFilter(
        label=_("Từ ngày"),
        parse=query_date,
        field_name="created_at",
        method="on_or_after",
        widget=forms.DateInput(**DATE_WIDGET),
    )
    until = ParamFilter(
        label=_("Đến ngày"),
        parse=query_date,
        field_name="created_at",
        method="on_or_before",
        widget=forms.DateInput(**DATE_WIDGET),
    )

    class Meta:
        model = Hotspot
        fields: list[str] = []

    def __init__(self, data=None, queryset=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        for name, field in self.form.fields.items():
            field.name = name

    def within(self, queryset: QuerySet, name: str, box) -> QuerySet:
        """Keep the points inside the box, its edges included.

        The box is axis-aligned, so for a point `&&` (bboverlaps) is exact, and
        it is the one operator PostGIS estimates from the column's statistics:
        with ST_Within the planner guessed 0.1 % of the rows for any box, and a
        city-sized box (a third of 1M rows) was read whole and sorted (0.7 s)
        instead of walking the list's index (ms).
        """
        if box is OUTSIDE:
            return queryset.none()
        return queryset.filter(**{f"{name}__bboverlaps": box})

    def on_or_after(self, queryset: QuerySet, name: str, day: dt.date) -> QuerySet:
        return queryset.filter(**{f"{name}__gte": day_start(day)})

    def on_or_before(self, queryset: QuerySet, name: str, day: dt.date) -> QuerySet:
        next_day = day_start(day + dt.timedelta(days=1))
        return queryset.filter(**{f"{name}__lt": next_day})

    def active(self) -> dict:
        """Return the valid, non-empty parameters (a page says "filtered")."""
        if not self.is_bound:
            return {}
        self.is_valid()
        return {
            key: value
            for key, value in self.form.cleaned_data.items()
            if value not in (None, "")
        }

    def api_queryset(self) -> QuerySet:
        """Return the filtered queryset; a bad parameter is a 400 naming it.

        An empty date (`?since=`) is a bad parameter too in the API (a page's
        form sends empty fields, so a page reads it as absent).
        """
        for name in DATE_PARAMETERS:
            if name in self.form.fields:
                query_date(self.data, name, blank_is_absent=False)
        for name, errors in self.errors.as_data().items():
            error = errors[0]
            raise ApiError(error.messages[0], code=error.code or "invalid", field=name)
        return self.qs


class PublicMapFilter(HotspotFilter):
    """The public map's filters: public statuses and the listed districts only.

    Pages have no box (they show every match); a status that is not public or
    an area that is not listed is ignored like any other invalid value.
    """

    in_bbox = None

    def __init__(self, data=None, queryset=None, *, areas=(), **kwargs):
        super().__init__(data, queryset, **kwargs)
        fields = self.form.fields
        public = [(s.value, s.label) for s in PUBLIC_STATUSES]
        fields["status"].offer(public, allowed=[value for value, _l in public])
        areas = [(pk, name) for pk, name in areas]
        fields["area"].offer(
            [(str(pk), name) for pk, name in areas], allowed=[pk for pk, _n in areas]
        )


class HotspotListFilter(PublicMapFilter):
    """The hotspot list page's filters: category, status and district."""

    priority = None
    since = None
    until = None
