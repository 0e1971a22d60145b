"""Signals the contest sends for others to act on (notifications connect here).

Both are sent after the transaction that recorded the change has committed, so a
receiver never sees a request that was rolled back.

event_needs_info: the jury asked the team for more information.
    sender=EventInfoRequest, info_request=<EventInfoRequest>, event=<CleanupEvent>
event_info_supplied: the team answered; the event is back in the jury's queue.
    sender=EventInfoRequest, info_request=<EventInfoRequest>, event=<CleanupEvent>
"""

from django.dispatch import Signal

event_needs_info = Signal()
event_info_supplied = Signal()
