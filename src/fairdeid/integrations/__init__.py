"""fairdeid inside other tools' pipelines: a spaCy component and a Presidio recognizer.

Each adapter lives in its own module and imports its tool there, so ``import fairdeid`` never
needs spaCy or Presidio. Install the matching extra: ``fairdeid[spacy]`` or ``fairdeid[presidio]``.
"""
