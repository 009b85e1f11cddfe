vcl 4.1;

# Varnish 7.1 in front of Newsroom (nginx, or gunicorn directly), purging by key.
#
# Caches what our Cache-Control says may be shared (anonymous GETs: public, max-age=60)
# and nothing else: the built-in VCL already refuses responses with Set-Cookie or
# private/no-cache/no-store. Requests with a cookie (a session, a CSRF token) go to
# the site uncached. Each page carries the keys of what it shows in an "xkey" header
# (pagecache/keys.py); when a write commits, the site sends PURGE with "xkey-purge:
# <keys>" (settings.HTTP_CACHE_PURGE_URLS) and exactly the pages naming one of those
# keys are dropped; "xkey-purge: all" bans everything (deploys, renames). Readers never
# see the xkey header. X-Cache (HIT or MISS) and Age say what happened.
#
# Run: varnishd -a :6081 -f /etc/varnish/newsroom.vcl -s malloc,256m
# and set HTTP_CACHE_PURGE_URLS=http://<varnish host>:6081/ for the web and worker.

import xkey;

backend default {
    .host = "127.0.0.1";
    .port = "8000";
    .connect_timeout = 2s;
    .first_byte_timeout = 30s;
}

# Who may purge: the web processes and the task worker.
acl purgers {
    "127.0.0.1";
    "::1";
}

sub vcl_recv {
    if (req.method == "PURGE") {
        if (client.ip !~ purgers) {
            return (synth(403, "Purging is not allowed from this address"));
        }
        if (!req.http.xkey-purge) {
            return (synth(400, "PURGE needs an xkey-purge header"));
        }
        if (req.http.xkey-purge ~ "(^|\s)all(\s|$)") {
            ban("obj.status != 0");
            return (synth(200, "Banned everything"));
        }
        return (synth(200, "Purged " + xkey.purge(req.http.xkey-purge)));
    }
    if (req.method != "GET" && req.method != "HEAD") {
        return (pass);
    }
    # Logged-in readers, editors, forms: their pages are theirs alone. This also passes
    # the read-your-writes pin (the newsroom_primary cookie set after any POST), so a
    # reader who just wrote gets pages rendered from the primary, not a cached copy.
    if (req.http.Cookie || req.http.Authorization) {
        return (pass);
    }
    return (hash);
}

sub vcl_deliver {
    if (obj.hits > 0) {
        set resp.http.X-Cache = "HIT";
    } else {
        set resp.http.X-Cache = "MISS";
    }
    unset resp.http.xkey;
}
