"""`make interop`: the public layers read by the GIS clients an IOC analyst uses.

Run by Debian's python3 (QGIS's Python bindings live there, not in our venv)
against a running server: ``python3 scripts/interop.py http://127.0.0.1:8766``.

1. GDAL/OGR: the OAPIF driver reads every OGC API collection, following `next`
   across pages (a small page size), inside a bbox and without one; the counts
   must equal the REST API's. `ogrinfo` opens every export by URL.
2. QGIS (headless): loads each OGC API collection with its OAPIF provider and each
   export by URL with the OGR provider; counts must equal the REST API's.
3. QGIS renders the districts, the coverage and the hotspots to
   ``var/interop/qgis.png`` (look at it) and a table goes to
   ``var/interop/report.md``.

Exit status 1 when any count differs or a layer does not load.
"""

import json
import os
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "var" / "interop"
# A bbox over central Huế (lon_min, lat_min, lon_max, lat_max), inside the demo data.
CITY_BBOX = (107.52, 16.40, 107.66, 16.52)
PAGE = 37  # a page size that forces several pages

rows: list[tuple[str, str, str, str, str]] = []
failures: list[str] = []


def get_json(url: str):
    request = urllib.request.Request(url, headers={"Accept": "application/json"})
    with urllib.request.urlopen(request, timeout=120) as response:
        return json.load(response)


def record(client: str, layer: str, got, expected, note: str = "") -> None:
    ok = got == expected
    rows.append((client, layer, str(got), str(expected), "ok" if ok else "DIFFERS"))
    if not ok:
        failures.append(f"{client} {layer}: {got} != {expected} {note}")


def rest_count(base: str, collection: str, bbox=None) -> int:
    """The REST API's number of public features of an OGC collection."""
    box = f"&in_bbox={','.join(map(str, bbox))}" if bbox else ""
    if collection == "hotspots":
        return get_json(f"{base}/api/v1/hotspots/?count=true&page_size=1{box}")["count"]
    if collection == "events":  # no bbox filter in the REST events list: count here
        return _walk(f"{base}/api/v1/events/?page_size=500", bbox)
    if collection.startswith("areas-"):
        level = collection.removeprefix("areas-")
        return len(get_json(f"{base}/api/v1/areas/?level={level}")["features"])
    match = re.fullmatch(r"coverage-(.+)-([a-z_]+)", collection)
    if match:
        campaign, level = match.groups()
        url = f"{base}/api/v1/coverage/?campaign={campaign}&level={level}"
        return len(get_json(url)["features"])
    raise ValueError(collection)


def _walk(url: str, bbox=None) -> int:
    """Count the point features of every page, those inside `bbox` if given."""
    total = 0
    while url:
        page = get_json(url)
        for feature in page["features"]:
            lon, lat = feature["geometry"]["coordinates"]
            if bbox is None or (
                bbox[0] <= lon <= bbox[2] and bbox[1] <= lat <= bbox[3]
            ):
                total += 1
        url = page.get("next")
    return total


def ogr_count(source: str, layer: str | None = None, bbox=None, options=()) -> int:
    command = ["ogrinfo", "-ro", "-so", *options, source]
    if bbox:
        command[3:3] = ["-spat", *map(str, bbox)]
    if layer:
        command.append(layer)
    else:
        command.insert(3, "-al")
    result = subprocess.run(command, capture_output=True, text=True, timeout=600)
    found = re.findall(r"Feature Count: (-?\d+)", result.stdout)
    if result.returncode or not found:
        failures.append(
            f"ogrinfo {source} {layer or ''}: {result.stderr.strip()[:300]}"
        )
        return -1
    return sum(int(n) for n in found)


def gdal_checks(base: str, collections: list[str]) -> None:
    oapif = f"OAPIF:{base}/ogc/"
    options = ["-oo", f"PAGE_SIZE={PAGE}"]
    for collection in collections:
        record(
            "GDAL OAPIF",
            collection,
            ogr_count(oapif, collection, options=options),
            rest_count(base, collection),
        )
    for collection in ("hotspots", "events"):
        record(
            "GDAL OAPIF",
            f"{collection} in bbox",
            ogr_count(oapif, collection, CITY_BBOX, options),
            rest_count(base, collection, CITY_BBOX),
        )
    for dataset, fmt, expected in export_expectations(base):
        url = f"{base}/exports/{dataset}.{fmt}"
        source = f"/vsicurl/{url}" if fmt in ("gpkg", "xlsx") else url
        record("ogrinfo URL", f"{dataset}.{fmt}", ogr_count(source), expected)


