# ruff: noqa: E501  (sentence templates read better unwrapped)
"""Short encounters: ED triage, telephone encounter, medication list / prescription.
"""

from __future__ import annotations

from fairdeid.corpora.synth.context import NoteContext
from fairdeid.corpora.synth.notes.blocks import meds_list
from fairdeid.corpora.synth.templates import render, say


def ed_triage(ctx: NoteContext) -> None:
    rng = ctx.rng
    render(ctx, rng.choice(("ED TRIAGE NOTE\n", "Emergency Department Triage - {HOSP}\n", "TRIAGE\n")))
    render(
        ctx,
        rng.choice(
            (
                "Arrival: {DATE} {TIME} via {ARRIVAL}\n",
                "Arrived {DATE} at {TIME}, {ARRIVAL}\n",
            )
        ),
    )
    render(ctx, "Pt: {PT_COMMA}  Age: {AGE_N}  MRN: {MRN}\n")
    ctx.raw(f"Acuity: ESI {rng.randint(1, 5)}\n")
    render(ctx, "CC: {CC}\n")
    render(ctx, "VS: {VITALS}\nPain {PAIN}/10\n")
    say(
        ctx,
        [
            "Pt states symptoms started {WEEKDAY} night.",
            "Brought in by {HIS} {REL_BOTH} (ph {PHONE}).",
            "Found down at {LANDMARK}; GCS 14 on scene.",
            "MVC, restrained driver, airbag deployment. Car reg {PLATE}, VIN {VIN}.",
            "Hx {CONDS}.",
            "Takes {DRUG}.",
            "Insurance: {PLAN}.",
            "SSN on file: {SSN}.",
            "Lives at {ADDR}.",
            "Assigned to bed {ROOM}, {DEPT}.",
            "Recently returned from {COUNTRY}.",
            "EMS: found by neighbor at {ADDR}.",
            "Pt is a {PROF}, injured at work ({ORG}).",
            "PCP: {DOC}, {SITE_PHONE}.",
            "Pt in {HIS} {AGE_DECADE}, lives alone.",
            "Hx obtained from {HIS} {REL_BOTH} by phone.",
            "Allergic to penicillin (hives).",
            "Last tetanus {YEAR}.",
        ],
        rng.randint(3, 6),
        sep="\n",
    )
    render(ctx, rng.choice(("\nTriage RN: {STAFF}\n", "\n-- {USER}\n")))


def telephone_encounter(ctx: NoteContext) -> None:
    rng = ctx.rng
    render(ctx, rng.choice(("TELEPHONE ENCOUNTER\n", "Phone Note\n", "Telephone Call - {DEPT}\n")))
    render(ctx, "Date: {DATE} {TIME}\nCaller: ")
    if rng.random() < 0.5:
        render(ctx, "{PT} (self)\n")
    else:
        render(ctx, "{REL_BOTH}\n")
    render(ctx, "Callback #: {PHONE}\nPatient: {PT_COMMA}   DOB: {DOB}   MRN: {MRN}\n\n")
    say(
        ctx,
        [
            "Pt called stating {HE} has had {CC} since {WEEKDAY}.",
            "Requests refill of {DRUG}.",
            "Message received via patient portal (user {PORTAL}, IP {IP}) asking about lab results from {DATE_RECENT}.",
            "Advised to go to the ED at {HOSP} if symptoms worsen.",
            "Pharmacy: {PHARMACY}, fax {FAX}.",
            "Discussed with {DOC}, who recommended {PLAN_ITEM}",
            "Pt verbalized understanding. Will call back on {DATE_FUT}.",
            "Pt asked that results be emailed to {EMAIL}.",
            "Insurance ({PLAN}) requires prior authorization; reference #{IDNUM}.",
            "Billing question about account {ACCT}; forwarded to patient financial services.",
            "Pt given the portal link {URL} to view results.",
            "Pt requested a copy of records; identity verified with DOB {DOB} and last 4 of SSN.",
            "Pt's {REL} asked about the {SCORE} result.",
        ],
        rng.randint(3, 6),
    )
    render(
        ctx,
        rng.choice(
            ("\n\nCall taken by {USER}\n", "\n\n-- {STAFF}, RN ({USER})\n", "\n\nRouted to {ATT}\n")
        ),
    )


def medication_list(ctx: NoteContext) -> None:
    rng = ctx.rng
    render(
        ctx,
        rng.choice(
            (
                "MEDICATION RECONCILIATION\n",
                "Prescription\n",
                "Active Medication List\n",
                "Rx - {HOSP}\n",
            )
        ),
    )
    render(
        ctx,
        rng.choice(
            (
                "Patient: {PT_COMMA}   DOB: {DOB}   MRN: {MRN}\n",
                "{PT} | {AGE_N} y | {ADDR}\n",
                "Name: {PT}\nAddress: {ADDR_BLOCK}\nPhone: {PHONE}\n",
            )
        ),
    )
    render(ctx, "Date: {DATE}\nPrescriber: {ATT}, DEA# {LIC}\nInsurance ID: {PLAN}\n\n")
    meds_list(ctx)
    ctx.raw(
        rng.choice(
            (
                "\nSig: take 1/2 tab PO daily for 7 days then 1 tab daily. Disp #30, refills x2.\n",
                "\nHold metoprolol if SBP < 100 or HR < 55.\n",
                "\nPatient counseled on warfarin-food interactions; INR check in 1 week.\n",
                "\nDispense as written. 0 refills.\n",
            )
        )
    )
    render(
        ctx,
        rng.choice(
            (
                "\nPharmacy: {PHARMACY}, {SITE_CITY}, tel {SITE_PHONE}\n",
                "\nSent electronically to {PHARMACY} by {USER}\n",
                "\n",
            )
        ),
    )
