"""A report that reopens a cleaned (public) hotspot reopens it at once, but its
photos stay off every public surface until an organiser reviews them: the
reopen path must not publish unreviewed photos (moderation bypass).
"""

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from hotspots import services
from hotspots.models import Action, Hotspot, HotspotPhoto, SizeClass, Status
from tests import builders
from tests.hotspots.test_api import jpeg

HOST = {"HTTP_HOST": "127.0.0.1"}


def _image():
    upload = SimpleUploadedFile("x.jpg", jpeg(), content_type="image/jpeg")
    return services.photo_pipeline.sanitize(upload)


@pytest.fixture
def reopened(demo_areas):
    """A cleaned hotspot with one reviewed photo, reopened by a new report that
    brings one new photo."""
    spot = builders.hotspot(
        location=builders.at(0), status=Status.CLEANED, images=[_image()]
    )
    result = services.hotspot_report(
        location=builders.at(0),
        category="plastic",
        size_class=SizeClass.objects.get(key="bag"),
        images=[_image()],
    )
    assert result.reopened and result.hotspot.pk == spot.pk
    spot = Hotspot.objects.get(pk=spot.pk)
    assert spot.status == Status.REOPENED
    return spot


def _new_photo(spot: Hotspot) -> HotspotPhoto:
    return spot.photos.order_by("-id").first()


def _public_photo_urls(client: Client, spot: Hotspot) -> set[str]:
    """Every photo or thumbnail URL any public surface shows for the hotspot."""
    shown = set()
    listed = client.get(reverse("api:hotspots-api:list"), **HOST).json()
    for feature in listed["features"]:
        if feature["id"] == spot.pk:
            for p in feature["properties"]["photos"]:
                shown |= {p["url"], p["thumbnail_url"]}
    detail = client.get(reverse("api:hotspots-api:detail", args=[spot.pk]), **HOST)
    for p in detail.json()["properties"]["photos"]:
        shown |= {p["url"], p["thumbnail_url"]}
    near = client.get(
        reverse("api:hotspots-api:nearby"),
        {"lon": spot.location.x, "lat": spot.location.y, "radius_m": 200},
        **HOST,
    ).json()
    for feature in near["features"]:
        for p in feature["properties"]["photos"]:
            shown |= {p["url"], p["thumbnail_url"]}
    pages = [
        client.get(spot.get_absolute_url(), **HOST).content.decode(),
        client.get(reverse("hotspots:list"), **HOST).content.decode(),
        client.get(
            reverse("hotspots:follow", args=[spot.follow_token]), **HOST
        ).content.decode(),
    ]
    open311 = client.get(reverse("open311:requests", args=["json"]), **HOST).json()
    media = {r.get("media_url", "") for r in open311}
    for photo in spot.photos.all():
        for name in (photo.image.name, photo.thumbnail.name):
            if any(name in page for page in pages) or any(name in m for m in media):
                shown.add(name)
    return {url.rsplit("/media/", 1)[-1] for url in shown}


def test_reopening_photos_wait_for_review_on_every_public_surface(reopened):
    old = reopened.photos.order_by("id").first()
    new = _new_photo(reopened)
    assert (old.pending, new.pending) == (False, True)
    shown = _public_photo_urls(Client(), reopened)
    assert old.image.name in shown  # the reviewed photo still shows
    assert new.image.name not in shown and new.thumbnail.name not in shown


def test_organiser_sees_the_new_photo_marked_and_publishes_it(reopened):
    organiser = builders.organiser()
    client = Client()
    client.force_login(organiser)
    queue = client.get(reverse("hotspots:queue"), **HOST).content.decode()
    new = _new_photo(reopened)
    assert new.thumbnail.name in queue
    assert 'data-testid="pending-photo"' in queue
    response = client.post(
        reverse("hotspots:queue-action", args=[reopened.pk, "photos-approve"]),
        **HOST,
    )
    assert response.status_code == 302
    new.refresh_from_db()
    assert new.pending is False
    assert new.image.name in _public_photo_urls(Client(), reopened)
    line = reopened.history.order_by("-id").first()
    assert (line.action, line.details, line.actor) == (
        Action.PHOTOS_APPROVE,
        {"photos": 1},
        organiser,
    )
    # Nothing left to review: a second press is a clear message, not a 500.
    again = client.post(
        reverse("hotspots:queue-action", args=[reopened.pk, "photos-approve"]),
        follow=True,
        **HOST,
    )
    assert "Không có ảnh mới nào chờ duyệt." in again.content.decode()


def test_organiser_rejects_the_new_photo_and_its_files_go(
    reopened, django_capture_on_commit_callbacks
):
    new = _new_photo(reopened)
    names = [new.image.name, new.thumbnail.name]
    assert all(default_storage.exists(n) for n in names)
    client = Client()
    client.force_login(builders.organiser())
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("hotspots:queue-action", args=[reopened.pk, "photos-reject"]),
            **HOST,
        )
    assert not HotspotPhoto.objects.filter(pk=new.pk).exists()
    assert not any(default_storage.exists(n) for n in names)
    assert reopened.photos.count() == 1  # the reviewed one stays
    assert reopened.history.order_by("-id").first().action == Action.PHOTOS_REJECT


def test_only_organisers_review_photos(reopened):
    client = Client()
    client.force_login(builders.user())
    response = client.post(
        reverse("hotspots:queue-action", args=[reopened.pk, "photos-approve"]),
        **HOST,
    )
    assert response.status_code in (302, 403)
    assert _new_photo(reopened).pending is True
