"""Note writers, one per note type, grouped by family; ``WRITERS`` maps each type to its writer.

A writer takes a ``NoteContext`` and writes one note through it (templates, blocks, items). The
order of ``WRITERS`` is the order of ``NOTE_TYPES``, which the generator draws from: it is part of
the output for a seed. ``EXTRA_WRITERS`` are the note types added for the stress profile.
"""

from __future__ import annotations

from collections.abc import Callable

from fairdeid.corpora.synth.context import NoteContext
from fairdeid.corpora.synth.notes.email import email_chain
from fairdeid.corpora.synth.notes.encounters import ed_triage, medication_list, telephone_encounter
from fairdeid.corpora.synth.notes.inpatient import discharge_summary, nursing_note, progress_note
from fairdeid.corpora.synth.notes.letters import consult_letter, referral_letter
from fairdeid.corpora.synth.notes.operative import operative_note
from fairdeid.corpora.synth.notes.reports import lab_report, pathology_report, radiology_report
from fairdeid.corpora.synth.notes.tables import face_sheet, medication_table

WRITERS: dict[str, Callable[[NoteContext], None]] = {
    "discharge_summary": discharge_summary,
    "progress_note": progress_note,
    "nursing_note": nursing_note,
    "radiology_report": radiology_report,
    "pathology_report": pathology_report,
    "ed_triage": ed_triage,
    "referral_letter": referral_letter,
    "consult_letter": consult_letter,
    "telephone_encounter": telephone_encounter,
    "medication_list": medication_list,
    "lab_report": lab_report,
}

#: Note types only the ``stress`` profile draws (after the ones above), or that ``note_types=``
#: asks for by name. Kept apart so that the default profile's draws, and so its notes for a
#: seed, do not change.
EXTRA_WRITERS: dict[str, Callable[[NoteContext], None]] = {
    "operative_note": operative_note,
    "email_chain": email_chain,
    "medication_table": medication_table,
    "face_sheet": face_sheet,
}
