"""Serializer fields shared by the events APIs."""

from rest_framework import serializers


def kg_field(**kwargs) -> serializers.DecimalField:
    """Return a field for a weight in kilograms (JSON number or decimal string).

    Only "is it a finite number" here; range and precision are the services' rules
    (events.cleanups.services, events.judging.services), the same for the pages,
    whose form fields (events.judging.views) check no more than this either.
    """
    return serializers.DecimalField(max_digits=None, decimal_places=None, **kwargs)
