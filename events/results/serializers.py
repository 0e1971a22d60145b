"""The documented shapes (OpenAPI, drf-spectacular) of the leaderboards and their
breakdown lines. Descriptions only: the responses are built by the views from
events.results.explain.ShownLine.as_json, the one shape of a breakdown line.
"""

from rest_framework import serializers

from events.results.scoring import Code

JURY_ONLY = "Live leaderboard (jury roles) only."


def _decimal(**kwargs) -> serializers.DecimalField:
    return serializers.DecimalField(
        max_digits=None, decimal_places=None, coerce_to_string=True, **kwargs
    )


class BreakdownLineSerializer(serializers.Serializer):
    """One line of a score's breakdown: the same shape in the jury's and the
    public leaderboard."""

    code = serializers.ChoiceField(
        choices=[code.value for code in Code],
        help_text="What the line says; its wording depends only on it.",
    )
    params = serializers.DictField(
        help_text=(
            "The line's figures: `kg` and `factor` as decimal strings, `n` (a count "
            "of events or areas) as an integer."
        )
    )
    value = _decimal(
        help_text="Points, to the cent; for `kind` multiplier, the factor itself."
    )
    # A plain string: one more "kind" enum would rename the others' in the schema.
    kind = serializers.CharField(
        help_text="`points` (they add up) or `multiplier` (it multiplies the "
        "event's points).",
    )
    text = serializers.CharField(
        help_text="The line worded in the request's language (Accept-Language)."
    )


class ScoreEventSerializer(serializers.Serializer):
    event = serializers.IntegerField()
    title = serializers.CharField(required=False, help_text=JURY_ONLY)
    points = _decimal()
    priority_weighted_kg = _decimal(required=False, help_text=JURY_ONLY)
    lines = BreakdownLineSerializer(many=True)


class ScoreBreakdownSerializer(serializers.Serializer):
    lines = BreakdownLineSerializer(many=True, help_text="The entrant's total.")
    events = ScoreEventSerializer(
        many=True,
        required=False,
        help_text="In the public leaderboard's rows and in an entrant's breakdown; "
        "the live leaderboard's rows link to theirs (breakdown_url).",
    )


class BoardEntrantSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField(
        help_text="Public leaderboard: only with the entrant's consent to publish."
    )
    kind = serializers.CharField(required=False, help_text=JURY_ONLY)


class BoardPrizeSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    label = serializers.CharField()
    amount_vnd = serializers.IntegerField()
    amount = serializers.CharField(required=False, help_text=JURY_ONLY)


class BoardRowSerializer(serializers.Serializer):
    rank = serializers.IntegerField()
    category = serializers.CharField()
    entrant = BoardEntrantSerializer()
    score = _decimal()
    event_points = _decimal()
    coverage_bonus = _decimal()
    areas = serializers.IntegerField()
    priority_weighted_kg = _decimal()
    last_event_end = serializers.DateTimeField(
        required=False, allow_null=True, help_text=JURY_ONLY
    )
    prize = BoardPrizeSerializer(allow_null=True)
    boundary_tie = serializers.BooleanField(required=False, help_text=JURY_ONLY)
    tied_with = serializers.ListField(
        child=serializers.IntegerField(), required=False, help_text=JURY_ONLY
    )
    breakdown = ScoreBreakdownSerializer()
    breakdown_url = serializers.URLField(
        required=False,
        help_text=JURY_ONLY + " The entrant's breakdown with its events' lines.",
    )


class LeaderboardSerializer(serializers.Serializer):
    campaign = serializers.SlugField()
    note = serializers.CharField(required=False, help_text=JURY_ONLY)
    published_at = serializers.DateTimeField(
        required=False, help_text="Public leaderboard (published results) only."
    )
    count = serializers.IntegerField(help_text="Rows in all pages.")
    next = serializers.URLField(allow_null=True, help_text="The next page, or null.")
    previous = serializers.URLField(
        allow_null=True, help_text="The previous page, or null."
    )
    results = BoardRowSerializer(many=True)


class EntrantBreakdownSerializer(serializers.Serializer):
    """One entrant's breakdown: live for the jury roles, else from the published
    results."""

    campaign = serializers.SlugField()
    category = serializers.CharField()
    entrant = BoardEntrantSerializer()
    score = _decimal()
    breakdown = ScoreBreakdownSerializer()
