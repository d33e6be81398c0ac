"""fairdeid as a spaCy pipeline component (extra ``fairdeid[spacy]``).

::

    import spacy
    nlp = spacy.blank("en")
    nlp.add_pipe("fairdeid", config={"detectors": ["rules"]})
    doc = nlp("Seen by Dr. Wei Zhang on 2021-03-03.")
    [(s.text, s.label_, s._.fairdeid_source) for s in doc.spans["phi"]]

The factory is registered twice on purpose: ``@Language.factory`` when this module is imported,
and the ``spacy_factories`` entry point in pyproject.toml, so an installed fairdeid is found by
``add_pipe("fairdeid")`` (and by a saved pipeline's config) without importing anything first.

What it sets, and why:

* ``doc.spans[spans_key]`` (default ``"phi"``): every PHI span fairdeid found, labels from the
  fairdeid taxonomy. This is the complete answer; use it to remove PHI.
* ``doc.ents``, when ``set_ents``: the same spans where they overlap no entity that is already
  there (another component's entities are never overwritten). A view for displaCy and
  entity-based code, not a full list of PHI.
* ``Span._.fairdeid_source`` / ``_.fairdeid_score`` / ``_.fairdeid_also``: provenance, as in
  fairdeid (``"rules:date.numeric"``, the detector's score, other detectors that agreed).

fairdeid finds character offsets; spaCy spans are made of tokens. Each offset range is widened to
the tokens it touches (``alignment_mode="expand"``), never narrowed, so a name that ends inside
a token takes the whole token with it: privacy first.

A document that a detector failed on (a remote LLM that kept timing out) raises
``DetectionFailedError`` rather than coming back with an empty ``phi`` group that would read as
"no PHI".
"""

# No ``from __future__ import annotations`` here: spaCy reads the factory's annotations at
# runtime to validate the component config.

from collections.abc import Iterable, Iterator, Sequence

from spacy.language import Language
from spacy.tokens import Doc, SpanGroup
from spacy.tokens import Span as SpacySpan
from spacy.util import filter_spans, minibatch

from fairdeid.document import Document
from fairdeid.document import Span as PhiSpan
from fairdeid.errors import ConfigError, DetectionFailedError
from fairdeid.pipeline import Pipeline

#: The name to pass to ``nlp.add_pipe``.
FACTORY = "fairdeid"
#: Span extensions set on every PHI span (``span._.fairdeid_source`` ...).
SOURCE_ATTR = "fairdeid_source"
SCORE_ATTR = "fairdeid_score"
ALSO_ATTR = "fairdeid_also"

DEFAULT_CONFIG: dict[str, object] = {
    "config": None,
    "detectors": None,
    "spans_key": "phi",
    "set_ents": True,
}


def register_extensions() -> None:
    """Declare the provenance attributes on ``spacy.tokens.Span`` (idempotent)."""
    for attr in (SOURCE_ATTR, SCORE_ATTR, ALSO_ATTR):
        if not SpacySpan.has_extension(attr):
            SpacySpan.set_extension(attr, default=None)


class FairdeidComponent:
    """Runs a fairdeid pipeline's detectors on each ``Doc`` and records what they found.

    Built by the ``"fairdeid"`` factory; construct it directly only to wrap a ``Pipeline`` you
    already have (then call it on docs yourself, outside ``nlp``).
    """

    def __init__(
        self,
        pipeline: Pipeline,
        *,
        detectors: Sequence[str] | None = None,
        spans_key: str = "phi",
        set_ents: bool = True,
    ) -> None:
        register_extensions()
        self.pipeline = pipeline
        self.detectors = list(detectors) if detectors else None
        self.spans_key = spans_key
        self.set_ents = set_ents
        unknown = [d for d in self.detectors or () if d not in pipeline.detectors]
        if unknown:  # now, not on the first document
            raise ConfigError(
                f"detectors {unknown} are not in the pipeline: {list(pipeline.detectors)}"
            )

    def __call__(self, doc: Doc) -> Doc:
        return self._annotate([doc], 0)[0]

    def pipe(self, stream: Iterable[Doc], batch_size: int = 32) -> Iterator[Doc]:
        """Batches go to the detectors together (the transformer and LLM detectors batch)."""
        offset = 0
        for batch in minibatch(stream, size=batch_size):
            yield from self._annotate(batch, offset)
            offset += len(batch)

    def _annotate(self, docs: Sequence[Doc], offset: int) -> list[Doc]:
        documents = [Document(id=f"doc-{offset + i}", text=d.text) for i, d in enumerate(docs)]
        detections = self.pipeline.detect_batch(documents, self.detectors)
        # Names the document by its position in the stream: the text never goes into errors.
        failures = {d.id: "; ".join(d.errors) for d in detections if d.errors}
        if failures:
            raise DetectionFailedError(failures, len(docs))
        for doc, detection in zip(docs, detections, strict=True):
            self._set(doc, detection.spans)
        return list(docs)

    def _set(self, doc: Doc, found: Sequence[PhiSpan]) -> None:
        spans = [s for s in (_token_span(doc, phi) for phi in found) if s is not None]
        doc.spans[self.spans_key] = SpanGroup(doc, name=self.spans_key, spans=spans)
        if self.set_ents:
            taken = list(doc.ents)
            fresh = [
                s
                for s in filter_spans(spans)
                if not any(s.start < e.end and e.start < s.end for e in taken)
            ]
            doc.set_ents(fresh, default="unmodified")


def _token_span(doc: Doc, phi: PhiSpan) -> SpacySpan | None:
    """The tokens that ``phi`` touches, with its label and provenance; ``None`` only for a
    stretch of whitespace, which no token holds and which identifies nobody."""
    span = doc.char_span(phi.start, phi.end, label=phi.label, alignment_mode="expand")
    if span is None or len(span) == 0:
        touched = [t.i for t in doc if t.idx < phi.end and phi.start < t.idx + len(t)]
        if not touched:
            return None
        span = SpacySpan(doc, touched[0], touched[-1] + 1, label=phi.label)
    span._.set(SOURCE_ATTR, phi.source)
    span._.set(SCORE_ATTR, phi.score)
    also = phi.attrs.get("also")
    span._.set(ALSO_ATTR, list(also) if also else [])
    return span


@Language.factory(
    FACTORY,
    default_config=DEFAULT_CONFIG,
    assigns=["doc.spans", "doc.ents"],
)
def make_component(
    nlp: Language,
    name: str,
    config: str | None,
    detectors: list[str] | None,
    spans_key: str,
    set_ents: bool,
) -> FairdeidComponent:
    """``config``: a pipeline TOML path (``None`` = fairdeid's default pipeline);
    ``detectors``: the detectors to run (``None`` = the config's); ``spans_key``: the
    ``doc.spans`` key; ``set_ents``: also add the spans to ``doc.ents`` where they fit."""
    pipeline = Pipeline.from_config(config, detectors=detectors)
    return FairdeidComponent(pipeline, detectors=detectors, spans_key=spans_key, set_ents=set_ents)
