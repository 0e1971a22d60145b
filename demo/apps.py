from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo and synthetic data for development and tests; never installed in production.

    Nothing outside demo/ and tests/ imports it: it builds its data through the
    other apps' services, as a person using the platform would (generate_data
    bulk-inserts instead, for scale, and labels its rows synthetic).
    """

    name = "demo"
