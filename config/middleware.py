import logging

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed
from django.db import InterfaceError, OperationalError, connections
from django.http import FileResponse
from django.middleware.locale import LocaleMiddleware
from django.utils import translation

from . import routers


class VietnameseFirstLocaleMiddleware(LocaleMiddleware):
    """Pick the language: Vietnamese unless the person chose English.

    Pages follow the language switch (its cookie) and otherwise stay in
    Vietnamese, whatever the browser's Accept-Language says (many phones in Huế
    are set to English). API clients ask with Accept-Language, as HTTP intends.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if request.path.startswith("/api/") and not chosen:
            language = translation.get_language_from_request(request)
        elif chosen and translation.check_for_language(chosen):
            language = translation.get_supported_language_variant(chosen)
        else:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()

    def process_response(self, request, response):
        # A vector tile holds codes, never words: it is the same in every
        # language, so a caching proxy keeps one copy, not one per
        # Accept-Language (TileJSON, with its translated titles, still varies).
        path = request.path_info
        if path.startswith("/tiles/") and path.endswith(".mvt"):
            return response
        return super().process_response(request, response)


logger = logging.getLogger(__name__)

# Set on the response to a write: the client's next reads stay on the primary.
PRIMARY_COOKIE = "read_primary"
WRITE_METHODS = ("POST", "PUT", "PATCH", "DELETE")


def reads_replica(request) -> bool:
    """Return whether the request's reads may be served by the read replica.

    Only a GET or HEAD of public data (a path under REPLICA_READ_PATHS and not
    under REPLICA_PRIMARY_PATHS), from an anonymous client that sent no API token
    and has not written in the last REPLICA_STICKY_SECONDS.
    """
    path = request.path_info
    return (
        request.method in ("GET", "HEAD")
        and PRIMARY_COOKIE not in request.COOKIES
        and path.startswith(tuple(settings.REPLICA_READ_PATHS))
        and not path.startswith(tuple(settings.REPLICA_PRIMARY_PATHS))
        and "HTTP_AUTHORIZATION" not in request.META
        # The session and user are read here, from the primary.
        and not request.user.is_authenticated
    )


def _on_replica(chunks):
    """Yield the chunks of a streamed response, reading the replica to make each."""
    chunks = iter(chunks)
    while True:
        with routers.replica_reads():
            chunk = next(chunks, None)
        if chunk is None:
            return
        yield chunk


class ReplicaReadsMiddleware:
    """Serve read-only public requests from the replica; keep writers on the primary.

    After a write (POST, PUT, PATCH, DELETE) the client gets a cookie that keeps
    its reads on the primary for REPLICA_STICKY_SECONDS, so "did my report land?"
    sees the report even before the replica has replayed it. Not used at all
    when no replica is configured. Must come after AuthenticationMiddleware.
    """

    def __init__(self, get_response):
        if not routers.replica_configured():
            raise MiddlewareNotUsed
        self.get_response = get_response

    def process_exception(self, request, exception):
        """A read the replica could not serve (it is down, or went away): mark it
        down for REPLICA_RETRY_SECONDS and answer from the primary instead."""
        if routers.read_alias() != routers.REPLICA or not isinstance(
            exception, OperationalError | InterfaceError
        ):
            return None
        logger.warning(
            "read replica unavailable (%s); reading the primary for %s s",
            str(exception).strip().splitlines()[0] if str(exception) else exception,
            settings.REPLICA_RETRY_SECONDS,
        )
        routers.replica_down(settings.REPLICA_RETRY_SECONDS)
        if routers.REPLICA in connections:
            connections[routers.REPLICA].close()
        match = request.resolver_match
        with routers.replica_reads(allowed=False):
            response = match.func(request, *match.args, **match.kwargs)
            if hasattr(response, "render") and callable(response.render):
                response = response.render()
        return response

    def __call__(self, request):
        if reads_replica(request):
            with routers.replica_reads():
                response = self.get_response(request)
            # A streamed body (an export) is produced after this returns.
            if response.streaming and not response.is_async:
                if not isinstance(response, FileResponse):
                    response.streaming_content = _on_replica(response.streaming_content)
        else:
            response = self.get_response(request)
        if request.method in WRITE_METHODS:
            response.set_cookie(
                PRIMARY_COOKIE,
                "1",
                max_age=settings.REPLICA_STICKY_SECONDS,
                secure=request.is_secure(),
                httponly=True,
                samesite="Lax",
            )
        return response
