"""The OpenAPI document (/api/schema/) as the API really answers.

drf-spectacular documents the success body of each operation; this schema class
adds the error answers every /api/v1/ operation can give, in the one error shape
of config.api.exception_handler, as components:

- 400 where there is input (query or path parameters, a body);
- 401 everywhere a request is authenticated: an invalid token, or no
  credentials where they are needed, with `WWW-Authenticate: Token`
  (config.authentication: the token class comes first);
- 403 there too: a wrong role;
- 404 where the path names an object;
- 413 where there is a body (config.api.too_large);
- 429 where the view throttles.

Open311 (/open311/v2/) has its own error documents, declared on its views.

GeoJSON (RFC 7946) as geo.geojson writes it: a top-level `id` on every Feature,
nullable geometries where the field allows null, and examples in (lon, lat)
order inside Thừa Thiên Huế (drf-spectacular's own are lat,lon in India).
"""

from django.conf import settings
from drf_spectacular.contrib import rest_framework_gis as gis_schema
from drf_spectacular.extensions import (
    OpenApiSerializerExtension,
    OpenApiSerializerFieldExtension,
)
from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from drf_spectacular.plumbing import build_object_type, follow_field_source
from drf_spectacular.utils import OpenApiParameter
from rest_framework import serializers

from config.api import TEXT_MAX_LENGTH

ERROR_STATUSES = {
    "400": "Bad input: the parameter or field at fault is named in `field`.",
    "401": (
        "Not authenticated: an invalid token (`Authorization: Token <key>`), or "
        "no credentials where the operation needs them."
    ),
    "403": "Authenticated, but not allowed for this role.",
    "404": "No such object (or not visible to you).",
    "413": "The request body is too large.",
    "429": "Too many requests: wait and try again.",
}


class ErrorDetailSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="a stable machine code")
    message = serializers.CharField(help_text="for people, in the request's language")
    field = serializers.CharField(
        allow_null=True, help_text="the parameter or field at fault, if any"
    )
    fields = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="every field at fault and its messages (validation errors)",
    )


class ErrorSerializer(serializers.Serializer):
    """The one error shape of the API (config.api.exception_handler)."""

    error = ErrorDetailSerializer()


EMPTY = {"type": "string", "maxLength": 0}


def allow_empty(schema: dict) -> dict:
    """Return a query parameter's schema that also admits the empty value."""
    if schema.get("type") == "string" and not (
        {"format", "pattern", "enum", "minLength"} & schema.keys()
    ):
        return schema  # any string, "" among them
    if "anyOf" in schema:
        return {**schema, "anyOf": [*schema["anyOf"], EMPTY]}
    outer = {k: schema[k] for k in ("description", "default") if k in schema}
    inner = {k: v for k, v in schema.items() if k not in outer}
    return {**outer, "anyOf": [inner, EMPTY]}


class AutoSchema(SpectacularAutoSchema):
    """drf-spectacular's AutoSchema plus the error answers of config.api."""

    def _insert_field_validators(self, field, schema):
        super()._insert_field_validators(field, schema)
        # drf-spectacular 0.30 turns a blank-allowed email (or URL) field into
        # oneOf [that format, ""], but moves the default "" inside the first
        # branch, where "" is not a valid email: keep the default outside.
        branches = schema.get("oneOf") or []
        if branches and "default" in branches[0]:
            schema["default"] = branches[0].pop("default")

    def _get_parameters(self):
        parameters = super()._get_parameters()
        if not self.path.startswith("/api/"):
            return parameters
        for parameter in parameters:
            schema = parameter["schema"]
            if parameter["in"] != "query" or parameter.get("required"):
                continue
            if schema.get("format") in ("date", "date-time"):
                continue  # an empty date (`?since=`) is a 400 (config.api.query_date)
            # Every other query parser of the API (config.api, django-filter, the
            # pagination) reads an empty value as "absent": say so, or a client
            # would think `?page=` is refused.
            parameter["schema"] = allow_empty(schema)
        return parameters

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        if direction != "response" or not self.path.startswith("/api/"):
            return responses
        for status in self._error_statuses():
            if status not in responses:
                responses[status] = self._get_response_for_code(
                    ErrorSerializer, status, media_types=["application/json"]
                )
                responses[status]["description"] = ERROR_STATUSES[status]
                if status == "401":
                    responses[status]["headers"] = {
                        "WWW-Authenticate": {
                            "schema": {"type": "string"},
                            "description": "the scheme to authenticate with: Token",
                        }
                    }
                if status == "429":
                    responses[status]["headers"] = {
                        "Retry-After": {
                            "schema": {"type": "integer"},
                            "description": "seconds to wait (DRF's throttles)",
                        }
                    }
        return responses

    def _error_statuses(self) -> list[str]:
        has_body = self.method in ("POST", "PUT", "PATCH")
        names_object = "{" in self.path
        statuses = []
        if has_body or names_object or self._get_parameters():
            statuses.append("400")
        if self.view.authentication_classes:
            statuses += ["401", "403"]
        if names_object:
            statuses.append("404")
        if has_body:
            statuses.append("413")
        if self.view.get_throttles():
            statuses.append("429")
        return statuses


