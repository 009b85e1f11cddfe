"""The one map of the project's layers: which of our apps may import which.

Tiers run from the bottom up. An app imports only apps in lower tiers; apps in the
same tier do not import each other (``SAME_TIER_ALLOWED`` lists the exceptions, none
today). Relations the other way are string references (``"articles.Article"``),
signals sent by the lower app, or template tags the higher app registers.

``newsroom`` (settings, URLs, sitemaps, the worker) is the project: it wires every app
together, so it sits at the top with ``api`` and ``backups`` (whole-database ops, which
import no app). ``demo`` holds the whole-site commands (``load_demo``,
``generate_corpus``) and is above every feature app, below the project.

``newsroom/tests/test_layers.py`` walks every module of every app, its tests included
(migrations aside), and fails on an import against this order; the README's "Layout" section names
the same order, which the test checks too.
"""

TIERS: tuple[tuple[str, ...], ...] = (
    ("pagecache", "accounts"),
    ("audit",),
    ("entities",),
    ("articles",),
    ("mentions",),
    ("discovery",),
    ("sources",),
    ("coverage",),
    ("search", "comments"),
    ("demo",),
    ("api",),
    ("newsroom", "backups"),
)

# Pairs (importer, imported) of one tier that may import each other; none today.
SAME_TIER_ALLOWED: frozenset[tuple[str, str]] = frozenset()

APPS: tuple[str, ...] = tuple(app for tier in TIERS for app in tier)


def tier_of(app: str) -> int:
    """The app's tier, 0 at the bottom."""
    for index, tier in enumerate(TIERS):
        if app in tier:
            return index
    raise KeyError(app)


def may_import(importer: str, imported: str) -> bool:
    """Whether a module of ``importer`` may import a module of ``imported`` (both ours)."""
    if importer == imported:
        return True
    if tier_of(imported) < tier_of(importer):
        return True
    return tier_of(imported) == tier_of(importer) and (importer, imported) in SAME_TIER_ALLOWED
