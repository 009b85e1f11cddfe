"""How django-axes names the account a login attempt is for."""


def login_username(request, credentials) -> str | None:
    """The email allauth submits, or the username the admin login submits, lower-cased."""
    credentials = credentials or {}
    name = credentials.get("email") or credentials.get("username")
    if not name and request is not None:
        data = getattr(request, "POST", {})
        name = data.get("login") or data.get("username")
    return name.strip().lower() if name else None
