# ruff: noqa: E501  (sentence templates read better unwrapped)
"""An e-mail chain pasted into a note: headers with names and addresses, quoted replies ("> "),
signatures and a forwarded message, newest first.
"""

from __future__ import annotations

import re

from fairdeid.corpora.synth.context import NoteContext
from fairdeid.corpora.synth.people import Person
from fairdeid.corpora.synth.templates import render, say
from fairdeid.replace.surrogates.shape import to_ascii

_BODIES = [
    "Could you see {PT_TITLE} ({MRN}) this week? {AGE_ANY}, {COND}.",
    "Labs from {DATE_RECENT}: {LAB}, {LAB}. I think we can hold the {DRUG_NAME}.",
    "{HIS_CAP} {REL_BOTH} called again and can be reached at {PHONE}.",
    "{PT_FIRST} is a {PROF_ANY} and cannot come in before {WEEKDAY}.",
    "Happy to. I have a slot on {DATE_FUT} at {TIME} in {DEPT}.",
    "FYI the referral to {INST} went out today; fax {FAX}.",
    "{NEG}",
    "{NEG}",
    "Pt moved to {ADDR}; please update the chart.",
    "Thanks - I spoke with {PT} and {HE} agrees. {PROF_SENTENCE}",
    "Please forward the discharge summary to {DOC} at {OTHER_HOSP}.",
    "The portal account {PORTAL} is locked again.",
]


def _address(ctx: NoteContext, person: Person) -> None:
    slug = re.sub(r"[^a-z0-9]+", "", to_ascii(ctx.patient.hospital).lower())[:12] or "hospital"
    first, last = to_ascii(person.first).lower(), to_ascii(person.last).lower()
    user = ctx.rng.choice((f"{first}.{last}", f"{first[:1]}{last}", f"{last}{first[:1]}"))
    ctx.phi(f"{user or 'staff'}@{slug}.org", "EMAIL")


def _header(ctx: NoteContext, sender: Person, to: Person, quoted: str) -> None:
    rng = ctx.rng
    ctx.raw(f"{quoted}From: ")
    ctx.name(sender, "DOCTOR", rng.choice(("full", "last_comma", "full")), title=False)
    ctx.raw(" <")
    _address(ctx, sender)
    ctx.raw(f">\n{quoted}Sent: ")
    render(ctx, "{WEEKDAY}, {DATE} {TIME}\n")
    ctx.raw(f"{quoted}To: ")
    ctx.name(to, "DOCTOR", rng.choice(("full", "last_comma")), title=False)
    ctx.raw(" <")
    _address(ctx, to)
    ctx.raw(">\n")
    if rng.random() < 0.5:
        ctx.raw(f"{quoted}Cc: ")
        ctx.name(rng.choice(ctx.patient.staff), "DOCTOR", "full", title=False)
        ctx.raw("\n")
    ctx.raw(f"{quoted}Subject: {'RE: ' if quoted else ''}")
    render(ctx, rng.choice(("{PT_COMMA} - {CC}", "pt {PT} f/u", "Referral: {PT}")))
    ctx.raw("\n\n")


def email_chain(ctx: NoteContext) -> None:
    rng = ctx.rng
    render(ctx, rng.choice(("E-mail correspondence copied into chart by {USER}\n\n", "Pasted email:\n\n", "")))
    people = list(ctx.patient.doctors)
    hops = rng.randint(2, 3)
    for hop in range(hops):
        quoted = "> " * min(hop, 2) if rng.random() < 0.6 else ""
        if hop:
            ctx.raw(rng.choice(("\n-----Original Message-----\n", "\n---------- Forwarded message ---------\n", "\n")))
        sender, to = rng.sample(people, 2) if len(people) > 1 else (people[0], people[0])
        _header(ctx, sender, to, quoted)
        for _ in range(rng.randint(1, 3)):
            ctx.raw(quoted)
            say(ctx, _BODIES)
            ctx.raw("\n")
        ctx.raw(quoted + rng.choice(("Thanks,\n", "Best,\n", "Regards,\n")) + quoted)
        ctx.name(sender, "DOCTOR", rng.choice(("first", "full", "initials")), title=False)
        ctx.raw("\n")
