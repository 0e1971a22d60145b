"""Documented defaults a campaign starts with (organisers edit them per campaign)."""

# Scoring weights, used by the judging issue (events/scoring.py). Points per
# verified kilogram by waste type; multipliers for priority sites and estimates;
# a bonus per distinct area (at the campaign's coverage level) an entrant cleaned.
SCORING = {
    "points_per_kg": {"plastic": 3.0, "water_hyacinth": 1.0, "other": 1.0},
    "priority_multiplier": 1.5,
    "estimated_multiplier": 0.8,
    "coverage_bonus_per_area": 20.0,
}

# Plausibility thresholds: flags for the jury, never automatic rejections.
PLAUSIBILITY = {
    # kg collected per participant per hour above which an event is flagged
    "max_kg_per_participant_hour": 25.0,
    # an entrant whose events repeat the same round weight this many times
    "repeated_round_weight_count": 3,
    # event location farther than this from a hotspot it claims to have cleaned
    "max_hotspot_distance_m": 300.0,
    # total weight above this multiple of the claimed hotspots' size-class maximum
    "max_weight_over_size_class": 3.0,
    # perceptual-hash distance at or below which two photos count as the same
    "photo_hash_distance": 6,
}

# The 2024 prize table from plan 1518/KH-STTTT (VND).
PRIZES_2024 = [
    # category, rank, label, count, amount (VND)
    ("collective", 1, "Giải Nhất", 1, 3_000_000),
    ("collective", 2, "Giải Nhì", 2, 2_000_000),
    ("collective", 3, "Giải Ba", 2, 1_500_000),
    ("collective", 4, "Giải Khuyến khích", 10, 1_000_000),
    ("individual", 1, "Giải cá nhân", 5, 1_000_000),
]


def scoring_defaults() -> dict:
    return {**SCORING, "points_per_kg": dict(SCORING["points_per_kg"])}


def plausibility_defaults() -> dict:
    return dict(PLAUSIBILITY)
