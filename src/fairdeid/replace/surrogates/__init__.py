"""Realistic surrogates: one generator per PHI type, consistent per patient, dates shifted.

Layers:

* generators (``names``, ``dates``, ``contact``, ``location``, ``ids``, ``age``, ``profession``,
  with the shared helpers in ``shape``): stateless, each offering ``like(original, rng, ctx)``
  and ``fresh(rng, ctx)``; ``registry.generator_for(label)`` picks one.
* ``make_surrogate(label, original, rng, ...)``: one string in, one out. Other modules
  (synthetic notes, augmentation) use it directly.
* ``SurrogateEngine`` / ``SurrogateReplacer`` (``engine``): see the whole document and the
  patient. Every choice comes from HMAC(key, scope, label, original) (``store.py``), so the same
  name maps to the same pseudonym in every note of a patient, dates of a patient all move by one
  offset (intervals survive), and re-runs with the same key agree whatever the document order.

Shape is kept wherever it carries meaning: "J. Smith" → initial + surname, "SMITH, JOHN" stays
upper case in surname-first order, "03/04/2021" stays MM/DD/YYYY, an MRN keeps its digits and
letters where they were. Ages of 90 and over become "90+" (HIPAA Safe Harbor aggregates them;
a number would look exact when it is not); younger ages move by a small per-patient offset.
"""

from __future__ import annotations

from fairdeid.replace.surrogates.context import SurrogateContext, SurrogateGenerator
from fairdeid.replace.surrogates.dates import shift_date
from fairdeid.replace.surrogates.engine import SpanSurrogate, SurrogateEngine, SurrogateReplacer
from fairdeid.replace.surrogates.names import detect_gender
from fairdeid.replace.surrogates.registry import generator_for, make_surrogate
from fairdeid.replace.surrogates.shape import keep_shape, split_edges

__all__ = [
    "SpanSurrogate",
    "SurrogateContext",
    "SurrogateEngine",
    "SurrogateGenerator",
    "SurrogateReplacer",
    "detect_gender",
    "generator_for",
    "keep_shape",
    "make_surrogate",
    "shift_date",
    "split_edges",
]
