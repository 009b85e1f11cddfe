from django.db import connection

import pagecache

# Search pages offer corrected spellings from this vocabulary (raw SQL: no signals).
VOCABULARY_KEY = "list:search-terms"

# Words of headline, dek and body as plain lower-case unaccented tokens ('simple'
# config: no stemming, so corrections are real words readers recognise). Public articles
# only, judged at the statement's time: now() is the transaction's start, which may
# precede an embargo that has just passed.
RECORD_TERMS_SQL = """
INSERT INTO search_searchterm (word, documents)
SELECT word, 1
FROM articles_article AS a,
     unnest(tsvector_to_array(to_tsvector('simple', newsroom_unaccent(
         coalesce(a.headline, '') || ' ' || coalesce(a.dek, '') || ' ' || coalesce(a.body_text, '')
     )))) AS word
WHERE a.id = %s AND a.status = 'published'
  AND (a.published_at IS NULL OR a.published_at <= statement_timestamp())
  AND length(word) BETWEEN 3 AND 100 AND word !~ '^[0-9]+$'
ON CONFLICT (word) DO UPDATE SET documents = search_searchterm.documents + 1
"""

REBUILD_TERMS_SQL = """
TRUNCATE search_searchterm;
INSERT INTO search_searchterm (word, documents)
SELECT word, ndoc FROM ts_stat($$
    SELECT to_tsvector('simple', newsroom_unaccent(
        coalesce(headline, '') || ' ' || coalesce(dek, '') || ' ' || coalesce(body_text, '')))
    FROM articles_article
    WHERE status = 'published' AND (published_at IS NULL OR published_at <= statement_timestamp())
$$) WHERE length(word) BETWEEN 3 AND 100 AND word !~ '^[0-9]+$';
"""


def search_terms_record(*, article_id: int) -> None:
    """Add a public article's words to the vocabulary (counts are approximate on
    re-publish). An embargoed article adds nothing until its time: its words would
    otherwise be offered as corrections, telling readers what it is about."""
    with connection.cursor() as cursor:
        cursor.execute(RECORD_TERMS_SQL, [article_id])
    pagecache.invalidate_on_commit(VOCABULARY_KEY)


def search_terms_rebuild() -> int:
    """Recount the vocabulary from every public article (published, its time come)."""
    pagecache.invalidate_on_commit(VOCABULARY_KEY)
    with connection.cursor() as cursor:
        cursor.execute(REBUILD_TERMS_SQL)
        cursor.execute("SELECT count(*) FROM search_searchterm")
        row = cursor.fetchone()
        return int(row[0]) if row else 0
