"""fairdeid: fair and efficient de-identification of clinical text."""

from importlib import metadata as _metadata

from fairdeid.document import Document, Span
from fairdeid.pipeline import Pipeline, Result

#: Shown when fairdeid runs from a source tree that was never installed (no package metadata).
UNKNOWN_VERSION = "0+unknown"


def _installed_version() -> str:
    """The version comes from one place, pyproject.toml, through the installed metadata, so
    ``fairdeid --version``, ``fairdeid.__version__`` and the wheel can never disagree."""
    try:
        return _metadata.version("fairdeid")
    except _metadata.PackageNotFoundError:
        return UNKNOWN_VERSION


__version__ = _installed_version()
__all__ = ["Document", "Pipeline", "Result", "Span", "__version__"]
