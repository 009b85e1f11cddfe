"""Database pieces of full-text search that the Article model itself needs.

PostgreSQL's unaccent() is not IMMUTABLE (its dictionary could change), so it cannot
appear in a stored generated column or an index. Migration 0007 creates
newsroom_unaccent(), an IMMUTABLE wrapper with the dictionary pinned, as is usual.
"""

from django.db.models import Func, TextField


class Unaccented(Func):
    """newsroom_unaccent(text): "Sergéi" → "Sergei"; for the stored search vector."""

    function = "newsroom_unaccent"
    output_field = TextField()


CREATE_UNACCENT_FUNCTION = """
CREATE OR REPLACE FUNCTION newsroom_unaccent(text) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE STRICT
AS $$ SELECT public.unaccent('public.unaccent'::regdictionary, $1) $$;
"""
DROP_UNACCENT_FUNCTION = "DROP FUNCTION IF EXISTS newsroom_unaccent(text);"
