import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import Client

from tests import builders


def _load_demo_areas() -> None:
    from demo import areas as demo

    demo.load()


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Have the test database fold the rollups at each write, not at commit.

    Writes queue their rollup facts until the transaction commits
    (maps/migrations/0003_rollups.sql); a test runs in a transaction that
    never commits, and reads the rollups right after writing.
    """
    from django.db import connection

    with django_db_blocker.unblock(), connection.cursor() as cursor:
        name = connection.ops.quote_name(connection.settings_dict["NAME"])
        cursor.execute(f"ALTER DATABASE {name} SET maps.rollups_immediate = 'on'")
        cursor.execute("SET maps.rollups_immediate = 'on'")


@pytest.fixture(scope="session")
def _demo_area_rows(django_db_setup, django_db_blocker):
    """Load the demo areas once per session and return their rows (areas, parts).

    Loading reads the GeoJSON with GDAL, validates and subdivides (ST_Subdivide)
    the boundaries: most of a second, once. The load is rolled back, so nothing
    stays committed: tests that do not ask for the areas never see them (some
    assert an empty table), and the flush at the end of a transactional test
    has nothing to remove that a later test relies on.
    """
    from geo.models import AdminArea, AdminAreaPart

    with django_db_blocker.unblock(), transaction.atomic():
        AdminArea.objects.all().delete()
        _load_demo_areas()
        areas = list(AdminArea.objects.order_by("id").values())
        parts = list(AdminAreaPart.objects.order_by("id").values("area_id", "geom"))
        transaction.set_rollback(True)
    return areas, parts


def _insert_demo_areas(rows) -> None:
    """Insert the rows demo.load() wrote: parents first, with fresh ids."""
    from geo.models import AdminArea, AdminAreaPart

    if AdminArea.objects.exists():
        # Not the empty table the rows were taken from: load as an operator would.
        _load_demo_areas()
        return
    areas, parts = rows
    new_ids: dict[int, int] = {}
    pending = list(areas)
    while pending:
        ready = [a for a in pending if a["parent_id"] in (None, *new_ids)]
        assert ready, "a demo area's parent is not a demo area"
        created = AdminArea.objects.bulk_create(
            AdminArea(
                **{
                    **row,
                    "id": None,
                    "parent_id": new_ids.get(row["parent_id"]),
                    "geom": row["geom"].clone(),
                }
            )
            for row in ready
        )
        new_ids.update(
            {row["id"]: area.pk for row, area in zip(ready, created, strict=True)}
        )
        pending = [a for a in pending if a["id"] not in new_ids]
    AdminAreaPart.objects.bulk_create(
        AdminAreaPart(area_id=new_ids[part["area_id"]], geom=part["geom"].clone())
        for part in parts
    )


@pytest.fixture
def demo_areas(db, _demo_area_rows):
    """The approximate demo province and its nine district-level units."""
    _insert_demo_areas(_demo_area_rows)


@pytest.fixture
def demo_areas_tx(transactional_db, _demo_area_rows):
    """The demo areas, committed so a live server thread sees them.

    Transactional tests empty every table afterwards, including rows that data
    migrations seeded, so the default size classes are seeded again here.
    """
    from hotspots.defaults import seed_size_classes
    from hotspots.models import SizeClass

    seed_size_classes(SizeClass)
    _insert_demo_areas(_demo_area_rows)


@pytest.fixture
def organiser(db):
    return builders.organiser()


@pytest.fixture
def organiser_client(organiser):
    client = Client()
    client.force_login(organiser)
    return client


@pytest.fixture
def judge(db):
    return builders.user(username="bgk", role="judge")


@pytest.fixture
def contest(demo_areas, organiser) -> builders.Contest:
    """A running campaign with one approved team, its representative and a judge."""
    return builders.contest()


@pytest.fixture
def api_client():
    from rest_framework.test import APIClient

    return APIClient()


@pytest.fixture
def load(db):
    """Run load_areas as an operator would, returning its stdout."""

    def run(*args):
        from io import StringIO

        out = StringIO()
        call_command(
            "load_areas", *[str(a) for a in args], stdout=out, stderr=StringIO()
        )
        return out.getvalue()

    return run


@pytest.fixture(autouse=True)
def _seeded_rows(django_db_setup, django_db_blocker):
    """The rows data migrations seed (the default size classes) are there.

    A transactional test ends by emptying every table. Run alone, pytest-django
    runs those tests last; under pytest-xdist (`make test`) a worker may run
    another file's tests after one, so the rows are seeded again (committed)
    when missing: one indexed query per test.
    """
    from hotspots.defaults import seed_size_classes
    from hotspots.models import SizeClass

    with django_db_blocker.unblock():
        if not SizeClass.objects.exists():
            seed_size_classes(SizeClass)


@pytest.fixture(autouse=True)
def _default_language():
    """A request in another language leaves it active in the thread: drop it after
    each test (gettext outside a request is then Vietnamese again, whatever ran
    before)."""
    yield
    from django.utils import translation

    translation.deactivate()


@pytest.fixture(autouse=True)
def _export_cache(settings, tmp_path_factory):
    """Export files (maps.export_files) in a fresh directory per test: a rolled-back
    test leaves the data versions where they were, so a file of the previous test
    would look current."""
    settings.EXPORT_CACHE_DIR = str(tmp_path_factory.mktemp("exports"))


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Throttle counters live in the cache: start every test with an empty one.

    The cache is the project's Redis, shared with other test runs: only this
    run's keys (its KEY_PREFIX) are deleted, never the whole database.
    """
    from django.core.cache import cache

    client = cache._cache.get_client(write=True)
    keys = list(client.scan_iter(match=cache.make_key("*"), count=1000))
    if keys:
        client.delete(*keys)
    yield


@pytest.fixture
def run_jobs():
    """Return a function that runs the queued background jobs here and now.

    Tests do not start a Celery worker (tests/jobs has one that does): a page or
    API that queues a job is asked again after run_jobs().
    """
    from jobs.models import Job, JobStatus
    from jobs.services import job_run

    def run() -> int:
        ran = 0
        for pk in Job.objects.filter(status=JobStatus.QUEUED).values_list(
            "pk", flat=True
        ):
            job_run(pk)
            ran += 1
        return ran

    return run


@pytest.fixture(autouse=True)
def _notification_emails_here(monkeypatch):
    """Tests start no Celery worker: a notification's email task runs in this
    process when its on_commit callback fires (Task.apply: the task's own code,
    eagerly), so mail.outbox holds what a worker would have sent."""
    from notifications import tasks

    def apply_async(args=None, kwargs=None, **options):
        return tasks.send_email.apply(args, kwargs)

    monkeypatch.setattr(tasks.send_email, "apply_async", apply_async)
