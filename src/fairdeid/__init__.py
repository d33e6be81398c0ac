"""fairdeid: fair and efficient de-identification of clinical text."""

from fairdeid.document import Document, Span
from fairdeid.pipeline import Pipeline, Result

__version__ = "0.1.0"
__all__ = ["Document", "Pipeline", "Result", "Span", "__version__"]
