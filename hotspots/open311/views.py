"""The GeoReport v2 endpoints: thin views over parsing, selectors and rendering."""

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext_lazy as _
from django.views.decorators.csrf import csrf_exempt
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.parsers import FormParser
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from config.api import LimitedMultiPartParser, SafeJSONParser

from .. import services
from ..models import Category
from ..throttles import ReportAnonThrottle, ReportUserThrottle
from . import schema
from .parsing import (
    DESCRIPTION_MAX,
    paging,
    report_input,
    request_filters,
    service_request_id,
)
from .rendering import (
    discovery,
    error_for,
    receipt,
    render,
    service,
    service_definition,
    service_request,
)
from .selectors import followed_hotspot_get, followed_hotspot_list, public_hotspot_list

FORMAT_PARAMETER = OpenApiParameter(
    "fmt", str, OpenApiParameter.PATH, enum=["json", "xml"]
)


def _language(request) -> str:
    # The locale middleware follows Accept-Language under /api/ only; this API
    # lives elsewhere (its URLs are fixed by the standard), so it asks itself.
    if request.META.get("HTTP_ACCEPT_LANGUAGE"):
        return translation.get_language_from_request(request)
    return settings.LANGUAGE_CODE


class Open311View(APIView):
    """GeoReport plumbing: format from the URL, language, the standard error shape."""

    parser_classes = [FormParser, SafeJSONParser, LimitedMultiPartParser]
    renderer_classes = [JSONRenderer]  # only for DRF's own OPTIONS answers

    def dispatch(self, request, *args, **kwargs):
        language = _language(request)
        with translation.override(language):
            response = super().dispatch(request, *args, **kwargs)
        response.headers.setdefault("Content-Language", language)
        patch_vary_headers(response, ["Accept-Language"])
        return response

    def perform_content_negotiation(self, request, force=False):
        # The suffix (.json/.xml) decides the format; an Accept header never 406s.
        renderer = self.get_renderers()[0]
        return renderer, renderer.media_type

    def handle_exception(self, exc):
        found = error_for(exc)
        if found is None:
            self.raise_uncaught_exception(exc)
        status, description, headers = found
        if isinstance(
            exc, exceptions.NotAuthenticated | exceptions.AuthenticationFailed
        ):
            challenge = self.get_authenticate_header(self.request)
            if challenge:
                headers = {**headers, "WWW-Authenticate": challenge}
            else:
                status = 403
        errors = [{"code": status, "description": description}]
        response = render(self.fmt, errors, root="errors", status=status)
        for name, value in headers.items():
            response[name] = value
        return response

    @property
    def fmt(self) -> str:
        return "xml" if self.kwargs.get("fmt") == "xml" else "json"


class DiscoveryApi(Open311View):
    """Describe this endpoint: specification, URL, formats, contact."""

    @extend_schema(
        tags=["open311"],
        operation_id="open311_discovery",
        summary="GeoReport v2 discovery",
        parameters=[FORMAT_PARAMETER],
        responses=schema.DISCOVERY_RESPONSES,
    )
    def get(self, request, fmt: str):
        url = request.build_absolute_uri(
            reverse("open311:discovery", kwargs={"fmt": fmt})
        )
        base = url[: url.rindex("/") + 1]  # the API root, /open311/v2/
        payload = discovery(base)
        return render(self.fmt, payload, root="discovery")


class ServiceListApi(Open311View):
    """List the services: one per hotspot category."""

    @extend_schema(
        tags=["open311"],
        operation_id="open311_services",
        summary="GeoReport v2 service list (one per hotspot category)",
        parameters=[FORMAT_PARAMETER],
        responses=schema.SERVICES_RESPONSES,
    )
    def get(self, request, fmt: str):
        payload = [service(category) for category in Category]
        return render(self.fmt, payload, root="services")


class ServiceDefinitionApi(Open311View):
    """Describe a service's attributes: the size class a client may send."""

    @extend_schema(
        tags=["open311"],
        operation_id="open311_service_definition",
        summary="GeoReport v2 service definition (attribute size_class)",
        parameters=[FORMAT_PARAMETER],
        responses=schema.SERVICE_DEFINITION_RESPONSES,
    )
    def get(self, request, fmt: str, service_code: str):
        if service_code not in Category.values:
            raise exceptions.NotFound(
                _("Không có dịch vụ “%(code)s”.") % {"code": service_code}
            )
        payload = service_definition(Category(service_code))
        return render(self.fmt, payload, root="service_definition")


REPORT_REQUEST = inline_serializer(
    "Open311RequestCreate",
    fields={
        "service_code": serializers.ChoiceField(choices=Category.values),
        "lat": serializers.FloatField(),
        "long": serializers.FloatField(),
        "description": serializers.CharField(
            required=False, max_length=DESCRIPTION_MAX
        ),
        "attribute[size_class]": serializers.CharField(required=False),
        "attribute[contact_consent]": serializers.BooleanField(
            required=False, help_text="true to let us keep the contact details"
        ),
        "email": serializers.EmailField(required=False),
        "first_name": serializers.CharField(required=False),
        "last_name": serializers.CharField(required=False),
        "phone": serializers.CharField(required=False),
        "media_url": serializers.CharField(
            required=False, help_text="ignored: we never fetch client URLs"
        ),
    },
)


