"""The OpenAPI document (/api/schema/) as the API really answers.

drf-spectacular documents the success body of each operation; this schema class
adds the error answers every /api/v1/ operation can give, in the one error shape
of config.api.exception_handler, as components:

- 400 where there is input (query or path parameters, a body);
- 403 everywhere a request is authenticated: missing credentials, a wrong role
  and an invalid token all answer 403 (SessionAuthentication comes first, so DRF
  sends no WWW-Authenticate and never a 401);
- 404 where the path names an object;
- 413 where there is a body (config.api.too_large);
- 429 where the view throttles.

Open311 (/open311/v2/) has its own error documents, declared on its views.
"""

from drf_spectacular.openapi import AutoSchema as SpectacularAutoSchema
from rest_framework import serializers

ERROR_STATUSES = {
    "400": "Bad input: the parameter or field at fault is named in `field`.",
    "403": (
        "Not authenticated (no or an invalid token), or not allowed for this "
        "role. This API never answers 401."
    ),
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
        return responses

    def _error_statuses(self) -> list[str]:
        has_body = self.method in ("POST", "PUT", "PATCH")
        names_object = "{" in self.path
        statuses = []
        if has_body or names_object or self._get_parameters():
            statuses.append("400")
        if self.view.authentication_classes:
            statuses.append("403")
        if names_object:
            statuses.append("404")
        if has_body:
            statuses.append("413")
        if self.view.get_throttles():
            statuses.append("429")
        return statuses
