"""The OpenAPI description of the GeoReport v2 documents (rendering.py writes them).

Every document comes as JSON (`.json`, application/json) or XML (`.xml`,
text/xml) as the path's suffix says; service lists and service requests are
JSON arrays (XML: a root element with one child per item), errors an array of
{code, description}.
"""

from drf_spectacular.utils import OpenApiParameter, OpenApiResponse

JSON = "application/json"
XML = "text/xml"

_STRING = {"type": "string"}
# ISO 8601 (a bare date too); empty means absent.
OPTIONAL_DATETIME = {
    "anyOf": [
        {"type": "string", "format": "date-time"},
        {"type": "string", "format": "date"},
        {"type": "string", "maxLength": 0},
    ]
}
_NULLABLE_STRING = {"type": "string", "nullable": True}

DISCOVERY = {
    "type": "object",
    "properties": {
        "changeset": _STRING,
        "contact": _STRING,
        "key_service": _STRING,
        "endpoints": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "specification": _STRING,
                    "url": {"type": "string", "format": "uri"},
                    "changeset": _STRING,
                    "type": {"type": "string", "enum": ["production", "test"]},
                    "formats": {"type": "array", "items": _STRING},
                },
                "required": ["specification", "url", "formats"],
            },
        },
    },
    "required": ["changeset", "contact", "endpoints"],
}

SERVICE = {
    "type": "object",
    "properties": {
        "service_code": _STRING,
        "service_name": _STRING,
        "description": _STRING,
        "metadata": {"type": "boolean"},
        "type": {"type": "string", "enum": ["realtime", "batch", "blackbox"]},
        "keywords": _STRING,
        "group": _STRING,
    },
    "required": ["service_code", "service_name", "metadata", "type"],
}

SERVICE_DEFINITION = {
    "type": "object",
    "properties": {
        "service_code": _STRING,
        "attributes": {
            "type": "array",
            "items": {
                "type": "object",
                "properties": {
                    "variable": {"type": "boolean"},
                    "code": _STRING,
                    "datatype": _STRING,
                    "required": {"type": "boolean"},
                    "datatype_description": _STRING,
                    "order": {"type": "integer"},
                    "description": _STRING,
                    "values": {
                        "type": "array",
                        "items": {
                            "type": "object",
                            "properties": {"key": _STRING, "name": _STRING},
                        },
                    },
                },
                "required": ["code", "datatype", "required"],
            },
        },
    },
    "required": ["service_code", "attributes"],
}

SERVICE_REQUEST = {
    "type": "object",
    "properties": {
        "service_request_id": {"type": "integer"},
        "status": {"type": "string", "enum": ["open", "closed"]},
        "status_notes": _STRING,
        "service_name": _STRING,
        "service_code": _STRING,
        "description": _STRING,
        "agency_responsible": _STRING,
        "service_notice": _STRING,
        "requested_datetime": {"type": "string", "format": "date-time"},
        "updated_datetime": {"type": "string", "format": "date-time"},
        "expected_datetime": _NULLABLE_STRING,
        "address": _STRING,
        "address_id": _STRING,
        "zipcode": _STRING,
        "lat": {"type": "number"},
        "long": {"type": "number"},
        "media_url": _STRING,
        "extended_attributes": {
            "type": "object",
            "properties": {
                "category": _STRING,
                "size_class": _STRING,
                "priority": {"type": "boolean"},
                "score": {"type": "number"},
                "confirmation_count": {"type": "integer"},
                "recurrence_count": {"type": "integer"},
                "areas": {"type": "array", "items": _STRING},
            },
        },
    },
    "required": ["service_request_id", "status", "service_code", "lat", "long"],
}

RECEIPT = {
    "type": "object",
    "properties": {
        "service_request_id": {"type": "integer"},
        "service_notice": _STRING,
        "account_id": _NULLABLE_STRING,
    },
    "required": ["service_request_id"],
}

ERRORS = {
    "type": "array",
    "items": {
        "type": "object",
        "properties": {"code": {"type": "integer"}, "description": _STRING},
        "required": ["code", "description"],
    },
}


def _array(item: dict) -> dict:
    return {"type": "array", "items": item}


def _both(schema: dict) -> dict:
    """The same document in both formats (XML: the elements GeoReport names)."""
    return {JSON: schema, XML: {"type": "string", "description": "GeoReport XML"}}


def responses(ok: dict, *, status: int = 200, errors=(400, 403, 404, 429)) -> dict:
    """Return the `responses` of an operation: its document and its errors."""
    out = {(status, media): schema for media, schema in _both(ok).items()}
    for code in errors:
        for media, schema in _both(ERRORS).items():
            out[(code, media)] = OpenApiResponse(
                schema, description="GeoReport errors: [{code, description}]"
            )
    return out


DISCOVERY_RESPONSES = responses(DISCOVERY, errors=(403, 404))
SERVICES_RESPONSES = responses(_array(SERVICE), errors=(403, 404))
SERVICE_DEFINITION_RESPONSES = responses(SERVICE_DEFINITION, errors=(403, 404))
REQUESTS_RESPONSES = responses(_array(SERVICE_REQUEST), errors=(400, 403, 404))
RECEIPT_RESPONSES = responses(
    _array(RECEIPT), status=201, errors=(400, 403, 404, 413, 429)
)
REQUEST_RESPONSES = responses(_array(SERVICE_REQUEST), errors=(403, 404))

LINK_HEADER = OpenApiParameter(
    "Link",
    str,
    location=OpenApiParameter.HEADER,
    response=[200],
    description='RFC 8288: `<next page URL>; rel="next"`, absent on the last page',
)
# tokens/{token}: no token is ever issued, so the answer is always an error.
TOKEN_RESPONSES = {
    key: value
    for key, value in responses(ERRORS, errors=(403, 404)).items()
    if key[0] != 200
}