# --- GeoJSON -------------------------------------------------------------------

# (lon, lat) inside Thừa Thiên Huế; the polygon's exterior ring runs
# counter-clockwise, as RFC 7946 section 3.1.6 wants.
EXAMPLE_POINT = [107.58, 16.46]
EXAMPLE_LINE = [[107.58, 16.46], [107.585, 16.465]]
EXAMPLE_RING = [
    [107.58, 16.46],
    [107.59, 16.46],
    [107.59, 16.47],
    [107.58, 16.47],
    [107.58, 16.46],
]
_EXAMPLES = {
    "Point": EXAMPLE_POINT,
    "LineString": EXAMPLE_LINE,
    "Polygon": [EXAMPLE_RING],
    "MultiPoint": [EXAMPLE_POINT],
    "MultiLineString": [EXAMPLE_LINE],
    "MultiPolygon": [[EXAMPLE_RING]],
}


def _lonlat_examples(schema: dict) -> dict:
    """Replace drf-spectacular's lat,lon examples with (lon, lat) ones in Huế."""
    if "oneOf" in schema:
        for part in schema["oneOf"]:
            _lonlat_examples(part)
        return schema
    kind = (schema.get("properties", {}).get("type", {}).get("enum") or [None])[0]
    coordinates = schema.get("properties", {}).get("coordinates")
    if kind in _EXAMPLES and coordinates is not None:
        _drop_examples(coordinates)
        coordinates["example"] = _EXAMPLES[kind]
    return schema


def _drop_examples(schema: dict) -> None:
    schema.pop("example", None)
    if isinstance(schema.get("items"), dict):
        _drop_examples(schema["items"])


def _geometry_schema(model_field, *, nullable: bool) -> dict:
    schema = _lonlat_examples(gis_schema.build_geo_schema(model_field))
    if nullable:
        schema["nullable"] = True
    return schema


class GeometryFieldExtension(OpenApiSerializerFieldExtension):
    """geo.geojson.GeometryField (and DRF-gis's): RFC 7946 geometry, (lon, lat)."""

    target_class = "rest_framework_gis.fields.GeometryField"
    match_subclasses = True
    priority = 1  # before drf-spectacular's contrib extension

    def map_serializer_field(self, auto_schema, direction):
        field = self.target
        model = field.parent.Meta.model
        model_field = follow_field_source(model, field.source.split("."))
        return _geometry_schema(model_field, nullable=field.allow_null)


class FeatureSerializerExtension(OpenApiSerializerExtension):
    """geo.geojson.FeatureSerializer: a Feature with a top-level `id`."""

    target_class = "geo.geojson.FeatureSerializer"
    match_subclasses = True
    priority = 1

    def map_serializer(self, auto_schema, direction):
        serializer = self.target
        base = auto_schema._map_serializer(
            serializer, direction, bypass_extensions=True
        )
        geo_field = serializer.Meta.geo_field
        base["properties"].pop(geo_field)
        base.pop("required", None)
        base.pop("description", None)
        model_field = serializer.Meta.model._meta.get_field(geo_field)
        geometry = _geometry_schema(
            model_field, nullable=serializer.fields[geo_field].allow_null
        )
        return build_object_type(
            properties={
                "type": {"type": "string", "enum": ["Feature"]},
                "id": {"type": "integer", "description": "also among the properties"},
                "geometry": geometry,
                "properties": base,
            },
            required=["type", "id", "geometry", "properties"],
            description=serializer.__class__.__doc__,
        )


