# ruff: noqa: E501  (sentence templates read better unwrapped)
"""Note writers and sentence templates for the synthetic generator.

Templates are strings with ``{SLOT}`` markers; ``render`` splits them once (cached) and calls a
slot handler per marker, which appends plain text or a PHI span through the note context. So a
template can never produce a span whose offsets were not recorded while writing it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache, partial

from fairdeid.corpora.synth_data import vocab as V
from fairdeid.corpora.synth_data.context import (
    LICENSE_FORMATS,
    NoteContext,
    ascii_fold,
)
from fairdeid.locales import fill_format

Handler = Callable[[NoteContext], None]

# --------------------------------------------------------------------------------------------
# Slot handlers
# --------------------------------------------------------------------------------------------


def _phi_attr(attr: str, label: str) -> Handler:
    return lambda c: c.phi(str(getattr(c.patient, attr)), label)


def _rel_name(c: NoteContext) -> None:
    rel, person = c.rng.choice(c.patient.relatives)
    c.name(person, "PATIENT", c.rng.choice(("full", "full", "first", "title_last", "full_middle")))


def _rel_word(c: NoteContext) -> None:
    c.raw(c.patient.relatives[0][0])


def _rel_both(c: NoteContext) -> None:
    rel, person = c.rng.choice(c.patient.relatives)
    c.raw(f"{rel} ")
    c.name(person, "PATIENT", c.rng.choice(("full", "first", "full")))


def _other_hospital(c: NoteContext) -> None:
    pool = c.any_pool()
    c.phi(c.rng.choice(pool.hospitals), "HOSPITAL")


def _country(c: NoteContext) -> None:
    if c.rng.random() < 0.5:
        c.phi(c.patient.country, "COUNTRY")
    else:
        c.phi(c.any_pool().country, "COUNTRY")


def _city_other(c: NoteContext) -> None:
    pool = c.any_pool()
    c.phi(c.rng.choice(pool.cities), "CITY")


def _weekday(c: NoteContext) -> None:
    c.phi(V.WEEKDAYS[c.day.weekday()] if c.rng.random() < 0.5 else c.rng.choice(V.WEEKDAYS), "DATE")


def _lab(c: NoteContext) -> None:
    lab = c.rng.choice(V.LABS)
    c.raw(f"{lab[0]} {c.lab_value(lab)}")


def _icd(c: NoteContext) -> None:
    code, desc = c.rng.choice(V.ICD_CODES)
    c.raw(c.rng.choice((f"{desc} ({code})", f"{code} {desc}", f"{desc}, ICD-10 {code}")))


def _email(c: NoteContext) -> None:
    c.phi(c.patient.email, "EMAIL")


def _doc_email(c: NoteContext) -> None:
    d = c.attending
    slug = re.sub(r"[^a-z0-9]+", "", ascii_fold(c.patient.hospital).lower())[:12] or "hospital"
    c.phi(f"{ascii_fold(d.first[:1] + d.last).lower()}@{slug}.org", "EMAIL")


def _dea(c: NoteContext) -> None:
    c.phi(fill_format(c.rng.choice(LICENSE_FORMATS), c.rng), "LICENSE")


def _n(lo: int, hi: int) -> Handler:
    return lambda c: c.raw(str(c.rng.randint(lo, hi)))


def _pick(options: list[str] | tuple[str, ...]) -> Handler:
    return lambda c: c.raw(c.rng.choice(options))


def _age_rel(c: NoteContext) -> None:
    c.phi(str(c.rng.randint(45, 96)), "AGE")


SLOTS: dict[str, Handler] = {
    "PT": lambda c: c.pt(),
    "PT_FULL": lambda c: c.pt("full"),
    "PT_TITLE": lambda c: c.pt("title_last"),
    "PT_FIRST": lambda c: c.pt("first"),
    "PT_COMMA": lambda c: c.pt(c.rng.choice(("last_comma", "caps_comma"))),
    "DOC": lambda c: c.doc(),
    "ATT": lambda c: c.doc(c.attending),
    "DOC_NT": lambda c: c.name(c.rng.choice(c.patient.doctors), "DOCTOR", "full"),
    "STAFF": lambda c: c.name(
        c.rng.choice(c.patient.staff), "DOCTOR", c.rng.choice(("full", "first", "full"))
    ),
    "AGE": lambda c: c.age_phrase(),
    "AGE_N": lambda c: c.phi(str(c.age), "AGE"),
    "AGE_REL": _age_rel,
    "SEX": lambda c: c.raw(c.sex_word),
    "HE": lambda c: c.raw(c.he),
    "HIS": lambda c: c.raw(c.his),
    "HE_CAP": lambda c: c.raw(c.he.capitalize()),
    "HIS_CAP": lambda c: c.raw(c.his.capitalize()),
    "CONDS": lambda c: c.raw(", ".join(c.conds(c.rng.randint(2, 4)))),
    "COND": lambda c: c.raw(c.rng.choice(V.CONDITIONS)),
    "CC": lambda c: c.raw(c.rng.choice(V.COMPLAINTS)),
    "DAYS": _n(1, 14),
    "N": _n(2, 6),
    "DATE": lambda c: c.date(),
    "DATE_PAST": lambda c: c.rel_date(c.rng.randint(60, 3000)),
    "DATE_RECENT": lambda c: c.rel_date(c.rng.randint(1, 12)),
    "DATE_SHORT": lambda c: c.rel_date(c.rng.randint(1, 900), short=True),
    "DATE_FUT": lambda c: c.rel_date(-c.rng.randint(7, 90)),
    "YEAR": lambda c: c.phi(str(c.day.year - c.rng.randint(1, 15)), "DATE"),
    "DOB": lambda c: c.date(c.patient.dob),
    "WEEKDAY": _weekday,
    "HOLIDAY": lambda c: c.phi(c.rng.choice(V.HOLIDAYS), "DATE"),
    "HOSP": lambda c: c.hospital(),
    "OTHER_HOSP": _other_hospital,
    "CITY": _phi_attr("city", "CITY"),
    "SITE_CITY": _phi_attr("site_city", "CITY"),
    "CITY_OTHER": _city_other,
    "STATE": _phi_attr("state", "STATE"),
    "COUNTRY": _country,
    "STREET": _phi_attr("street", "STREET"),
    "ZIP": _phi_attr("zip", "ZIP"),
    "ADDR": lambda c: c.address_block(one_line=True),
    "ADDR_BLOCK": lambda c: c.address_block(one_line=False),
    "DRUG": lambda c: c.raw(c.drug()),
    "DRUG_NAME": lambda c: c.raw(c.rng.choice(V.DRUGS)[0]),
    "VITALS": lambda c: c.raw(c.vitals()),
    "SCORE": lambda c: c.raw(c.score()),
    "EXAM": lambda c: c.raw(c.rng.choice(V.EXAM_FINDINGS)),
    "PROC": lambda c: c.raw(c.rng.choice(V.PROCEDURES)),
    "REL": _rel_word,
    "REL_NAME": _rel_name,
    "REL_BOTH": _rel_both,
    "PROF": lambda c: c.phi(c.patient.profession, "PROFESSION"),
    "ORG": lambda c: c.org(),
    "LANDMARK": lambda c: c.landmark(),
    "ROOM": lambda c: c.room(),
    "DEPT": lambda c: c.dept(),
    "PHONE": lambda c: c.phi(c.patient.phone, "PHONE"),
    "SITE_PHONE": lambda c: c.phone("PHONE"),
    "FAX": lambda c: c.phone("FAX"),
    "EMAIL": _email,
    "DOC_EMAIL": _doc_email,
    "URL": lambda c: c.url(),
    "IP": lambda c: c.ip(),
    "SSN": _phi_attr("ssn", "SSN"),
    "MRN": _phi_attr("mrn", "MEDICALRECORD"),
    "PLAN": _phi_attr("healthplan", "HEALTHPLAN"),
    "ACCT": _phi_attr("account", "ACCOUNT"),
    "LIC": _dea,
    "DL": _phi_attr("drivers_license", "LICENSE"),
    "PLATE": _phi_attr("license_plate", "VEHICLE"),
    "VIN": _phi_attr("vin", "VEHICLE"),
    "DEV": _phi_attr("device_sn", "DEVICE"),
    "BIO": _phi_attr("bioid", "BIOID"),
    "IDNUM": lambda c: c.idnum(),
    "USER": lambda c: c.staff_username(),
    "PORTAL": _phi_attr("portal_user", "USERNAME"),
    "ICD": _icd,
    "LAB": _lab,
    "PAIN": _n(0, 10),
    "TIME": lambda c: c.raw(
        f"{c.rng.randint(0, 23):02d}:{c.rng.choice(('00', '15', '30', '45', '12', '52'))}"
    ),
    "ROS": lambda c: c.raw(", ".join(c.rng.sample(V.ROS_ITEMS, c.rng.randint(3, 6)))),
    "PLAN_ITEM": lambda c: c.raw(c.rng.choice(V.PLAN_ITEMS)),
    "NURSE_OBS": lambda c: c.raw(c.rng.choice(V.NURSING_OBS)),
    "SMOKE": _pick(
        (
            "Never smoker.",
            "Former smoker, quit 10 years ago, 20 pack-years.",
            "Current smoker, 1/2 ppd.",
            "Denies tobacco, EtOH socially.",
            "Drinks 2-3 beers/week; no illicit drugs.",
            "Quit smoking; no IVDU.",
        )
    ),
}

_SLOT_RE = re.compile(r"\{([A-Z_]+)\}")


@lru_cache(maxsize=4096)
def _parse(template: str) -> tuple[tuple[bool, str], ...]:
    out: list[tuple[bool, str]] = []
    pos = 0
    for m in _SLOT_RE.finditer(template):
        if m.start() > pos:
            out.append((False, template[pos : m.start()]))
        if m.group(1) not in SLOTS:
            raise KeyError(f"unknown template slot {m.group(1)}")
        out.append((True, m.group(1)))
        pos = m.end()
    if pos < len(template):
        out.append((False, template[pos:]))
    return tuple(out)


def render(c: NoteContext, template: str) -> None:
    """Write ``template``, calling a slot handler per ``{SLOT}``."""
    for is_slot, value in _parse(template):
        if is_slot:
            SLOTS[value](c)
        else:
            c.add(value)


def say(c: NoteContext, templates: list[str], k: int = 1, sep: str = " ") -> None:
    """Render ``k`` distinct templates from ``templates``, separated by ``sep``."""
    for i, t in enumerate(c.rng.sample(templates, min(k, len(templates)))):
        if i:
            c.raw(sep)
        render(c, t)


# --------------------------------------------------------------------------------------------
# Sentence pools
# --------------------------------------------------------------------------------------------

HPI_OPEN = [
    "{PT} is a {AGE} {SEX} with a history of {CONDS} who presents with {CC} x {DAYS} days.",
    "{PT_TITLE} is a {AGE} {SEX} with PMH significant for {CONDS}, presenting with {CC}.",
    "Pt is a {AGE} {SEX} w/ {CONDS} p/w {CC} since {WEEKDAY}.",
    "This is a {AGE} {SEX} ({PT}) with {CONDS} referred from {OTHER_HOSP} for {CC}.",
    "{PT} ({AGE_N}{MF}) was brought in by EMS from home in {CITY} after {CC}.",
    "{AGE} {SEX} known to {DEPT} with {COND}, admitted on {DATE} with {CC}.",
    "{PT_TITLE}, a {AGE} {PROF} with {CONDS}, reports {CC} that started on {DATE_RECENT}.",
    "Patient {PT} is {AGE_N} years old and has {COND}; {HE} presented to the ED on {DATE} with {CC}.",
    "{PT_FIRST} is a pleasant {AGE} {SEX} with {CONDS} who comes in today for {CC}.",
    "{AGE} yo {SEX}, hx {CONDS}, transferred from {OTHER_HOSP} on {DATE_RECENT} for further management of {CC}.",
    "{PT} is a {AGE_N} y.o. {SEX} seen in {DEPT} clinic for {CC}.",
    "The patient, {PT}, is a {AGE} retired {PROF} who lives in {CITY}, {STATE} and presents with {CC}.",
    "{PT_COMMA} is a {AGE} {SEX} who was in {HIS} usual state of health until {WEEKDAY}, when {HE} developed {CC}.",
    "Briefly, {PT_TITLE} is a {AGE} {SEX} with {CONDS} who was sent in by {HIS} PCP, {DOC}, for {CC}.",
    "{AGE} {SEX} ({PT_FIRST}) w/ hx of {COND} and {COND}, here w/ {CC} x{DAYS}d.",
    "{PT_FULL}, {AGE_N}, presents to {HOSP} with {CC}. Hx obtained from pt and {HIS} {REL}.",
    "{PT_FULL} is a {AGE} {SEX} with a PMHx of {CONDS} who presented to the {DEPT} on {DATE_RECENT} with {CC}.",
    "This {AGE} {PROF} from {CITY} with {COND} is admitted for {CC} after a fall at {LANDMARK}.",
]

HPI_MORE = [
    "{HE_CAP} was last seen by {DOC} on {DATE_PAST} and was started on {DRUG} at that time.",
    "Symptoms began around {HOLIDAY} and have progressively worsened.",
    "{HE_CAP} denies {ROS}.",
    "Of note, {HE} was admitted to {OTHER_HOSP} in {YEAR} for {COND}.",
    "{HIS_CAP} {REL}, {REL_NAME}, reports that {HE} has been more confused over the past {DAYS} days.",
    "In the ED, vitals were {VITALS}. {SCORE}.",
    "Initial labs notable for {LAB}, {LAB} and {LAB}.",
    "{HE_CAP} reports {PAIN}/10 pain, worse with movement, better with rest.",
    "EKG showed sinus rhythm at 88 bpm, no acute ST changes; QTc 452 ms.",
    "{HE_CAP} was given {DRUG} and {DRUG_NAME} with some relief.",
    "{HE_CAP} recently traveled to {COUNTRY} and returned on {DATE_SHORT}.",
    "Per {HIS} {REL_BOTH}, {HE} fell near {LANDMARK} on {WEEKDAY} and hit {HIS} head.",
    "Of note, {HE} has a pacemaker (serial no. {DEV}) placed at {OTHER_HOSP} in {YEAR}.",
    "{HE_CAP} was the restrained driver in an MVC; vehicle plate {PLATE} per police report.",
    "Home glucose readings have ranged 140-260. Last HbA1c was 8.4% on {DATE_PAST}.",
    "{HE_CAP} reports compliance with {DRUG_NAME} but ran out of {DRUG_NAME} about {DAYS} days ago.",
    "Exam notable for: {EXAM}",
    "{HE_CAP} was seen at the {DEPT} clinic on {DATE_SHORT} where {SCORE} was documented.",
    "{HE_CAP} works as a {PROF} at {ORG} and has missed work for {DAYS} days.",
    "Collateral obtained from {HIS} {REL} by phone at {PHONE}.",
    "No recent sick contacts. Received the influenza vaccine in {YEAR}.",
    "{HE_CAP} was treated for Parkinson disease by {DOC} and is on carbidopa-levodopa 25/100 mg TID.",
    "Prior echo on {DATE_PAST} showed EF 40%, 2/6 systolic murmur noted.",
    "Hx of {PROC} in {YEAR} at {OTHER_HOSP}.",
    "{HE_CAP} follows with {DOC} (Nephrology) and {DOC} (Cardiology) as an outpatient.",
    "Last colonoscopy {DATE_SHORT}, reportedly normal.",
    "{HE_CAP} was on vacation {DATE_RANGE} and noticed the symptoms then.",
    "Completed a course of azithromycin {DATE_RANGE} without improvement.",
    "{HIS_CAP} {REL} {REL_NAME} is {HIS} health care proxy and can be reached at {PHONE}.",
    "Since {HOLIDAY} {HE} has lost about 4 kg; appetite poor.",
    "{HE_CAP} had a similar episode in {YEAR} which resolved after {PROC}.",
    "Per EMS, fingerstick glucose was 54 and {HE} received D50 en route.",
    "Outside records from {OTHER_HOSP} (fax {FAX}) were reviewed.",
    "Of note, {HE} uses the patient portal (username {PORTAL}) to track {HIS} BP readings, mostly 130s/80s.",
    "{HE_CAP} was discharged from {OTHER_HOSP} on {DATE_SHORT} after treatment for {COND}.",
    "Denies recent travel; last trip was to {TRAVEL} in {YEAR}.",
    "{HIS_CAP} {REL} reports {HE} has been snoring loudly; STOP-BANG 5.",
    "Medications were reconciled with {HIS} pharmacy ({PHARMACY}).",
]

COURSE = [
    "{PT_TITLE} was admitted to {WARD} and started on {DRUG}.",
    "On hospital day {N}, {HE} developed {CC}; {DOC} was consulted and recommended {PROC}.",
    "{LAB_TREND} with IV fluids.",
    "The cardiology team ({DOC}) was consulted for {COND}; TTE on {DATE_RECENT} showed LVEF 45%.",
    "Nephrology was consulted for AKI (Cr peak 2.4 from baseline 1.1); improved with IV fluids.",
    "{HE_CAP} was seen by physical therapy and cleared for discharge home with a rolling walker.",
    "Family meeting held on {DATE_RECENT} with {HIS} {REL_BOTH} and {DOC}; goals of care reviewed.",
    "{PT_TITLE} was called out of the ICU to the floor (room {ROOM}) on hospital day {N}.",
    "{HIS_CAP} home dose of {DRUG_NAME} was held on admission and resumed on {DATE_SHORT}.",
    "{HE_CAP} underwent {PROC} on {DATE_RECENT} without complication.",
    "A Foley catheter was placed on admission and removed on {DATE_RECENT}.",
    "Blood cultures from {DATE_RECENT} grew GPC in clusters; {HE} completed a course of vancomycin 1 g IV q12h.",
    "{HE_CAP} remained hemodynamically stable, {VITALS}.",
    "PT/OT evaluated {HIM_HER} and recommended discharge home with services.",
    "Hospital course was complicated by delirium, managed with haloperidol 0.5 mg and reorientation.",
    "{HIS_CAP} {REL}, {REL_NAME}, was updated daily at {PHONE}.",
    "Moved to room {ROOM} on {DATE_RECENT} after step-down from the ICU.",
    "Glucose was managed with insulin glargine 18 units SC qHS and a sliding scale.",
    "Parkinson medications were continued on schedule; no Foley-associated UTI.",
    "{HE_CAP} was transferred from {WARD} to {WARD} on {WEEKDAY}.",
]

AP_ITEMS = [
    "{COND}: continue {DRUG}.",
    "{COND} - {PLAN_ITEM}",
    "{CC}: likely {COND}. {PLAN_ITEM}",
    "{ICD}: stable. {PLAN_ITEM}",
    "Code status: full code, confirmed with {PT_TITLE} and {HIS} {REL} on {DATE}.",
    "Dispo: home with {REL} when medically stable, anticipate {WEEKDAY}.",
    "Follow up with {DOC} in {DEPT} clinic on {DATE_FUT}.",
    "{SCORE}; {PLAN_ITEM}",
    "Anticoagulation: {ANTICOAG}. INR goal 2-3.",
    "Spoke with {PT_TITLE}'s {REL}, {REL_NAME}, by phone ({PHONE}) and updated on the plan.",
    "Discussed with attending {ATT}, who agrees.",
    "Tube feeds at 50 mL/hr; advance per nutrition.",
]

SOCIAL = [
    "Lives with {HIS} {REL_BOTH} at {ADDR}. {SMOKE}",
    "Works as a {PROF} for {ORG}. {SMOKE}",
    "Retired {PROF}; lives alone in {CITY}. {SMOKE}",
    "Married, {N} children. Former {PROF}. {SMOKE}",
    "Moved from {COUNTRY} in {YEAR}. Lives in {CITY} with {HIS} {REL}. {SMOKE}",
    "Lives at {LANDMARK}. Ambulates with a walker. {SMOKE}",
    "Employed at {ORG} as a {PROF}. Drives; {HE} has a valid license ({DL}). {SMOKE}",
    "{SMOKE} Independent in ADLs. Emergency contact: {REL_BOTH}, {PHONE}.",
]

FAMILY = [
    "Mother with breast cancer at {AGE_REL}; father died of MI at {AGE_REL}.",
    "Father with Parkinson disease, mother with type 2 diabetes.",
    "Sister with Crohn disease. No family history of sudden cardiac death.",
    "Noncontributory.",
    "Brother had colon cancer at age {AGE_REL}. Mother alive, {AGE_REL}, with HTN.",
    "Grandfather with Alzheimer dementia; maternal aunt with Graves disease.",
]

# --------------------------------------------------------------------------------------------
# Shared blocks
# --------------------------------------------------------------------------------------------


def header(c: NoteContext, title: str) -> None:
    r = c.rng
    v = r.randrange(5)
    if v == 0:
        render(c, "{HOSP}\n")
        c.raw(f"{title}\n\n")
    elif v == 1:
        render(c, "{HOSP} - Department of {DEPT}\n{SITE_CITY}\nTel: {SITE_PHONE}   Fax: {FAX}\n")
        c.raw(f"\n{title.upper()}\n\n")
    elif v == 2:
        c.raw("*** ")
        render(c, "{HOSP}")
        c.raw(f" ***\n{title.upper()}\n")
        c.raw("=" * (len(title) + 2) + "\n")
    elif v == 3:
        c.raw(f"{title}\n")
        render(c, "Facility: {HOSP}, {SITE_CITY}\n\n")
    else:
        c.raw(f"{title.upper()}\n\n")


def id_block(c: NoteContext, *, admit: bool = False) -> None:
    r = c.rng
    v = r.randrange(5)
    if v == 0:
        render(c, "Patient: {PT_COMMA}{PT_NATIVE}\nMRN: {MRN}\nDOB: {DOB}\n")
        if admit:
            render(c, "Admission Date: {DATE_RECENT}\nDischarge Date: {DATE}\n")
        else:
            render(c, "Date of Service: {DATE}\n")
    elif v == 1:
        render(c, "{PT_COMMA} | MRN {MRN} | DOB {DOB} | {AGE_N}{MF} | Acct# {ACCT}\n")
        if admit:
            render(c, "Adm: {DATE_RECENT}  D/C: {DATE}\n")
    elif v == 2:
        c.raw("Name: ")
        render(c, "{PT}{PT_NATIVE}")
        c.raw(" " * r.randint(2, 8))
        render(c, "Unit No: {MRN}\nDOB: {DOB} (Age: {AGE_N})   Sex: ")
        c.raw("F" if c.patient.person.gender == "female" else "M")
        c.raw("\n")
        render(c, "Attending: {ATT}   Service: {DEPT}\n")
        if admit:
            render(c, "Admitted: {DATE_RECENT}   Discharged: {DATE}   Room: {ROOM}\n")
    elif v == 3:
        render(c, "PATIENT NAME: {PT_COMMA}\nMEDICAL RECORD #: {MRN}\nACCOUNT #: {ACCT}\n")
        render(c, "DATE OF BIRTH: {DOB}\nSSN: {SSN}\nINSURANCE: {PLAN}\n")
        if admit:
            render(c, "DATE OF ADMISSION: {DATE_RECENT}\nDATE OF DISCHARGE: {DATE}\n")
    else:
        render(c, "Re: {PT} (DOB {DOB}), MRN {MRN}\n")
    c.nl()


def signature(c: NoteContext) -> None:
    r = c.rng
    v = r.randrange(6)
    c.nl()
    if v == 0:
        render(c, "Electronically signed by {ATT} on {DATE} at {TIME}\n")
    elif v == 1:
        render(c, "Dictated by: {ATT}\nTranscribed by: {USER}\nD: {DATE}  T: {DATE}\n")
    elif v == 2:
        render(c, "{ATT}\n{DEPT}, {HOSP}\nPager {SITE_PHONE}\n")
    elif v == 3:
        render(c, "Signed: {ATT} (Lic. {LIC})\ncc: {DOC}\n")
    elif v == 4:
        render(
            c,
            "Attending attestation: I saw and examined the patient with the resident, {DOC_NT}, and agree with the plan. -- {ATT}\n",
        )
    else:
        render(c, "Entered by: {USER} on {DATE} {TIME}\nCosigned: {ATT}\n")


def meds_list(c: NoteContext, key: str = "meds") -> None:
    c.section(key)
    r = c.rng
    k = r.randint(3, 8)
    if r.random() < 0.3:
        c.raw("Medication                      Dose        Route  Freq\n")
        for _ in range(k):
            name, strengths, unit, routes = r.choice(V.DRUGS)
            dose = f"{r.choice(strengths)} {unit}"
            c.raw(f"{name:<32}{dose:<12}{r.choice(routes):<7}{r.choice(V.FREQS)}\n")
    else:
        c.items([c.drug() for _ in range(k)])


def labs_block(c: NoteContext) -> None:
    r = c.rng
    labs = r.sample(V.LABS, r.randint(4, 10))
    if r.random() < 0.5:
        c.raw(", ".join(f"{lab[0]} {c.lab_value(lab)}" for lab in labs) + "\n")
    else:
        for lab in labs:
            c.raw(f"{lab[0]:<12} {c.lab_value(lab):>7} {lab[3]}\n")


def history_sections(c: NoteContext) -> None:
    c.section("pmh")
    c.items(c.conds(c.rng.randint(2, 5)))
    c.section("all")
    c.raw(
        c.rng.choice(
            (
                "NKDA\n",
                "Penicillin (rash)\n",
                "Sulfa - hives\n",
                "No known drug allergies.\n",
                "Codeine (nausea), latex\n",
            )
        )
    )
    c.section("sh")
    say(c, SOCIAL)
    c.nl()
    if c.rng.random() < 0.6:
        c.section("fh")
        say(c, FAMILY)
        c.nl()


# --------------------------------------------------------------------------------------------
# Note types
# --------------------------------------------------------------------------------------------


def discharge_summary(c: NoteContext) -> None:
    header(
        c, c.rng.choice(("Discharge Summary", "DISCHARGE SUMMARY", "Discharge Summary - Inpatient"))
    )
    id_block(c, admit=True)
    c.section("cc")
    render(c, "{CC}\n")
    c.section("hpi")
    say(c, HPI_OPEN)
    c.raw(" ")
    say(c, HPI_MORE, c.rng.randint(2, 5))
    c.nl()
    history_sections(c)
    if c.rng.random() < 0.5:
        c.section("psh")
        c.items([partial(render, c, "{PROC} ({YEAR})") for _ in range(c.rng.randint(1, 3))])
    if c.rng.random() < 0.6:
        c.section("ros")
        render(c, "Negative except as in HPI. Specifically denies {ROS}.\n")
    c.section("exam")
    render(c, "{VITALS}\n")
    c.items([c.rng.choice(V.EXAM_FINDINGS) for _ in range(c.rng.randint(2, 5))])
    c.section("labs")
    labs_block(c)
    c.section("course")
    say(c, COURSE, c.rng.randint(2, 5))
    c.nl()
    c.section("dx")
    c.items([lambda: _icd(c) for _ in range(c.rng.randint(1, 3))])
    meds_list(c, "dcmeds")
    c.section("fu")
    render(
        c,
        c.rng.choice(
            (
                "Follow up with {DOC} on {DATE_FUT}. Call {SITE_PHONE} with questions.\n",
                "PCP: {DOC}, {SITE_PHONE}. Appointment {DATE_FUT} at {TIME}.\n",
                "Return to {DEPT} clinic in {N} weeks. Results will be posted at {URL}.\n",
            )
        ),
    )
    c.section("dispo")
    render(
        c,
        c.rng.choice(
            (
                "Home with services.\n",
                "Discharged to {LANDMARK}.\n",
                "Skilled nursing facility ({OTHER_HOSP}).\n",
                "Home with {HIS} {REL}.\n",
            )
        ),
    )
    signature(c)


def progress_note(c: NoteContext) -> None:
    header(
        c,
        c.rng.choice(("Progress Note", "Daily Progress Note", "PROGRESS NOTE - Hospital Medicine")),
    )
    if c.rng.random() < 0.5:
        id_block(c)
    else:
        render(c, "Date: {DATE}   Room {ROOM}   Hospital day #{N}\n")
    c.section("subj")
    say(
        c,
        [
            "{PT_FIRST} reports feeling better today; pain {PAIN}/10. Slept well.",
            "No acute events overnight. {HE_CAP} denies {ROS}.",
            "Pt c/o {CC} overnight, given {DRUG_NAME}. {HIS_CAP} {REL} at bedside.",
            "{PT_TITLE} states {HE} wants to go home by {WEEKDAY}.",
            "Overnight, cross-covering team ({DOC}) was called for {CC}.",
            "Seen and examined at bedside with {DOC_NT} (resident).",
            "{HIS_CAP} {REL}, {REL_NAME}, is at bedside and asks about rehab at {LANDMARK}.",
            "{PT_FIRST} is frustrated with the length of stay; wants to be home for {HOLIDAY}.",
            "Tolerating PO, +flatus, no BM since {WEEKDAY}.",
        ],
        c.rng.randint(1, 2),
    )
    c.section("obj")
    render(c, "{VITALS}\n")
    c.items([c.rng.choice(V.EXAM_FINDINGS) for _ in range(c.rng.randint(2, 4))])
    labs_block(c)
    c.section("ap")
    render(c, "{AGE} {SEX} with {CONDS} admitted for {CC}.\n")
    c.items([partial(render, c, t) for t in c.rng.sample(AP_ITEMS, c.rng.randint(2, 5))])
    signature(c)


def nursing_note(c: NoteContext) -> None:
    r = c.rng
    if r.random() < 0.5:
        render(c, "NURSING NOTE {DATE} {TIME}\nPt: {PT}  Rm {ROOM}  MRN {MRN}\n\n")
    else:
        render(c, "Nursing Shift Assessment - {DEPT}\nDate/Time: {DATE} {TIME}\n\n")
    say(
        c,
        [
            "{PT_TITLE} is alert and oriented x3.",
            "Received pt from {WARD} at {TIME}.",
            "{HIS_CAP} {REL_BOTH} visited and asked for an update; call back at {PHONE}.",
            "Pt ambulated to the window overlooking {LANDMARK}.",
            "VS: {VITALS}.",
            "Fingerstick glucose 212, 4 units lispro given per sliding scale.",
            "Pt's {REL} brought home medication list; reconciled with pharmacy ({USER}).",
            "Report given to oncoming RN {STAFF}.",
            "Pt's {REL} {REL_NAME} stayed at bedside overnight.",
            "Pt oriented to name ({PT_FIRST}) but not to place or date.",
            "{DOC} notified re: SBP 88; 500 mL NS bolus given per order.",
            "Pt transferred to {WARD}, room {ROOM}, at {TIME}.",
            "Pt prefers to be called {PT_FIRST}.",
            "Chaplain visit requested by {HIS} {REL}.",
            "Plan of care reviewed with charge RN {STAFF}.",
            "Pt worried about {HIS} job at {ORG}; SW consult placed.",
            "Pt in {HIS} {AGE_DECADE}, hard of hearing; uses hearing aids.",
            "Admission weight 72.4 kg. Pt refused 0600 labs, {DOC} aware.",
        ],
        r.randint(3, 6),
    )
    c.nl()
    c.items(r.sample(V.NURSING_OBS, r.randint(3, 7)))
    render(
        c, r.choice(("\n-- {STAFF}, RN\n", "\nSigned: {USER} (RN)\n", "\n{STAFF} RN / {TIME}\n"))
    )


def radiology_report(c: NoteContext) -> None:
    r = c.rng
    exam, finding = r.choice(V.IMAGING)
    header(c, "Radiology Report")
    render(
        c,
        r.choice(
            (
                "Patient: {PT_COMMA}   MRN: {MRN}   DOB: {DOB}\nAccession #: {IDNUM}\n",
                "{PT_COMMA} ({MRN})\nExam date: {DATE} {TIME}   Accession {IDNUM}\n",
                "NAME: {PT_COMMA}\nMR#: {MRN}\nORDERING: {DOC}\nDATE OF EXAM: {DATE}\n",
            )
        ),
    )
    c.raw(f"\nEXAM: {exam}\n")
    c.section("clin")
    render(c, "{AGE} {SEX} with {CC}. {COND}.\n")
    c.section("tech")
    c.raw(
        r.choice(
            (
                "Standard protocol. Dose length product 812 mGy-cm.\n",
                "Axial images obtained; coronal and sagittal reformats.\n",
                "Two views obtained.\n",
                "Multiplanar multisequence imaging performed.\n",
            )
        )
    )
    c.section("comp")
    render(
        c,
        r.choice(
            ("{DATE_PAST}\n", "None.\n", "Outside study from {OTHER_HOSP} dated {DATE_PAST}.\n")
        ),
    )
    c.section("find")
    c.raw(
        finding
        + " "
        + r.choice(
            (
                "Visualized osseous structures are intact. ",
                "No acute fracture. ",
                "Degenerative changes of the spine. ",
                "",
            )
        )
        + "\n"
    )
    if r.random() < 0.3:
        c.raw("Device: ")
        render(c, "pacemaker generator, serial {DEV}, leads intact.\n")
    c.section("imp")
    c.items(
        [
            finding.split(".")[0] + ".",
            r.choice(
                (
                    "Clinical correlation recommended.",
                    "Follow-up CT in 12 months per Fleischner criteria.",
                )
            ),
        ]
    )
    render(
        c,
        r.choice(
            (
                "\nFindings discussed with {DOC} by telephone at {TIME} on {DATE}.\n",
                "\nRead by: {ATT}\n",
                "\nResident: {DOC_NT}\nAttending: {ATT}\nImages viewed from workstation {IP}.\n",
            )
        ),
    )


def pathology_report(c: NoteContext) -> None:
    r = c.rng
    spec, dx = r.choice(V.PATH_SPECIMENS)
    header(c, "Surgical Pathology Report")
    render(
        c,
        "Patient: {PT_COMMA}    MRN: {MRN}\nCase #: {IDNUM}    Collected: {DATE_RECENT}    Received: {DATE}\n",
    )
    render(c, "Submitting physician: {DOC}\n")
    if r.random() < 0.4:
        render(c, "Biobank consent on file; specimen ID {BIO}.\n")
    c.section("clin")
    render(c, "{AGE} {SEX}. {COND}. {PROC}.\n")
    c.section("gross")
    c.raw(
        f'Received in formalin labeled with the patient\'s name and "{spec.split(",")[0].lower()}" '
        f"is a tan-pink tissue fragment measuring {r.randint(1, 9)}.{r.randint(0, 9)} x "
        f"{r.randint(1, 5)}.{r.randint(0, 9)} x 0.{r.randint(2, 9)} cm. Entirely submitted in "
        f"cassettes A1-A{r.randint(1, 6)}.\n"
    )
    c.section("micro")
    c.raw(
        r.choice(
            (
                "Sections show the findings summarized below. ",
                "Immunostains: CK7+, CK20-, TTF-1+. ",
                "Ki-67 approximately 15%. ",
            )
        )
        + "\n"
    )
    c.section("final")
    c.raw(f"{spec.upper()}:\n")
    c.items([dx])
    render(
        c,
        r.choice(
            (
                "\nPathologist: {ATT}\nSigned out {DATE}\n",
                "\nI have personally reviewed the slides. {ATT}, {DATE}\n",
            )
        ),
    )


def ed_triage(c: NoteContext) -> None:
    r = c.rng
    render(c, r.choice(("ED TRIAGE NOTE\n", "Emergency Department Triage - {HOSP}\n", "TRIAGE\n")))
    render(
        c,
        r.choice(
            (
                "Arrival: {DATE} {TIME} via {ARRIVAL}\n",
                "Arrived {DATE} at {TIME}, {ARRIVAL}\n",
            )
        ),
    )
    render(c, "Pt: {PT_COMMA}  Age: {AGE_N}  MRN: {MRN}\n")
    c.raw(f"Acuity: ESI {r.randint(1, 5)}\n")
    render(c, "CC: {CC}\n")
    render(c, "VS: {VITALS}\nPain {PAIN}/10\n")
    say(
        c,
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
        r.randint(3, 6),
        sep="\n",
    )
    render(c, r.choice(("\nTriage RN: {STAFF}\n", "\n-- {USER}\n")))


def referral_letter(c: NoteContext) -> None:
    r = c.rng
    header(c, "Referral Letter")
    render(c, "{DATE}\n\n")
    render(c, "{DOC}\n{DEPT}\n{OTHER_HOSP}\n\n")
    render(
        c,
        r.choice(("Dear Dr. {LASTDOC},\n\n", "Dear Colleague,\n\n", "To whom it may concern,\n\n")),
    )
    render(
        c,
        r.choice(
            (
                "Re: {PT} - DOB {DOB} - {ADDR}\n\n",
                "RE: {PT_COMMA}, DOB: {DOB}, NHS/ID no. {MRN}\n\n",
                "Patient: {PT}\nDate of birth: {DOB}\nAddress: {ADDR_BLOCK}\nTel: {PHONE}\n\n",
            )
        ),
    )
    c.section("reason")
    render(c, "Thank you for seeing {PT_TITLE}, a {AGE} {PROF}, whom I am referring for {CC}. ")
    say(c, HPI_MORE, r.randint(2, 4))
    c.raw("\n\n")
    c.raw("Current medications:\n")
    c.items([c.drug() for _ in range(r.randint(2, 6))])
    render(c, "\n{HE_CAP} can be reached at {PHONE} or {EMAIL}. Health plan no. {PLAN}.\n")
    render(
        c,
        r.choice(
            (
                "\nYours sincerely,\n\n{ATT}\n{DOC_EMAIL}\nFax {FAX}\n",
                "\nKind regards,\n{ATT}\nGeneral Practitioner, {HOSP}\n",
                "\nBest,\n{ATT}\nDEA {LIC}\n",
            )
        ),
    )


def consult_letter(c: NoteContext) -> None:
    r = c.rng
    header(c, r.choice(("Consultation Note", "Outpatient Consultation", "Consult Letter")))
    render(c, "{DATE}\n\n")
    render(c, r.choice(("Dear {DOC},\n\n", "Dear Dr. {LASTDOC},\n\n")))
    render(
        c,
        r.choice(
            (
                "I had the pleasure of seeing {PT} in the {DEPT} clinic today. ",
                "Thank you for referring {PT_TITLE}, whom I saw on {DATE} in consultation. ",
                "I saw your patient {PT_FULL} ({AGE_N}) today at {HOSP}. ",
            )
        ),
    )
    say(c, HPI_OPEN)
    c.raw(" ")
    say(c, HPI_MORE, r.randint(1, 4))
    c.raw("\n\n")
    c.raw("On examination: ")
    render(c, "{VITALS}. {EXAM} {EXAM}\n\n")
    c.raw(r.choice(("Impression and recommendations:\n", "ASSESSMENT/PLAN:\n", "My impression:\n")))
    c.items([partial(render, c, t) for t in r.sample(AP_ITEMS, r.randint(2, 4))])
    render(
        c,
        "\nPlease do not hesitate to contact me at {SITE_PHONE} or {DOC_EMAIL}.\n\nSincerely,\n{ATT}\n",
    )
    if r.random() < 0.5:
        render(c, "cc: {DOC}; {PT} (via portal user {PORTAL})\n")


def telephone_encounter(c: NoteContext) -> None:
    r = c.rng
    render(c, r.choice(("TELEPHONE ENCOUNTER\n", "Phone Note\n", "Telephone Call - {DEPT}\n")))
    render(c, "Date: {DATE} {TIME}\nCaller: ")
    if r.random() < 0.5:
        render(c, "{PT} (self)\n")
    else:
        render(c, "{REL_BOTH}\n")
    render(c, "Callback #: {PHONE}\nPatient: {PT_COMMA}   DOB: {DOB}   MRN: {MRN}\n\n")
    say(
        c,
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
        r.randint(3, 6),
    )
    render(
        c,
        r.choice(
            ("\n\nCall taken by {USER}\n", "\n\n-- {STAFF}, RN ({USER})\n", "\n\nRouted to {ATT}\n")
        ),
    )


def medication_list(c: NoteContext) -> None:
    r = c.rng
    render(
        c,
        r.choice(
            (
                "MEDICATION RECONCILIATION\n",
                "Prescription\n",
                "Active Medication List\n",
                "Rx - {HOSP}\n",
            )
        ),
    )
    render(
        c,
        r.choice(
            (
                "Patient: {PT_COMMA}   DOB: {DOB}   MRN: {MRN}\n",
                "{PT} | {AGE_N} y | {ADDR}\n",
                "Name: {PT}\nAddress: {ADDR_BLOCK}\nPhone: {PHONE}\n",
            )
        ),
    )
    render(c, "Date: {DATE}\nPrescriber: {ATT}, DEA# {LIC}\nInsurance ID: {PLAN}\n\n")
    meds_list(c)
    c.raw(
        r.choice(
            (
                "\nSig: take 1/2 tab PO daily for 7 days then 1 tab daily. Disp #30, refills x2.\n",
                "\nHold metoprolol if SBP < 100 or HR < 55.\n",
                "\nPatient counseled on warfarin-food interactions; INR check in 1 week.\n",
                "\nDispense as written. 0 refills.\n",
            )
        )
    )
    render(
        c,
        r.choice(
            (
                "\nPharmacy: {PHARMACY}, {SITE_CITY}, tel {SITE_PHONE}\n",
                "\nSent electronically to {PHARMACY} by {USER}\n",
                "\n",
            )
        ),
    )


def lab_report(c: NoteContext) -> None:
    r = c.rng
    render(
        c,
        r.choice(
            (
                "LABORATORY REPORT\n{HOSP} Clinical Laboratory\n",
                "Lab Results\n",
                "{HOSP} - Dept of {DEPT}\nCUMULATIVE LAB REPORT\n",
            )
        ),
    )
    render(c, "Patient: {PT_COMMA}  MRN: {MRN}  DOB: {DOB}  Sex: ")
    c.raw("F" if c.patient.person.gender == "female" else "M")
    render(c, "\nOrdering: {DOC}   Specimen #: {IDNUM}\nCollected: {DATE} {TIME}\n\n")
    c.raw("Test            Result   Units        Ref range\n")
    for lab in r.sample(V.LABS, r.randint(5, 12)):
        name, lo, hi, unit, digits = lab
        value = r.uniform(lo, hi)
        ref_lo, ref_hi = lo + 0.2 * (hi - lo), lo + 0.7 * (hi - lo)
        flag = " H" if value > ref_hi else " L" if value < ref_lo else ""
        shown = f"{value:.{digits}f}" if digits else str(round(value))
        ref = (
            f"{ref_lo:.{digits}f}-{ref_hi:.{digits}f}"
            if digits
            else f"{round(ref_lo)}-{round(ref_hi)}"
        )
        c.raw(f"{name:<15} {shown + flag:<8} {unit:<12} {ref}\n")
    if r.random() < 0.3:
        render(c, "\nSpecimen linked to biometric ID {BIO} at collection.\n")
    render(
        c,
        r.choice(
            (
                "\nCritical value called to {STAFF} at {TIME} by {USER}.\n",
                "\nVerified by: {USER}\n",
                "\nResults available at {URL}\n",
                "\nPerformed at {HOSP}, {SITE_CITY}, {COUNTRY}.\n",
            )
        ),
    )


def _lastdoc(c: NoteContext) -> None:
    c.name(c.rng.choice(c.patient.doctors), "DOCTOR", "last", title=False)


def _pt_native(c: NoteContext) -> None:
    """The patient's name in native script, in parentheses, when the locale has one."""
    person = c.patient.person
    if person.native and c.rng.random() < 0.5:
        c.raw(" (")
        c.phi(person.native, "PATIENT", dict(person.attrs, script="native"))
        c.raw(")")


