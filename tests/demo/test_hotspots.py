from django.core.management import call_command

from hotspots.models import Hotspot


def test_demo_data_loads_once_and_is_labelled(db, capsys):
    call_command("load_demo")
    call_command("load_demo")
    demo = Hotspot.objects.filter(channel="demo")
    assert demo.count() == 20
    assert all("(demo)" in h.description for h in demo)
    assert (
        demo.filter(status="verified").exists() and demo.filter(priority=True).exists()
    )
    assert all(h.photos.count() == 1 for h in demo)
    assert all(h.areas.filter(level="district").count() == 1 for h in demo)
    assert "hotspots: already loaded" in capsys.readouterr().out