def _typed(spec: dict) -> dict:
    """{"name": "integer"|"number?"|...} → JSON Schema properties ("?": nullable)."""
    properties = {}
    for name, kind in spec.items():
        nullable = kind.endswith("?")
        schema = {"type": kind.rstrip("?")}
        if nullable:
            schema["nullable"] = True
        properties[name] = schema
    return properties


def feature_collection_schema(
    *,
    geometry: str,
    id_type: str,
    properties: dict,
    extra: dict | None = None,
    description: str = "",
) -> dict:
    """Return the raw schema of a GeoJSON FeatureCollection built by hand (maps.*).

    ``geometry``: "Point", "Polygon" or "MultiPolygon"; "Polygon?" when a
    feature may have none. ``properties`` and ``extra`` (top-level members) map
    names to JSON types, a trailing "?" meaning nullable.
    """
    kind = geometry.rstrip("?")
    coordinates = {
        "Point": {"type": "array", "items": {"type": "number"}, "minItems": 2},
        "Polygon": {
            "type": "array",
            "items": {"type": "array", "items": {"type": "array", "items": {}}},
        },
    }
    geometry_schema = {
        "type": "object",
        "properties": {
            "type": {
                "type": "string",
                "enum": [kind] if kind != "Polygon" else ["Polygon", "MultiPolygon"],
            },
            "coordinates": {
                **coordinates["Point" if kind == "Point" else "Polygon"],
                "example": _EXAMPLES[kind],
            },
        },
        "required": ["type", "coordinates"],
    }
    if geometry.endswith("?"):
        geometry_schema["nullable"] = True
    feature = {
        "type": "object",
        "properties": {
            "type": {"type": "string", "enum": ["Feature"]},
            "id": {"type": id_type},
            "geometry": geometry_schema,
            "properties": {"type": "object", "properties": _typed(properties)},
        },
        "required": ["type", "id", "geometry", "properties"],
    }
    return {
        "type": "object",
        "description": description,
        "properties": {
            "type": {"type": "string", "enum": ["FeatureCollection"]},
            **_typed(extra or {}),
            "features": {"type": "array", "items": feature},
        },
        "required": ["type", "features"],
    }


def lonlat_parameters() -> list[OpenApiParameter]:
    """Return the required `lon` and `lat` query parameters, bounded by the
    service envelope (geo.spatial refuses a point outside it with a 400)."""
    lon_min, lat_min, lon_max, lat_max = settings.SERVICE_ENVELOPE
    return [
        OpenApiParameter(
            "lon",
            {"type": "number", "minimum": lon_min, "maximum": lon_max},
            required=True,
            description="longitude, WGS84, inside the service area",
        ),
        OpenApiParameter(
            "lat",
            {"type": "number", "minimum": lat_min, "maximum": lat_max},
            required=True,
            description="latitude, WGS84, inside the service area",
        ),
    ]


def text_parameter(name: str, description: str = "") -> OpenApiParameter:
    """Return a free-text query parameter as config.api.query_text reads it."""
    return OpenApiParameter(
        name,
        {
            "type": "string",
            "maxLength": TEXT_MAX_LENGTH,
            "pattern": "^[^\\u0000-\\u001f\\u007f-\\u009f]*$",
        },
        description=description,
    )


def page_size_parameter(default: int, maximum: int) -> OpenApiParameter:
    """Return `page_size` as the paginations read it: leniently, as DRF does."""
    return OpenApiParameter(
        "page_size",
        {"anyOf": [{"type": "integer"}, {"type": "string"}]},
        description=f"features per page: default {default}, at most {maximum} (a "
        "larger number means the maximum; anything but a positive integer means "
        "the default)",
    )
