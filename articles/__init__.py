"""The editorial core: articles, sections, bylines, images and corrections, their
editorial workflow, the import seam, and the public article, section and tag pages."""
