"""Filing a report from the hotspot API or the reporting page.

Both channels send the same fields (HotspotCreateSerializer); this checks them,
passes the location, outline and photos through their gates and calls the
service. Open311 has its own input (GeoReport fields) in hotspots/open311/.
"""

from django.utils.translation import gettext_lazy as _

from geo.spatial import GeometryError, parse_geometry, point_from_lonlat, strip_along

from . import photos as photo_pipeline
from . import services
from .serializers import HotspotCreateSerializer

# A bank line is stored as the strip of bank this far either side of it (a 4 m band:
# the litter line at the water's edge), so a hotspot keeps one polygon outline.
BANK_STRIP_HALF_WIDTH_M = 2.0


def submit_report(*, data, files, user, channel: str) -> services.ReportResult:
    """Validate a report (API or page), pass it through the gates, and file it.

    Raises DRF's ValidationError or a ClientError (geometry, photo, lifecycle).
    """
    serializer = HotspotCreateSerializer(data=data)
    serializer.is_valid(raise_exception=True)
    valid = serializer.validated_data
    point = point_from_lonlat(valid["lon"], valid["lat"])
    outline = None
    if valid.get("outline"):
        outline = parse_geometry(
            valid["outline"], expected=["Polygon"], field="outline"
        )
    if valid.get("bank_line"):
        if outline is not None:
            raise GeometryError(
                "one_shape",
                _("Chỉ gửi một hình: phạm vi hoặc đường bờ."),
                "bank_line",
            )
        line = parse_geometry(
            valid["bank_line"], expected=["LineString"], field="bank_line"
        )
        outline = strip_along(line, half_width_m=BANK_STRIP_HALF_WIDTH_M)
    photo_pipeline.check_request(files)
    images = [photo_pipeline.sanitize(upload) for upload in files]
    return services.hotspot_report(
        location=point,
        outline=outline,
        category=valid["category"],
        size_class=valid["size_class"],
        description=valid["description"],
        accuracy_m=valid.get("accuracy_m"),
        location_source=valid["location_source"],
        reporter=user,
        contact=services.Contact(
            name=valid["contact_name"],
            phone=valid["contact_phone"],
            email=valid["contact_email"],
        ),
        contact_consent=valid["contact_consent"],
        images=images,
        client_uuid=valid["client_uuid"],
        channel=channel,
    )
