"""Importers turn outside material (seed text, saved pages, feeds, JSONL) into records.

Every format is read into the same :class:`~sources.importers.records.ArticleRecord`;
only ``sources.services`` writes records to the database.
"""
