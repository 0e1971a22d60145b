"""Getis-Ord Gi* hot and cold spots on H3 hexagons, from plain weighted points.

Pure functions (no ORM). The recipe:

1. Sum the points' weights per H3 cell (1 per hotspot, or verified kg per cleanup).
2. The study area is every cell whose centre lies in the bounding box of the
   occupied cells, plus the occupied cells; empty cells are included (value 0):
   without them nothing could be "cold". The box is not padded: a ring of empty
   cells around the data would be empty by construction and show up as cold.
   Above ``MAX_STUDY_CELLS`` (20,000) cells the area shrinks to the occupied
   cells and their first ring; if even that is too many, StudyAreaTooLarge.
3. Spatial weights: each cell's six H3 neighbours (``h3.grid_disk(cell, 1)``),
   binary, plus the cell itself (Gi*: star=True, self-weight 1).
4. ``esda.G_Local(star=True)`` gives the statistic and its analytical z-score.
   The pseudo p-values come from 999 conditional permutations done here, with a
   fixed seed (reproducible). Why not esda's ``p_sim``: esda 2.9 folds the count
   of simulated values at least as large as the observed one ("directed"), which
   mistreats ties. A cell whose neighbourhood is all zeros, in a field where
   most cells are zero, ties with nearly every draw and gets the smallest
   possible p (0.001): every empty stretch of the map became a "99 % cold spot"
   (seen on 5,000 random points at res 9: 3,402 cold cells). Here the test is
   one-sided in the direction of z, and ties count as at least as extreme.
5. Benjamini–Hochberg adjustment of the p-values over all cells of the area
   (esda.fdr returns only a cut-off, with a Bonferroni fallback, so we adjust
   ourselves), then hot/cold at 99/95/90 % from the sign of z and the adjusted p.
"""

import math
import warnings
from collections.abc import Iterable
from dataclasses import dataclass, field

import h3
import numpy as np
from django.utils.translation import gettext as _

from .hexagons import cell_geometry, cell_of

MAX_STUDY_CELLS = 20_000
PERMUTATIONS = 999
SEED = 20240602
# Confidence levels, strictest first: (adjusted p at most, label suffix).
LEVELS = ((0.01, "99"), (0.05, "95"), (0.10, "90"))
CLASSES = ("hot_99", "hot_95", "hot_90", "cold_99", "cold_95", "cold_90", "ns")
VARIABLES = ("hotspots", "kg")


class StudyAreaTooLarge(ValueError):
    """The study area would exceed MAX_STUDY_CELLS cells at this resolution."""


def bh_adjust(p_values) -> np.ndarray:
    """Return Benjamini–Hochberg adjusted p-values (step-up, monotone, at most 1)."""
    p = np.asarray(p_values, dtype=float)
    m = p.size
    if m == 0:
        return p
    order = np.argsort(p, kind="stable")
    scaled = p[order] * m / np.arange(1, m + 1)
    # Enforce monotonicity from the largest p downwards.
    scaled = np.minimum.accumulate(scaled[::-1])[::-1]
    adjusted = np.empty(m)
    adjusted[order] = np.minimum(scaled, 1.0)
    return adjusted


def classify(z: float, p_fdr: float) -> str:
    """Return hot_99…cold_90 from the z sign and the adjusted p, else "ns"."""
    if not math.isfinite(z) or z == 0 or not math.isfinite(p_fdr):
        return "ns"
    side = "hot" if z > 0 else "cold"
    for limit, label in LEVELS:
        if p_fdr <= limit:
            return f"{side}_{label}"
    return "ns"


def weighted_points(hotspots: Iterable, events: Iterable, variable: str) -> list:
    """Return the (lon, lat, weight) points of a variable: 1 per hotspot ("hotspots")
    or the verified kg per cleanup ("kg"); maps.rows.HotspotPoint / EventPoint."""
    if variable == "kg":
        return [(e.lon, e.lat, e.verified_kg) for e in events]
    return [(h.lon, h.lat, 1.0) for h in hotspots]


def cell_values(points: Iterable, *, resolution: int) -> dict[str, float]:
    """Return the sum of weights per cell; points are (lon, lat, weight) tuples."""
    values: dict[str, float] = {}
    for lon, lat, weight in points:
        cell = cell_of(lon, lat, resolution)
        values[cell] = values.get(cell, 0.0) + float(weight)
    return values


