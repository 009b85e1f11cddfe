"""Keep each article's search vector in its row, and give the planner its word counts.

Search reads the newest articles and tests each against the query, and ranks the ones
it keeps, so the vector is read for every article it looks at. A stored vector of a
few kilobytes went to the TOAST table (the default for a wide column once the row
passes 2 kB), which made every test a TOAST index look-up and one or two more page
reads: 4 to 5 reads an article instead of 1 (a common word at 1M articles: 282 ms
instead of 12 ms for the same 7,700 articles). STORAGE MAIN keeps it in the row
(compressed if need be; out of line only past about 8 kB) and moves the body and its
text, which search never reads, out of line first.

Rows written before this migration keep their layout until they are saved again. The
newest articles, which search reads first, are the ones written next; to rewrite the
rest at once run `VACUUM FULL articles_article` (about 2 minutes at 1M articles here,
under an exclusive lock) or pg_repack.

Statistics: a stored generated column gets none until the table is analysed again, and
autovacuum analyses only after a tenth of the rows change. Until then the planner
guesses that every word matches 0.5 % of articles and collects every match of a common
word through the GIN index (2.3 s instead of 15 ms at 1M articles). With the default
target the planner knows the 1,000 most common words; search.selectors decides how to
collect matches from its estimates, so the target is raised to know 10,000 (words down
to about 0.1 % of articles). ANALYZE then samples 300,000 rows.
"""

from django.db import migrations

TABLE_COLUMN = "ALTER TABLE articles_article ALTER COLUMN search_vector"


class Migration(migrations.Migration):
    dependencies = [("articles", "0008_public_list_indexes")]

    operations = [
        migrations.RunSQL(
            f"{TABLE_COLUMN} SET STORAGE MAIN", f"{TABLE_COLUMN} SET STORAGE EXTENDED"
        ),
        migrations.RunSQL(
            f"{TABLE_COLUMN} SET STATISTICS 1000", f"{TABLE_COLUMN} SET STATISTICS -1"
        ),
        # Statistics only: nothing to undo.
        migrations.RunSQL("ANALYZE articles_article", migrations.RunSQL.noop),
    ]
