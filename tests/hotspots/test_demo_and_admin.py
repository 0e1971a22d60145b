from django.urls import reverse

from hotspots.models import Hotspot, SizeClass
from tests import builders


def test_organiser_edits_size_classes_and_scores_follow(db, client):
    from demo import hotspots as demo

    demo.load()
    client.force_login(builders.organiser())
    truck = SizeClass.objects.get(key="truck")
    hotspot = Hotspot.objects.filter(size_class=truck).first()
    before = hotspot.score
    response = client.post(
        reverse("admin:hotspots_sizeclass_change", args=[truck.pk]),
        {
            "key": "truck",
            "label": truck.label,
            "label_en": truck.label_en,
            "min_kg": 1000,
            "max_kg": 5000,
            "order": truck.order,
        },
    )
    assert response.status_code == 302
    hotspot.refresh_from_db()
    assert hotspot.score > before


def test_residents_have_no_admin(db, client):
    client.force_login(builders.user(username="dan"))
    response = client.get(reverse("admin:hotspots_sizeclass_changelist"))
    assert response.status_code == 302  # to the admin login
