from rest_framework import serializers

from .geojson import FeatureSerializer, GeometryField
from .models import AdminArea


class AreaFeatureSerializer(FeatureSerializer):
    geom = GeometryField()
    area_km2 = serializers.SerializerMethodField()

    class Meta:
        model = AdminArea
        geo_field = "geom"
        id_field = False  # keep "id" among the properties, as the API promises
        fields = [
            "id",
            "name",
            "name_en",
            "code",
            "level",
            "parent",
            "area_km2",
            "approximate",
            "valid_from",
            "valid_to",
        ]

    def get_area_km2(self, obj) -> float:
        return round(obj.area_km2, 3)


class AreaBriefSerializer(serializers.ModelSerializer):
    class Meta:
        model = AdminArea
        fields = ["id", "name", "name_en", "code", "level", "approximate"]
