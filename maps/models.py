from django.db import models
from django.utils.translation import gettext_lazy as _


class AnalysisKind(models.TextChoices):
    GAPS = "gaps", _("khoảng trống thu gom")
    GI_STAR = "gi", _("cụm nóng/lạnh Gi*")


class AnalysisResult(models.Model):
    """A stored analysis of one campaign (maps.jobs computes it in the background).

    `version` is the data version the result was computed from (maps.selectors
    .analysis_version): when the data have changed since, the result is shown
    with its time and a new computation is queued. `payload` is plain data
    (maps.analysis turns it back into Gap / ClusterResult objects).
    """

    kind = models.CharField(max_length=8, choices=AnalysisKind.choices)
    campaign = models.ForeignKey(
        "events.Campaign", on_delete=models.CASCADE, related_name="+"
    )
    # What the result depends on besides the data: resolution and variable for
    # Gi*, the gap distance for gaps ("" / 0 where not used).
    resolution = models.PositiveSmallIntegerField(default=0)
    variable = models.CharField(max_length=16, blank=True)
    parameter = models.CharField(max_length=32, blank=True)
    version = models.CharField(max_length=200)
    computed_at = models.DateTimeField()
    seconds = models.FloatField()
    payload = models.JSONField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "campaign", "resolution", "variable", "parameter"],
                name="maps_one_result_per_analysis",
            )
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.campaign_id} r{self.resolution} {self.variable}"
