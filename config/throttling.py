"""Rate limits that hold across workers: one atomic counter per client and scope.

DRF's SimpleRateThrottle reads a client's history from the cache, decides, then
writes it back: requests that arrive together (on several workers or threads)
all read the same history and all pass. Here each request is one atomic step in
Redis (SET NX EX, INCR, TTL in one MULTI): a fixed window that starts at the
client's first request of the scope and lasts the rate's period, so exactly
`num_requests` requests pass in it whatever the concurrency, and the count is the
same for every worker and survives a restart.

Every throttle of the project (the API's, Open311's and the page forms') is a
subclass of these, with DRF's scopes and cache keys (`throttle_<scope>_<ident>`,
the ident the client's address per NUM_PROXIES or the user's id): a page form
and the API count against the same number.
"""

import math

from django.core.cache.backends.redis import RedisCache
from django.utils.translation import ngettext
from rest_framework.throttling import AnonRateThrottle, UserRateThrottle


def window_hit(cache, key: str, duration: int) -> tuple[int, int]:
    """Count one request in the key's window; return (count so far, seconds left)."""
    if isinstance(cache, RedisCache):
        full = cache.make_and_validate_key(key)
        client = cache._cache.get_client(full, write=True)
        pipe = client.pipeline(transaction=True)
        pipe.set(full, 0, ex=duration, nx=True)
        pipe.incr(full)
        pipe.ttl(full)
        _created, count, ttl = pipe.execute()
        return int(count), int(ttl) if ttl and ttl > 0 else duration
    # Another cache (no Redis): add and incr are each atomic in Django's backends.
    cache.add(key, 0, duration)
    try:
        count = cache.incr(key)
    except ValueError:  # expired between the two calls: a new window
        cache.add(key, 0, duration)
        count = cache.incr(key)
    return count, duration


class AtomicRateMixin:
    """allow_request/wait of SimpleRateThrottle, counted atomically (see above)."""

    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        count, self.remaining = window_hit(self.cache, self.key, self.duration)
        return count <= self.num_requests

    def wait(self):
        return max(getattr(self, "remaining", self.duration), 1)


class AtomicAnonRateThrottle(AtomicRateMixin, AnonRateThrottle):
    """Anonymous clients, by address (X-Forwarded-For trusted per NUM_PROXIES)."""


class AtomicUserRateThrottle(AtomicRateMixin, UserRateThrottle):
    """Signed-in users by id, anonymous clients by address."""


def throttled_message(wait) -> str:
    """The one sentence for a refused request, API, Open311 and pages alike."""
    seconds = max(math.ceil(wait or 1), 1)
    return ngettext(
        "Bạn đã gửi quá nhiều yêu cầu. Vui lòng thử lại sau %(wait)d giây.",
        "Bạn đã gửi quá nhiều yêu cầu. Vui lòng thử lại sau %(wait)d giây.",
        seconds,
    ) % {"wait": seconds}


def page_throttle_wait(request, throttles) -> int | None:
    """Check a page form's POST against the API's throttles (the same counters).

    Every throttle counts the request, as DRF's check_throttles does; return the
    longest wait in seconds if any refuses, None if the request may go on.
    """
    waits = [t.wait() for t in throttles if not t.allow_request(request, None)]
    return math.ceil(max(waits)) if waits else None
