"""Former name of :mod:`fairdeid.corpora.multicultural`, kept so existing imports keep working."""

from fairdeid.corpora.multicultural import localize_document, localize_documents

__all__ = ["localize_document", "localize_documents"]
