"""Synthetic annotated clinical notes: the training data for the shipped model.

Why a generator and not a corpus: i2b2 and MIMIC are credentialed, and neither covers names from
the locales we audit. Every note here is built by *appending* pieces to a ``Builder`` that records
each PHI span's offsets as it writes it, so gold spans are exact by construction (nothing is ever
searched for afterwards, which would mislabel a surname that also occurs as an eponym).

What makes it useful for training:

* 11 note types (discharge summary, progress, nursing, radiology, pathology, ED triage, referral
  letter, consult letter, telephone encounter, medication list, lab report), each with several
  layouts (ALL-CAPS or Title Case or abbreviated headers, bullet styles, text tables, prose).
* A ``stress`` profile (``profiles``) for evaluation sets harder than real notes: 4 more note
  types (operative note, e-mail chain, medication table, face sheet) with 500+ professions in
  context, ages in every shape, institutions of many countries and hard negatives (``stress``,
  ``data/stress.toml``), then every ``noise`` transform (name order, ALL-CAPS headers, key:value,
  tables, bullets, dropped punctuation, lower-case dictation, OCR noise, hyphenated line ends),
  each of which moves the gold spans exactly.
* Patients have several notes that share ``meta.patient_id``, name, DOB, MRN and address; ages
  are computed from DOB and note date, so they agree too.
* Names come from the locale mix (``fairdeid.locales``) in many forms ("Mr. Zhang", "ZHANG, Wei",
  "Dr. W. Zhang", "Zhang Wei", occasionally lower-case or misspelt); name spans carry ``locale``
  and ``gender`` attrs for the fairness audit. A title right before a name ("Dr.", "Mr.") is
  inside the gold span where the pipeline that scores the notes puts it (``titles``: English
  "include", the language packs "keep", as ``[resolve] name_titles``; ``name_titles="keep"``
  gives the i2b2 convention). Names that are also common words are resampled most of the time.
* All 30 i2b2 fine labels occur; every AGE is labelled (i2b2 does; Safe Harbor only needs > 89).
  Family members' names are labelled PATIENT, as i2b2 does.
* Hard negatives everywhere: eponyms that are surnames (Parkinson, Foley, Wilson), doses, 5/5
  strength, BP 120/80, 2/6 murmurs, ICD codes, scores, lab tables.

Layout (imports only point down this list, so nothing here imports the generator back):

* ``generator``: ``NoteGenerator`` makes patients and hands each note a ``NoteContext``.
* ``notes``: one writer per note type, grouped by family (``letters``, ``reports``,
  ``encounters``, ``inpatient``), plus the blocks they share (``blocks``).
* ``templates``: ``{SLOT}`` sentence templates and the slot handlers that fill them.
* ``context``: ``NoteContext``, the note's house style and PHI renderers.
* ``people``: ``Person``, ``Patient`` and the maker that draws them.
* ``titles``: ``TitleConvention``, the pipeline's title step applied to each finished note.
* ``builder``: ``Builder`` (also used by the MIMIC filler).
* ``vocab`` with ``data/*.toml``: word lists and ID formats.

Places, phones and postcodes are drawn by the surrogate generators
(``fairdeid.replace.surrogates.generator_for(label).fresh``), the same code that invents them
when de-identifying.

Deterministic for a given seed, locale list and version; about 0.5 ms to 1 ms a note.

Other languages (``fairdeid generate --lang de|fr|nl|it|es``): ``lang.LangNoteGenerator`` writes
each language's own note types (Arztbrief and Befund; compte rendu d'hospitalisation and lettre de
liaison; ontslagbrief and verwijsbrief; lettera di dimissione and referto; informe de alta and
informe de urgencias) from the templates and words of ``data/<lang>/notes.toml``, through the same
``Builder`` and ``PeopleMaker``. It has its own random stream, so the English output is unchanged.
"""

from __future__ import annotations

from fairdeid.corpora.synth.builder import Builder
from fairdeid.corpora.synth.generator import (
    ALL_NOTE_TYPES,
    NOTE_TYPES,
    NoteGenerator,
    generate_notes,
)
from fairdeid.corpora.synth.lang import SYNTH_LANGUAGES, LangNoteGenerator, generate_lang_notes
from fairdeid.corpora.synth.people import Patient, Person

__all__ = [
    "ALL_NOTE_TYPES",
    "NOTE_TYPES",
    "SYNTH_LANGUAGES",
    "Builder",
    "LangNoteGenerator",
    "NoteGenerator",
    "Patient",
    "Person",
    "generate_lang_notes",
    "generate_notes",
]