def _pharmacy(c: NoteContext) -> None:
    r = c.rng
    head = r.choice((r.choice(V.ORG_HEADS), c.source.person().last, "Community", "Family"))
    c.phi(
        f"{head} {r.choice(('Pharmacy', 'Drugs', 'Pharmacy #' + str(r.randint(2, 999)), 'Chemists'))}",
        "ORGANIZATION",
    )


SLOTS["LASTDOC"] = _lastdoc
SLOTS["PHARMACY"] = _pharmacy


def _travel(c: NoteContext) -> None:
    """A city and the country it is in (both from one locale pool)."""
    pool = c.any_pool()
    c.phi(c.rng.choice(pool.cities), "CITY")
    c.raw(", ")
    c.phi(pool.country, "COUNTRY")


SLOTS["TRAVEL"] = _travel


def _lab_trend(c: NoteContext) -> None:
    lab = c.rng.choice(V.LABS)
    first, second = sorted((c.lab_value(lab), c.lab_value(lab)), key=float, reverse=True)
    c.raw(
        f"{lab[0]} {c.rng.choice(('improved', 'trended down', 'decreased'))} from {first} to {second}"
    )


SLOTS["LAB_TREND"] = _lab_trend
SLOTS["MF"] = lambda c: c.raw("F" if c.patient.person.gender == "female" else "M")