def study_area(occupied: Iterable[str], *, resolution: int) -> list[str]:
    """Return the cells of the study area (sorted), occupied cells included."""
    occupied = set(occupied)
    if not occupied:
        return []
    centres = [h3.cell_to_latlng(c) for c in occupied]
    lats = [lat for lat, _lng in centres]
    lngs = [lng for _lat, lng in centres]
    pad_m = 1.0  # one metre: one point's box is still a (non-degenerate) polygon
    pad_lat = pad_m / 111_320
    pad_lng = pad_m / (
        111_320 * max(math.cos(math.radians(sum(lats) / len(lats))), 0.1)
    )
    south, north = min(lats) - pad_lat, max(lats) + pad_lat
    west, east = min(lngs) - pad_lng, max(lngs) + pad_lng
    # Estimate before asking H3 for the cells: a box over the whole province at
    # res 9 would be ~200,000 cells.
    box_km2 = (
        (north - south)
        * 111.32
        * (east - west)
        * 111.32
        * math.cos(math.radians(north))
    )
    if box_km2 / h3.average_hexagon_area(resolution, "km^2") <= MAX_STUDY_CELLS:
        box = h3.LatLngPoly(
            [(south, west), (south, east), (north, east), (north, west)]
        )
        cells = set(h3.h3shape_to_cells(box, resolution)) | occupied
        if len(cells) <= MAX_STUDY_CELLS:
            return sorted(cells)
    ringed = set()
    for cell in occupied:
        ringed.update(h3.grid_disk(cell, 1))
    if len(ringed) > MAX_STUDY_CELLS:
        raise StudyAreaTooLarge(len(ringed))
    return sorted(ringed)


def neighbour_weights(cells: list[str]):
    """Return binary libpysal weights: each cell's H3 ring-1 neighbours in the area."""
    from libpysal.weights import W

    index = {cell: i for i, cell in enumerate(cells)}
    neighbours = {
        i: [index[n] for n in h3.grid_disk(cell, 1) if n != cell and n in index]
        for i, cell in enumerate(cells)
    }
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # islands and disconnected parts are fine
        return W(neighbours, silence_warnings=True)


CHUNK_CELLS = 512


def pseudo_p_values(
    y: np.ndarray,
    neighbours: list[list[int]],
    z: np.ndarray,
    *,
    permutations: int,
    seed: int,
) -> np.ndarray:
    """Return one-sided conditional-permutation p-values for Gi* (binary weights).

    Each cell keeps its own value; its k neighbours are replaced by k values
    drawn without replacement from the other cells, ``permutations`` times (one
    table of draws shared by all cells, as esda does). With binary weights and
    a fixed total, comparing neighbourhood sums is comparing Gi*. A cell with
    z > 0 is tested for "larger", z < 0 for "smaller"; z = 0 gets p = 1.
    """
    n = len(y)
    rng = np.random.default_rng(seed)
    cardinality = np.array([len(nb) for nb in neighbours])
    k_max = int(cardinality.max())
    if k_max == 0:
        return np.ones(n)
    draws = np.stack(
        [rng.choice(n - 1, size=k_max, replace=False) for _ in range(permutations)]
    )
    observed = y + np.array([y[nb].sum() if nb else 0.0 for nb in neighbours])
    tolerance = 1e-9 * max(float(np.abs(y).max()), 1.0)
    extreme = np.zeros(n)
    for k in np.unique(cardinality):
        group = np.flatnonzero(cardinality == k)
        for start in range(0, len(group), CHUNK_CELLS):
            chunk = group[start : start + CHUNK_CELLS]
            table = draws[None, :, :k]
            # Indices are among the n - 1 *other* cells: skip the cell itself.
            ids = table + (table >= chunk[:, None, None])
            simulated = y[chunk][:, None] + y[ids].sum(axis=2)
            wanted = observed[chunk][:, None]
            hot = z[chunk][:, None] > 0
            as_extreme = np.where(
                hot, simulated >= wanted - tolerance, simulated <= wanted + tolerance
            )
            extreme[chunk] = as_extreme.sum(axis=1)
    p = (extreme + 1) / (permutations + 1)
    return np.where(z == 0, 1.0, p)


@dataclass(frozen=True)
class ClusterCell:
    cell: str
    value: float
    gi_z: float
    p_value: float
    p_fdr: float
    cls: str

    def properties(self) -> dict:
        return {
            "cell": self.cell,
            "value": round(self.value, 2),
            "gi_z": round(self.gi_z, 4),
            "p_value": round(self.p_value, 4),
            "p_fdr": round(self.p_fdr, 4),
            "class": self.cls,
        }


@dataclass
class ClusterResult:
    variable: str
    resolution: int
    cells: list[ClusterCell] = field(default_factory=list)
    permutations: int = PERMUTATIONS

    def count(self, prefix: str) -> int:
        return sum(1 for c in self.cells if c.cls.startswith(prefix))

    @property
    def significant(self) -> list[ClusterCell]:
        return [c for c in self.cells if c.cls != "ns"]

    def summary(self) -> "ClusterSummary":
        return ClusterSummary(
            self.variable,
            self.permutations,
            hot=self.count("hot"),
            cold=self.count("cold"),
            total=len(self.cells),
        )


