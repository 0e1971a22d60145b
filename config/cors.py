"""CORS for the public read-only surface (django-cors-headers, settings CORS_*).

The library enables CORS by URL (CORS_URLS_REGEX) whatever the method; this
subclass also requires a read (GET, HEAD, or an OPTIONS preflight). A
preflight for anything else is answered without permission (the methods
allowed are GET, HEAD and OPTIONS only), and a response to a write never
carries Access-Control-Allow-Origin, so a page on another origin can neither
send a write that needs a preflight nor read the answer to a simple one.
"""

from corsheaders.middleware import CorsMiddleware

READ_METHODS = ("GET", "HEAD", "OPTIONS")


class PublicReadCorsMiddleware(CorsMiddleware):
    def is_enabled(self, request) -> bool:
        return request.method in READ_METHODS and super().is_enabled(request)