def export_expectations(base: str) -> list[tuple[str, str, int]]:
    """Each export by URL without a query string (the current campaign's events)."""
    hotspots = rest_count(base, "hotspots")
    with urllib.request.urlopen(f"{base}/exports/events.csv", timeout=120) as response:
        disposition = response.headers["Content-Disposition"]
    current = re.search(r'filename="?events-([^"]+)\.csv', disposition).group(1)
    events = _walk(f"{base}/api/v1/events/?page_size=500&campaign={current}")
    out = []
    for fmt in ("geojson", "gpkg", "csv", "kml", "xlsx"):
        out += [("hotspots", fmt, hotspots), ("events", fmt, events)]
    return out


def qgis_checks(base: str, collections: list[str]) -> None:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from qgis.core import (
        QgsApplication,
        QgsMapRendererParallelJob,
        QgsMapSettings,
        QgsProject,
        QgsRectangle,
        QgsVectorLayer,
    )
    from qgis.PyQt.QtCore import QSize
    from qgis.PyQt.QtGui import QColor

    app = QgsApplication([], False)
    app.initQgis()
    layers = {}
    for collection in collections:
        uri = f"url='{base}/ogc/' typename='{collection}' pageSize='{PAGE}'"
        layer = QgsVectorLayer(uri, collection, "OAPIF")
        if not layer.isValid():
            failures.append(f"QGIS OAPIF {collection}: layer not valid")
            continue
        layers[collection] = layer
        record(
            "QGIS OAPIF", collection, layer.featureCount(), rest_count(base, collection)
        )
    for dataset, fmt, expected in export_expectations(base):
        layer = QgsVectorLayer(
            f"/vsicurl/{base}/exports/{dataset}.{fmt}", dataset, "ogr"
        )
        if not layer.isValid():
            failures.append(f"QGIS ogr {dataset}.{fmt}: layer not valid")
            continue
        record("QGIS URL", f"{dataset}.{fmt}", layer.featureCount(), expected)

    coverage = sorted(n for n in layers if re.fullmatch(r"coverage-.+-district", n))
    names = ["hotspots", *coverage[-1:], "areas-district"]  # top to bottom
    drawn = [layers[name] for name in names if name in layers]
    for layer in drawn:
        QgsProject.instance().addMapLayer(layer)
        symbol = layer.renderer().symbol()
        if layer.name() == "hotspots":
            symbol.setColor(QColor("#d7301f"))
            symbol.setSize(1.2)
        else:
            symbol.setColor(QColor(44, 162, 95, 90))
    settings = QgsMapSettings()
    settings.setLayers(drawn)
    settings.setBackgroundColor(QColor("white"))
    settings.setOutputSize(QSize(1200, 900))
    extent = QgsRectangle()
    for layer in drawn:
        extent.combineExtentWith(layer.extent())
    settings.setExtent(extent)
    job = QgsMapRendererParallelJob(settings)
    job.start()
    job.waitForFinished()
    OUT.mkdir(parents=True, exist_ok=True)
    job.renderedImage().save(str(OUT / "qgis.png"), "png")
    print(f"rendered {OUT / 'qgis.png'} ({', '.join(layer.name() for layer in drawn)})")
    app.exitQgis()


def main(base: str) -> int:
    base = base.rstrip("/")
    collections = [c["id"] for c in get_json(f"{base}/ogc/collections")["collections"]]
    gdal_checks(base, collections)
    qgis_checks(base, collections)
    table = ["| client | layer | features | REST API | |", "|---|---|---|---|---|"]
    table += [f"| {' | '.join(row)} |" for row in rows]
    OUT.mkdir(parents=True, exist_ok=True)
    (OUT / "report.md").write_text("\n".join(table) + "\n", encoding="utf-8")
    print("\n".join(table))
    for failure in failures:
        print("FAIL:", failure)
    print(f"{len(rows)} checks, {len(failures)} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8766"))