@dataclass(frozen=True)
class ClusterSummary:
    """A Gi* result's counts without its cells: what the page's note says."""

    variable: str
    permutations: int
    hot: int
    cold: int
    total: int

    @property
    def significant(self) -> bool:
        return self.hot + self.cold > 0


def count_values(counts: Iterable, variable: str) -> dict[str, float]:
    """Return the cells' values from per-cell counts (maps.hexagons.CellCounts):
    the hotspots, or the verified kg of the cells with cleanups — the same values
    cell_values gives for weighted_points."""
    if variable == "kg":
        return {c.cell: float(c.verified_kg) for c in counts if c.cleanups}
    return {c.cell: float(c.hotspots) for c in counts if c.hotspots}


def gi_star(
    points: Iterable,
    *,
    resolution: int,
    variable: str = "hotspots",
    permutations: int = PERMUTATIONS,
    seed: int = SEED,
) -> ClusterResult:
    """Return Gi* hot/cold cells for (lon, lat, weight) points at the resolution."""
    return gi_star_cells(
        cell_values(points, resolution=resolution),
        resolution=resolution,
        variable=variable,
        permutations=permutations,
        seed=seed,
    )


def gi_star_cells(
    values: dict[str, float],
    *,
    resolution: int,
    variable: str = "hotspots",
    permutations: int = PERMUTATIONS,
    seed: int = SEED,
) -> ClusterResult:
    """Return Gi* hot/cold cells for per-cell values (cell -> sum of weights)."""
    result = ClusterResult(variable, resolution, permutations=permutations)
    cells = study_area(values, resolution=resolution)
    y = np.array([values.get(cell, 0.0) for cell in cells])
    # A constant field (or a single cell) has no variance: nothing stands out.
    if len(cells) < 3 or np.ptp(y) == 0:
        result.cells = [
            ClusterCell(cell, float(v), 0.0, 1.0, 1.0, "ns")
            for cell, v in zip(cells, y, strict=True)
        ]
        return result
    from esda.getisord import G_Local

    weights = neighbour_weights(cells)
    # Read before G_Local, which adds the self-weights to the W it is given.
    neighbours = [list(weights.neighbors[i]) for i in range(len(cells))]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        gi = G_Local(y, weights, transform="B", permutations=0, star=True)
    z = np.nan_to_num(np.asarray(gi.Zs, dtype=float), nan=0.0)
    p = pseudo_p_values(y, neighbours, z, permutations=permutations, seed=seed)
    p_fdr = bh_adjust(p)
    result.cells = [
        ClusterCell(cell, float(v), float(zi), float(pi), float(qi), classify(zi, qi))
        for cell, v, zi, pi, qi in zip(cells, y, z, p, p_fdr, strict=True)
    ]
    return result


def clusters_geojson(result: ClusterResult, *, significant_only: bool = False) -> dict:
    """Return the cells as GeoJSON with gi_z, p_value, p_fdr and class."""
    cells = result.significant if significant_only else result.cells
    return {
        "type": "FeatureCollection",
        "variable": result.variable,
        "resolution": result.resolution,
        "permutations": result.permutations,
        "correction": "benjamini-hochberg",
        "explanation": explanation(result),
        "features": [
            {
                "type": "Feature",
                "id": c.cell,
                "geometry": cell_geometry(c.cell),
                "properties": c.properties(),
            }
            for c in cells
        ],
    }


def explanation(result: ClusterResult | ClusterSummary) -> str:
    """Return a plain-language Vietnamese note on what the hot/cold cells mean."""
    if isinstance(result, ClusterResult):
        result = result.summary()
    if result.variable == "kg":
        what = _("số kg rác đã thu gom được Ban Giám khảo xác nhận")
    else:
        what = _("số điểm nóng ô nhiễm được báo cáo")
    if not result.total:
        return _("Chưa có dữ liệu để phân tích cụm cho %(what)s.") % {"what": what}
    text = _(
        "Mỗi ô lục giác được so với các ô kề bên và với cả vùng phân tích theo "
        "%(what)s. Ô đỏ (điểm nóng) là nơi giá trị của ô và các ô xung quanh cao "
        "bất thường, khó có thể do ngẫu nhiên; ô xanh (điểm lạnh) là nơi thấp bất "
        "thường. Màu càng đậm, độ tin cậy càng cao (99 %%, 95 %%, 90 %%), đã hiệu "
        "chỉnh vì kiểm định nhiều ô cùng lúc (phương pháp Benjamini–Hochberg, "
        "%(permutations)s hoán vị ngẫu nhiên). Ô không tô màu không khác biệt rõ "
        "rệt — điều đó không có nghĩa là nơi đó sạch. Kết quả: %(hot)s ô nóng, "
        "%(cold)s ô lạnh trong %(total)s ô."
    )
    return text % {
        "what": what,
        "permutations": result.permutations,
        "hot": result.hot,
        "cold": result.cold,
        "total": result.total,
    }