class RequestListCreateApi(Open311View):
    """List public hotspots as service requests, or report a new hotspot."""

    def get_throttles(self):
        if self.request.method == "POST":
            return [ReportAnonThrottle(), ReportUserThrottle()]
        return super().get_throttles()

    @extend_schema(
        tags=["open311"],
        operation_id="open311_requests_list",
        summary="GeoReport v2 service requests (public hotspots)",
        parameters=[
            FORMAT_PARAMETER,
            OpenApiParameter(
                "service_request_id",
                {
                    "type": "string",
                    "pattern": "^[ ,]*([0-9]{1,18} *,[ ,]*)*([0-9]{1,18} *)?$",
                },
                description="ids, comma (at most 200)",
            ),
            OpenApiParameter("service_code", str, description="categories, comma"),
            OpenApiParameter("start_date", schema.OPTIONAL_DATETIME),
            OpenApiParameter("end_date", schema.OPTIONAL_DATETIME),
            OpenApiParameter("status", str, description="open, closed (comma)"),
            OpenApiParameter(
                "page", {"type": "integer", "minimum": 1, "maximum": 1_000_000}
            ),
            OpenApiParameter(
                "page_size",
                {"type": "integer", "minimum": 1, "maximum": 200},
                description="default 50",
            ),
            schema.LINK_HEADER,
        ],
        responses=schema.REQUESTS_RESPONSES,
    )
    def get(self, request, fmt: str):
        params = request.query_params
        filters = request_filters(params)
        page, size = paging(params)
        offset = (page - 1) * size
        # By id, a client follows its own requests, verified or not (as
        # requests/{id}); otherwise only public hotspots are listed.
        found = (
            followed_hotspot_list(filters["ids"])
            if "ids" in filters
            else public_hotspot_list(**filters)
        )
        # One row more than the page tells whether a next page exists, no COUNT.
        rows = list(found[offset : offset + size + 1])
        payload = [service_request(hotspot, request) for hotspot in rows[:size]]
        response = render(self.fmt, payload, root="service_requests")
        if len(rows) > size:
            query = params.copy()
            query["page"] = str(page + 1)
            next_url = request.build_absolute_uri("?" + query.urlencode())
            response["Link"] = f'<{next_url}>; rel="next"'
        return response

    @extend_schema(
        tags=["open311"],
        operation_id="open311_requests_create",
        summary="GeoReport v2: report a hotspot (form-encoded or JSON)",
        parameters=[FORMAT_PARAMETER],
        request={
            "application/x-www-form-urlencoded": REPORT_REQUEST,
            "application/json": REPORT_REQUEST,
        },
        responses=schema.RECEIPT_RESPONSES,
    )
    def post(self, request, fmt: str):
        report = report_input(request.data, request.FILES)
        result = services.hotspot_report(
            location=report.location,
            category=report.category,
            size_class=report.size_class,
            description=report.description,
            reporter=request.user,
            contact=report.contact,
            contact_consent=report.consent,
            channel="open311",
            client_uuid=None,
        )
        payload = receipt(result, report)
        return render(self.fmt, payload, root="service_requests", status=201)


class RequestDetailApi(Open311View):
    """Return one public hotspot as a one-element list of service requests."""

    @extend_schema(
        tags=["open311"],
        operation_id="open311_request",
        summary="GeoReport v2: one service request (a one-element list)",
        parameters=[FORMAT_PARAMETER],
        responses=schema.REQUEST_RESPONSES,
    )
    def get(self, request, fmt: str, request_id: str):
        pk = service_request_id(request_id)
        # At once after the POST, whatever its status: rendering shows only
        # what may be shown (description and photo once verified).
        hotspot = followed_hotspot_get(pk) if pk is not None else None
        if hotspot is None:
            raise exceptions.NotFound(
                _("Không tìm thấy yêu cầu %(id)s.") % {"id": request_id}
            )
        payload = [service_request(hotspot, request)]
        return render(self.fmt, payload, root="service_requests")


class TokenApi(Open311View):
    """GeoReport's tokens/{token}: never needed here, so every token is unknown.

    The standard issues a token when a POST cannot return the
    service_request_id at once; ours always returns it, so no token exists and
    the answer is the standard's "token not found" (404).
    """

    @extend_schema(
        tags=["open311"],
        operation_id="open311_token",
        summary="GeoReport v2 tokens: none are issued (ids are returned at once)",
        parameters=[FORMAT_PARAMETER],
        responses=schema.TOKEN_RESPONSES,
    )
    def get(self, request, fmt: str, token: str):
        raise exceptions.NotFound(
            _(
                "Không có token “%(token)s”: API này không cấp token, "
                "service_request_id được trả về ngay trong câu trả lời của POST "
                "requests."
            )
            % {"token": token}
        )


@csrf_exempt
def unknown_path(request: HttpRequest, path: str = "") -> HttpResponse:
    """Answer any other path under /open311/v2/ with a GeoReport 404 document.

    The format follows a .xml suffix; JSON otherwise (no or another suffix).
    Any method: the path does not exist whatever is done to it.
    """
    fmt = "xml" if path.lower().endswith(".xml") else "json"
    language = _language(request)
    with translation.override(language):
        stem, dot, suffix = path.rpartition(".")
        if dot and suffix.lower() not in ("json", "xml"):
            description = _(
                "Định dạng “.%(suffix)s” không được hỗ trợ: dùng %(stem)s.json "
                "hoặc %(stem)s.xml."
            ) % {"suffix": suffix[:20], "stem": stem[:100]}
        elif not dot and path:
            description = _(
                "Thiếu định dạng: dùng %(path)s.json hoặc %(path)s.xml."
            ) % {"path": path[:100]}
        else:
            description = _(
                "Không có tài nguyên “%(path)s” trong GeoReport v2; xem discovery.json."
            ) % {"path": path[:100]}
        errors = [{"code": 404, "description": str(description)}]
        response = render(fmt, errors, root="errors", status=404)
    response.headers["Content-Language"] = language
    patch_vary_headers(response, ["Accept-Language"])
    return response
