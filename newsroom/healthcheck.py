"""Container health check: exit 0 when this machine's gunicorn answers /healthz with 200.

    python -m newsroom.healthcheck [http://127.0.0.1:8000/healthz]

It sends the Host the site expects (the first of ALLOWED_HOSTS) and says the request
came over https (as the TLS terminator would), so neither DisallowedHost (400) nor
the redirect to https (301) stands between the check and the answer. Standard
library only: it runs every few seconds, and starting Django each time would cost more
than the check.
"""

from __future__ import annotations

import os
import sys
import urllib.error
import urllib.request

DEFAULT_URL = "http://127.0.0.1:8000/healthz"


def expected_host() -> str:
    for host in os.environ.get("ALLOWED_HOSTS", "").split(","):
        host = host.strip().lstrip(".")
        if host and host != "*":
            return host
    return "localhost"


def main(argv: list[str]) -> int:
    url = argv[0] if argv else DEFAULT_URL
    request = urllib.request.Request(  # noqa: S310 - our own address
        url, headers={"Host": expected_host(), "X-Forwarded-Proto": "https"}
    )
    try:
        with urllib.request.urlopen(request, timeout=5) as response:  # noqa: S310
            status = response.status
    except urllib.error.HTTPError as error:
        status = error.code
    except OSError as error:
        print(f"healthcheck: {url}: {error}", file=sys.stderr)
        return 1
    if status != 200:
        print(f"healthcheck: {url} answered {status}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
