"""Signals the hotspot services send, for apps above this one.

hotspots imports no contest code, yet the contest's stored points depend on a
claimed hotspot's priority flag (events.results.points listens). Sent explicitly
by the service, inside its transaction: a listener's writes commit or roll back
with the change.
"""

from django.dispatch import Signal

# Sent with hotspot_ids (a list of ids) after their priority flag changed.
priority_changed = Signal()
