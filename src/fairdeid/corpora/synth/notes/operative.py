# ruff: noqa: E501  (sentence templates read better unwrapped)
"""Operative note: surgeon, assistants and anaesthetist in key:value lines, then a narrative
full of eponymous devices and drains (hard negatives) around a few names and dates.
"""

from __future__ import annotations

from fairdeid.corpora.synth.context import NoteContext
from fairdeid.corpora.synth.notes.blocks import signature
from fairdeid.corpora.synth.templates import render, say

_NARRATIVE = [
    "The patient was brought to OR {ROOM} and placed supine. After induction of general anesthesia, a Foley catheter was placed.",
    "A time-out was performed confirming patient {PT}, procedure and site.",
    "The abdomen was prepped and draped in the usual sterile fashion.",
    "A 19-French Jackson-Pratt drain was left in the pelvis and secured with 2-0 nylon.",
    "Hemostasis was obtained with the Bovie and a LigaSure device.",
    "The fascia was closed with running 0 PDS; skin with 4-0 Monocryl and Steri-Strips.",
    "{DOC_NT} (resident) assisted throughout; {STAFF} was the scrub nurse.",
    "Frozen section was sent to {DEPT} and called back by {DOC} as benign.",
    "The family ({REL_BOTH}) was updated in the waiting room at {TIME}.",
    "Implant: {DEV}, lot per implant log.",
    "{NEG}",
    "{NEG}",
    "Sponge and needle counts were correct x2.",
    "Pt tolerated the procedure well and was taken to PACU in stable condition.",
]


def operative_note(ctx: NoteContext) -> None:
    rng = ctx.rng
    render(ctx, rng.choice(("OPERATIVE REPORT\n", "Operative Note - {INST}\n", "OP NOTE\n{HOSP}\n")))
    render(ctx, "Patient: {PT_COMMA}   MRN: {MRN}   DOB: {DOB}   {AGE_ANY}\n")
    render(ctx, "Date of surgery: {DATE}\nSurgeon: {ATT}\nAssistant: {DOC_NT}\nAnesthesia: {DOC}, general endotracheal\n")
    render(ctx, "Preoperative diagnosis: {COND}\nPostoperative diagnosis: same\nProcedure: {PROC}\n\n")
    ctx.section("hpi")
    render(ctx, "{PT_TITLE}: {AGE_ANY}, {CONDS}; referred by {DOC} from {INST}. {PROF_SENTENCE}\n")
    ctx.raw("\nDescription of procedure:\n")
    say(ctx, _NARRATIVE, rng.randint(5, 9), sep=" " if rng.random() < 0.5 else "\n")
    ctx.raw(f"\n\nEBL: {rng.randint(5, 60) * 10} mL. Complications: none. Specimens: to pathology.\n")
    render(ctx, "Dispo: PACU, then {WARD}. Follow-up in clinic {DATE_FUT}.\n")
    signature(ctx)
