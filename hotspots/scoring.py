"""The hotspot priority score: a pure, deterministic function of plain data.

score = mass + confirmations + recurrence + flag, where

- mass = MASS_POINTS x log10(1 + estimated kg) x the category's weight: a
  truckload counts more than a bag, but not a thousand times more; plastic weighs
  most (the plan's "large-volume plastic points"), water hyacinth next;
- confirmations = CONFIRMATION_POINTS per confirmation, up to CONFIRMATION_CAP;
- recurrence = RECURRENCE_POINTS per time a cleaned site came back;
- flag = PRIORITY_POINTS when organisers marked the site as a priority.

The weights are the HOTSPOT_SCORE setting (config/settings/base.py).
"""

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class ScoreInput:
    category: str
    estimated_kg: float
    confirmations: int
    recurrence: int
    priority: bool


@dataclass(frozen=True)
class ScorePart:
    key: str
    value: float
    explanation: str


def breakdown(data: ScoreInput, weights: dict) -> list[ScorePart]:
    """Return the parts of the score, each with a plain explanation (in English data)."""
    category_weight = weights["CATEGORY_WEIGHTS"].get(data.category, 1.0)
    mass = (
        weights["MASS_POINTS"]
        * math.log10(1 + max(data.estimated_kg, 0))
        * category_weight
    )
    confirmations = min(data.confirmations, weights["CONFIRMATION_CAP"])
    return [
        ScorePart(
            "mass",
            round(mass, 2),
            f"{weights['MASS_POINTS']} x log10(1 + {data.estimated_kg:g} kg) "
            f"x {category_weight:g} ({data.category})",
        ),
        ScorePart(
            "confirmations",
            round(confirmations * weights["CONFIRMATION_POINTS"], 2),
            f"{confirmations} x {weights['CONFIRMATION_POINTS']:g}"
            f" (cap {weights['CONFIRMATION_CAP']})",
        ),
        ScorePart(
            "recurrence",
            round(data.recurrence * weights["RECURRENCE_POINTS"], 2),
            f"{data.recurrence} x {weights['RECURRENCE_POINTS']:g}",
        ),
        ScorePart(
            "priority",
            float(weights["PRIORITY_POINTS"]) if data.priority else 0.0,
            "organisers' priority flag" if data.priority else "no priority flag",
        ),
    ]


def score(data: ScoreInput, weights: dict) -> float:
    """Return the total priority score (rounded to 2 decimals)."""
    return round(sum(part.value for part in breakdown(data, weights)), 2)
