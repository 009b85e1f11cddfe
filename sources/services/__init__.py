"""Every write the sources app makes: outlets, the import pipeline and the source
identity of imported articles, runs, wire copy.

Split by concern; import from ``sources.services``.
"""

from .fingerprints import articles_fingerprint, wire_verdicts_backfill, wire_verdicts_decide
from .identity import (
    article_sources_lock,
    article_sources_record,
    article_sources_resolve,
    record_source_key,
)
from .import_runs import import_run_create, import_run_execute
from .imports import (
    ImportFailure,
    ImportItemError,
    ImportReport,
    outlet_get_or_create,
    paths_import,
    read_records,
    record_import,
    records_import,
)

__all__ = [
    "ImportFailure",
    "ImportItemError",
    "ImportReport",
    "article_sources_lock",
    "article_sources_record",
    "article_sources_resolve",
    "articles_fingerprint",
    "import_run_create",
    "import_run_execute",
    "outlet_get_or_create",
    "paths_import",
    "read_records",
    "record_import",
    "record_source_key",
    "records_import",
    "wire_verdicts_backfill",
    "wire_verdicts_decide",
]