def _date_range(c: NoteContext) -> None:
    """Two dates in one shape ("3/4-3/8", "Mar 4 to Mar 8"): each is its own DATE span."""
    import datetime as dt

    first = c.day - dt.timedelta(days=c.rng.randint(5, 60))
    last = first + dt.timedelta(days=c.rng.randint(1, 10))
    if c.rng.random() < 0.5:
        shape = lambda d: f"{d.month}/{d.day}"  # noqa: E731
    else:
        shape = lambda d: f"{V.MONTHS[d.month - 1][:3]} {d.day}"  # noqa: E731
    c.phi(shape(first), "DATE")
    c.raw(c.rng.choice(("-", " - ", " to ", " through ")))
    c.phi(shape(last), "DATE")


SLOTS["DATE_RANGE"] = _date_range
SLOTS["WARD"] = lambda c: c.phi(c.rng.choice(V.INPATIENT_UNITS), "DEPARTMENT")
SLOTS["AGE_DECADE"] = lambda c: c.phi(f"{max(c.age // 10, 2) * 10}s", "AGE")
SLOTS["ANTICOAG"] = _pick(
    (
        "warfarin 5 mg PO daily",
        "apixaban 5 mg PO BID",
        "enoxaparin 1 mg/kg SC q12h",
        "heparin gtt per protocol",
        "rivaroxaban 20 mg daily with dinner",
    )
)
SLOTS["PT_NATIVE"] = _pt_native
SLOTS["HIM_HER"] = lambda c: c.raw("her" if c.patient.person.gender == "female" else "him")
SLOTS["ARRIVAL"] = lambda c: c.raw(c.rng.choice(("EMS", "walk-in", "private vehicle", "police")))

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
