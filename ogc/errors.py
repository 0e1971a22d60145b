"""The OGC API exception document: {"code": ..., "description": ...} with a 4xx.

OGC API – Features Part 1 (section 7.5.1) answers errors with HTTP status codes
and suggests this JSON body (the exception schema of its OpenAPI fragments).
The project's own errors (config.api.ApiError, config.errors.ClientError) are
turned into it, so every parameter keeps its one parser and its one message.
"""

from django.http import JsonResponse

from config.api import ApiError
from config.errors import ClientError

INVALID_PARAMETER = "InvalidParameterValue"
NOT_FOUND = "NotFound"
NOT_ALLOWED = "MethodNotAllowed"


class OgcError(Exception):
    """An error answered as an OGC exception document."""

    def __init__(self, description, *, code: str = INVALID_PARAMETER, status=400):
        super().__init__(str(description))
        self.description = description
        self.code = code
        self.status = status

    @classmethod
    def from_client(cls, exc: ApiError | ClientError) -> "OgcError":
        if isinstance(exc, ApiError):
            message, status = exc.detail, exc.status_code
        else:
            message, status = exc.message, exc.status
        code = NOT_FOUND if status == 404 else INVALID_PARAMETER
        return cls(message, code=code, status=status)


def response(error: OgcError) -> JsonResponse:
    body = {"code": error.code, "description": str(error.description)}
    return JsonResponse(
        body, status=error.status, json_dumps_params={"ensure_ascii": False}
    )
