"""README's client examples, run as written against a live server.

Each block between ``<!-- example: NAME -->`` and ``<!-- /example -->`` in README.md
is read here, its ``http://127.0.0.1:8000`` replaced by the live server's address:
the GDAL commands run in a shell, the Open311 curl calls run (the id the POST
returns replaces the example's ``123``), the dashboard snippet runs in Chromium on
another origin. A README edit that breaks an example fails this test.
"""

import json
import re
import shlex
import subprocess
from pathlib import Path

import pytest

from tests.browser.test_cors import other_origin  # noqa: F401 (fixture)
from tests.maps.test_coverage import build_scenario

README = Path(__file__).resolve().parents[2] / "README.md"
EXAMPLE_HOST = "http://127.0.0.1:8000"


def example(name: str) -> str:
    text = README.read_text(encoding="utf-8")
    match = re.search(
        rf"<!-- example: {name} -->\s*```\w*\n(.*?)```\s*<!-- /example -->", text, re.S
    )
    assert match, f"README has no example {name!r}"
    return match.group(1)


def commands(block: str, host: str) -> list[str]:
    """Return the block's shell commands (continuations joined, comments dropped)."""
    joined = block.replace("\\\n", " ").replace(EXAMPLE_HOST, host)
    return [
        line.strip()
        for line in joined.splitlines()
        if line.strip()[:1] not in ("", "#")
    ]


def run(command: str, cwd: Path) -> str:
    result = subprocess.run(
        shlex.split(command), cwd=cwd, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, f"{command}\n{result.stderr}"
    return result.stdout


@pytest.fixture
def scenario(live_server, demo_areas_tx):
    build_scenario()
    return live_server.url


def test_the_gdal_example_reads_the_ogc_api_and_an_export(scenario, tmp_path):
    info, copy, export = commands(example("gdal"), scenario)
    assert re.search(r"Feature Count: 4\b", run(info, tmp_path))
    run(copy, tmp_path)
    counted = run(f"ogrinfo -ro -so -al {tmp_path / 'hue-hotspots.gpkg'}", tmp_path)
    assert re.search(r"Feature Count: [1-4]\b", counted)
    assert re.search(r"Feature Count: 4\b", run(export, tmp_path))


def test_the_open311_example_files_and_reads_back_a_request(scenario, tmp_path):
    services, post, read = commands(example("open311"), scenario)
    assert any(
        s["service_code"] == "plastic" for s in json.loads(run(services, tmp_path))
    )
    filed = json.loads(run(post, tmp_path))
    request_id = filed[0]["service_request_id"]
    body = json.loads(run(read.replace("/123.json", f"/{request_id}.json"), tmp_path))
    assert str(body[0]["service_request_id"]) == str(request_id)
    assert body[0]["status"] == "open"


def test_the_dashboard_example_runs_on_another_origin(
    scenario,
    browser,
    other_origin,  # noqa: F811
):
    snippet = example("dashboard").replace(EXAMPLE_HOST, scenario)
    context = browser.new_context()
    page = context.new_page()
    logged: list[str] = []
    page.on("console", lambda message: logged.append(message.text))
    page.goto(other_origin + "/")
    page.evaluate(f"async () => {{ {snippet} }}")
    context.close()
    assert len(logged) == 1, logged
    count, districts, template = re.fullmatch(
        r"(\d+) hotspots, (\d+) districts, (\S+)", logged[0]
    ).groups()
    assert int(count) >= 1 and int(districts) == 9
    assert template.startswith(scenario) and template.endswith(".mvt")
