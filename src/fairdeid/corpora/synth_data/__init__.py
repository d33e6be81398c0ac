"""Vocabulary for the synthetic note generator (``fairdeid.corpora.synth``).

Kept as Python data (not JSON) so it ships with the package without package-data rules and loads
with the module. Nothing here is PHI: clinical phrases, drug names, eponyms and score names are
the *hard negatives* a detector must learn to leave alone.
"""
