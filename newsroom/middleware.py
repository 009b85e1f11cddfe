"""HTTP caching headers for public pages.

Anonymous readers get `Cache-Control: public, max-age=60` (a minute of staleness at a
CDN or in a browser is acceptable for news; corrections appear within it) plus an ETag,
so a reload answers 304 without a body. Anything personal (a logged-in reader, a
moderator, the admin, a form with a CSRF token) is `private, no-cache`.
"""

from django.utils.cache import patch_cache_control, patch_vary_headers

PUBLIC_MAX_AGE = 60
NEVER_PUBLIC_PREFIXES = ("/admin/", "/preview/", "/accounts/", "/moderation/")


class PublicCacheControlMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.method not in ("GET", "HEAD") or "Cache-Control" in response:
            return response
        personal = (
            request.path.startswith(NEVER_PUBLIC_PREFIXES)
            or getattr(request, "user", None) is not None
            and request.user.is_authenticated
            or "csrftoken" in response.cookies
            or response.status_code != 200
        )
        if personal:
            patch_cache_control(response, private=True, no_cache=True)
        else:
            patch_cache_control(response, public=True, max_age=PUBLIC_MAX_AGE)
        patch_vary_headers(response, ["Cookie"])
        return response
