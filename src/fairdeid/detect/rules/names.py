"""Person names: anchors (titles, headers, signatures, cue words), dictionaries, propagation.

Names are the hardest rule family because the same string is a name in one note and a word in
the next ("May", "Hope", "Bill", "Mark"). So every name needs evidence, and the evidence sets the
score:

- strong: a title ("Dr.", "Mrs."), a header ("Patient:", "Dictated by:"), a signature
  ("Jane Doe, MD"), or a full name from the dictionaries (first name + surname/initial);
- medium: one unambiguous dictionary first name or surname, capitalised, not at a sentence start;
- propagated: once a name token is found with strong evidence, its other occurrences in the same
  document are tagged too (the patient's surname alone three paragraphs later).

Ambiguous dictionary entries (common words, eponyms) never fire alone; they only join a name that
has other evidence. Eponyms followed by "disease", "sign", "catheter" ... never fire.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass

from fairdeid.detect.rules.compiler import literal_alternation
from fairdeid.detect.rules.dictionary import NAME_KINDS, Hit, Kind
from fairdeid.detect.rules.layout import LayoutCues, at_line_start, email_display_names
from fairdeid.detect.rules.propagation import NameParts, NameSource, Propagator, fold
from fairdeid.document import Span
from fairdeid.errors import ConfigError
from fairdeid.taxonomy import coarse


def _in_cased_scripts(code: int) -> bool:
    """Latin (with its extensions and the Vietnamese block), Greek and Cyrillic: the cased
    scripts of the name pools the audit draws from."""
    return code < 0x530 or 0x1E00 <= code < 0x2000


def letter_class(*, upper: bool) -> str:
    """The body of a regex class of every capital (``upper``) or small letter of the cased
    scripts: ``re`` has no ``\\p{Lu}``, and "[A-Z]" or "[A-ZÀ-Þ]" miss "Ł", "Ş", "Č", "Đ",
    "Ø"... so a name starting with one of them lost its evidence (a fairness gap)."""
    ranges: list[tuple[int, int]] = []
    for code in range(0x2000):
        ch = chr(code)
        if not _in_cased_scripts(code):
            continue
        ok = (ch.isupper() or ch.istitle()) if upper else ch.islower() and ch.isalpha()
        if not ok:
            continue
        if ranges and ranges[-1][1] == code - 1:
            ranges[-1] = (ranges[-1][0], code)
        else:
            ranges.append((code, code))
    return "".join(
        chr(a) if a == b else f"{chr(a)}{chr(b)}" if b == a + 1 else f"{chr(a)}-{chr(b)}"
        for a, b in ranges
    )


#: capital and small letters (class bodies, see ``letter_class``)
UC = letter_class(upper=True)
LC = letter_class(upper=False)

# initials written together: "S.", "P.C.", "J.W.M." (Dutch and Belgian signatures write every
# given name as an initial), "H.-J." (German and French hyphenated given names)
_INITIALS = rf"[{UC}]\.(?:-?[{UC}]\.){{0,4}}"
# a name token: initials ("S.", "P.C."), or a word starting with a letter
_TOKEN = re.compile(rf"[ \t](?:(?P<init>{_INITIALS})(?!\w)|(?P<word>[^\W\d_][\w'’-]*\w|[^\W\d_]))")
_FIRST_TOKEN = re.compile(rf"(?:(?P<init>{_INITIALS})(?!\w)|(?P<word>[^\W\d_][\w'’-]*\w|[^\W\d_]))")
# a word or initials of a signature ("Jane Doe, MD", "P.C. Ouwerkerk, internist")
_SIG_TOKEN = rf"(?:[{UC}][\w'’-]*\w|{_INITIALS}|[{UC}](?=[ \t]))"
# "Name: x", "Name = x", "Name - x", and the dotted leaders of key/value exports ("NAME.....: x")
# (each alternative starts with its literal and checks what precedes it after, so that ``re``
# skips to the next ":", "=", "-" or "." instead of trying a match at every character: 8x faster
# than "[:=]|(?<=[ \t])-(?=[ \t])|(?<=\w)\.{3,}(?![.:=])", with the same matches)
_DELIMITER = re.compile(r":|=|-(?<=[ \t]-)(?=[ \t])|\.(?<=\w\.)\.{2,}(?![.:=])")
_HEADER_PUNCT = "([|;*-\u2022"
_COMMA_TOKEN = re.compile(rf",[ \t](?:(?P<init>{_INITIALS})(?!\w)|(?P<word>[^\W\d_][\w'’-]*\w))")
_HYPHEN_TAIL = re.compile(rf"(?:-[{UC}][\w'’]*)+")
_NAME_HEAD = re.compile(
    rf"(?<![\w'’-])(?:[{UC}][\w'’]*(?:-|[ \t]))(?:[{UC}][\w'’]*(?:-|[ \t]))?\Z"
)
# "Dianne L." / "Anne-Marie B.": a capitalised word then an initial ending the phrase
# (found from its dot, the rarest of its characters, and looking back: ``re`` then skips from
# dot to dot instead of trying every space; the match is the dot, the initial starts 2 before)
_INITIAL = re.compile(rf"\.(?<=[ \t][{UC}]\.)(?=[\s,;:)?!]|$)")
_INITIAL_BACK = 2
_WORD_BEFORE_INITIAL = re.compile(
    rf"(?<![\w.'’-])([{UC}][{LC}]{{2,}}(?:-[{UC}][{LC}]+)?)$"
)
_PREV_WORD = re.compile(r"(?<![\w'’-])([^\W\d_][\w'’-]*\w)[ \t]$")
_SURNAME_COMMA = re.compile(rf"(?<![\w'’-])([{UC}][\w'’-]*[{LC}])[ \t]?,[ \t]$")
_PLACE_KINDS = Kind.CITY | Kind.COUNTRY | Kind.STATE | Kind.HOSPITAL
# the comma between two names of a staff header's list, on one line
_LIST_COMMA = re.compile(r"[ \t]*,[ \t]*(?=[^\W\d_])")
_SENTENCE_START = re.compile(r"(?:^|[.!?:;\n]\s*|\n\s*[-*•]\s*)$")
# a name token of any case for the loose shapes ("j fan", "sisneros c.", "mina, b."): an
# initial (one letter, optional dot) or a word; OCR digits inside a word are kept ("wo0ds")
_LOOSE_TOKEN = re.compile(
    r"(?P<sep>,?[ \t]{1,2})?(?:(?P<init>[^\W\d_])\.?(?![\w'’-])|(?P<word>[^\W\d_][\w'’-]*[^\W_]))"
)
# one-letter words of the Romance languages ("a", "à", "e", "è", "o", "y"): written without a dot
# after a lower-case name they are the sentence going on, not an initial
_LETTER_WORDS = frozenset("aàeèéoóyu")
# a lower-case word behind an elided article or preposition: "d'annonce", "l'équipe", "dell'ala"
_ELIDED_WORD = re.compile(r"(?:[dlnsjcm]|qu|dell|all|dall|nell|sull)['’][a-zß-öø-ÿ]")
# where a field's value ends: line end, a cell or list separator, an e-mail, a bracket, a comma
_FIELD_END = re.compile(r"[ \t]*(?:\Z|[\r\n|\t;<(,]|[ ]{2}|-[ \t]|/)")
# "Surname, I." / "surname, i." / "NAIR N." / "kader i." (the initial is not "i.e." or "e.g.")
# (found from the initial, which is rarer than words, then the surname before it)
# (found from its dot as ``_INITIAL``: the letter is the character before the match)
_LONE_INITIAL = re.compile(r"\.(?<=[ \t][^\W\d_]\.)(?![\w'’-])(?![ \t]?[^\W\d_]\.)")
_SURNAME_BEFORE = re.compile(
    r"(?<![\w'’.-])(?P<s>[^\W\d_][\w'’-]*[^\W\d_])(?P<comma>[ \t]?,)?[ \t]{1,2}\Z"
)
# a word or initial of a name found by another detector: capitalised, letters only
_CAPITALISED_PART = re.compile(rf"[{UC}][^\W\d_]*(?:['’-][^\W\d_]+)*[.,]?")
_DOTTED_INITIAL = re.compile(r"(?<![\w.])[^\W\d_]\.(?![\w])")
_KIN_WORD = re.compile(r"([^\W\d_]+)[ \t]+(?=[^\W\d_])")
_NEXT_CAPITALISED = re.compile(rf"[ \t]+[{UC}][{LC}]")
# the words of a name that fills a whole field (an e-mail display name, a table cell)
_FIELD_WORD = re.compile(r"[^\W\d_][\w'’.-]*")
_FIELD_CHARS = re.compile(r"[\w'’.,\- \t]+")
#: what must not come before a lower-case title ("dr" of "adr", "mr" of "u.mr")
_LOWER_TITLE_LEAD = r"(?<![\w.])"
_LOWER_TITLE_LEAD_RE = re.compile(_LOWER_TITLE_LEAD)
#: the letters that head the lines of a SOAP (SOEP in Dutch) note
_SOAP_LETTERS = frozenset("SOAEP")


def _particle_runs(particles: Iterable[str], *, several: bool) -> re.Pattern[str] | None:
    """Particles as one alternation: only those of several words ("von der", "de la", "van
    den"), which the token-by-token extension cannot see, or all of them (for a name that
    starts with its particle after a title: "Herr von Hagen"); a capitalised word must follow."""
    runs = [p for p in particles if " " in p.strip() or not several]
    runs = [p for p in runs if not p.endswith(("'", "’"))]
    if not runs:
        return None
    alternation = "|".join(
        r"[ \t]+".join(re.escape(w) for w in run.split())
        for run in sorted(runs, key=len, reverse=True)
    )
    return re.compile(rf"(?i:{alternation})(?=[ \t]{{1,2}}[^\W\d_])")


def _run_first_words(particles: Iterable[str], *, several: bool) -> frozenset[str] | None:
    """The lower-cased first words of ``_particle_runs``' runs, or None when one of them is
    not plain ASCII letters and digits (the set then cannot stand for the regex)."""
    runs = [p for p in particles if " " in p.strip() or not several]
    firsts = {run.split()[0].lower() for run in runs if not run.endswith(("'", "’"))}
    if not all(w.isascii() and w.isalnum() for w in firsts):
        return None
    return frozenset(firsts)


def _glued_particles(particles: Iterable[str]) -> tuple[str, ...]:
    """Particles written onto the surname ("d'" of "d'Alembert", "d’Ornano")."""
    return tuple(p for p in particles if p.endswith(("'", "’")) and " " not in p)


def particle_run_end(text: str, pos: int, runs: re.Pattern[str] | None) -> int:
    """The end of a particle of several words at ``pos`` when a capitalised word follows it
    (so "von der Leber" in running text never starts one), else -1."""
    if runs is None:
        return -1
    m = runs.match(text, pos)
    if m is None:
        return -1
    nxt = _TOKEN.match(text, m.end())
    if nxt is None or not nxt.group("word") or not is_capitalised(nxt.group("word")):
        return -1
    return m.end()


def glued_particle(token: str, glued: tuple[str, ...]) -> bool:
    """Whether ``token`` is a surname behind a particle written onto it: "d'Alembert", not
    "d'accord"."""
    low = token.lower()
    for particle in glued:
        if low.startswith(particle) and len(token) > len(particle):
            return is_capitalised(token[len(particle) :])
    return False


@dataclass(frozen=True, slots=True)
class NameCandidate:
    start: int
    end: int
    label: str
    rule: str
    score: float


#: one name rule: (text, lower-cased text, dictionary hits, kinds by offset, candidates so far)
_Step = Callable[[str, str, Sequence[Hit], dict[int, int], list[NameCandidate]], None]


def is_capitalised(token: str) -> bool:
    """Upper-case first letter, or a script without case (Devanagari, Arabic, CJK) of 2+ chars."""
    first = token[0]
    return first.isupper() or (first.isalpha() and not first.islower() and len(token) > 1)


def _token_limit(value: object) -> int:
    """``[names] max_name_tokens``, checked: a whole number from 2 to 12."""
    if isinstance(value, bool) or not isinstance(value, int) or not 2 <= value <= 12:
        raise ConfigError(f"[names] max_name_tokens must be a whole number from 2 to 12, "
                          f"not {value!r}")
    return value


class NameFinder:
    """Find person names in one document. Built once per detector from config data."""

    def __init__(
        self,
        names_cfg: Mapping[str, Sequence[str]],
        stopwords: frozenset[str],
        clinical: frozenset[str],
        cjk_surnames: Iterable[str],
        disabled: frozenset[str],
        common_words: Iterable[str] = (),
        eponyms: Iterable[str] = (),
    ) -> None:
        self.stopwords = stopwords  # lower case; common English words that are also names
        self.clinical = clinical  # lower case; never part of a name
        self.breakers = frozenset(names_cfg.get("name_breakers", ())) | frozenset(
            names_cfg.get("calendar_breakers", ())
        )
        self.breakers_lower = frozenset(b.lower() for b in self.breakers)
        # breakers glued to the name's last word ("DominguezCorreo", "MartínezNºCol")
        glued = sorted((b for b in self.breakers if len(b) >= 4 and b[:1].isupper()), key=len)
        self._glued = (
            re.compile(
                r"[\w'’-]*[a-zà-ÿ](?P<glued>"
                + "|".join(re.escape(b) for b in reversed(glued))
                + ")"
            )
            if glued
            else None
        )
        self._glued_words = tuple(glued)
        self.particles = frozenset(p.lower() for p in names_cfg.get("particles", ()))
        # tokens one name may hold, particles counted ("de", "y"); a pack whose names run longer
        # (Spanish: two given names, two surnames and their particles) raises it
        self.max_tokens = _token_limit(names_cfg.get("max_name_tokens", 4))
        self.particle_runs = _particle_runs(self.particles, several=True)
        self.leading_particles = _particle_runs(self.particles, several=False)
        self.glued_particles = _glued_particles(self.particles)
        self._run_firsts = _run_first_words(self.particles, several=True)
        self._leading_firsts = _run_first_words(self.particles, several=False)
        self.eponym_after = _followers_regex(names_cfg.get("eponym_followers", ()))
        self.eponym_before = _leaders_regex(names_cfg.get("eponym_leaders", ()))
        self.naming_cues = frozenset(c.lower() for c in names_cfg.get("naming_cues", ()))
        # the naming cues that are no title ("son", "moeder"; not "mr", "mrs"): after one, a
        # lower-case first name of the lists is a relative's name
        no_kin = {t.lower().rstrip(".") for t in names_cfg.get("titles", ())}
        self.kin_cues = self.naming_cues - no_kin
        epithets = [e.lower() for e in names_cfg.get("organism_epithets", ()) if e]
        self.organism_re = (
            re.compile(rf"[ \t]{{1,2}}(?i:{literal_alternation(epithets)})(?![\w'’-])")
            if epithets
            else None
        )
        # folded words whose lowercase occurrences are words, not names (see propagation)
        self.common = frozenset(
            fold(w) for w in (*stopwords, *clinical, *self.breakers, *common_words)
        )
        # what a name standing alone in a field must not be: common words, but eponyms are
        # surnames first ("Murphy", "Parkinson" in a prescriber column)
        self.field_common = self.common - frozenset(fold(w) for w in eponyms)
        self.disabled = disabled
        # each strongly evidenced name's parts for propagation, kept between documents (the
        # same names recur note after note); ``_stop`` and ``common`` never change
        self._name_parts: dict[str, NameParts] = {}
        titles = sorted(names_cfg.get("titles", ()), key=len, reverse=True)
        self.doctor_titles = frozenset(t.lower() for t in names_cfg.get("doctor_titles", ()))
        title_alt = literal_alternation({*titles, *(t.upper() for t in titles)})
        # titles are matched case-sensitively (Title and UPPER forms): the IGNORECASE flag
        # would make this scan several times slower, and "dr" in lower case is rare
        self.title_re = re.compile(
            rf"(?P<title>{title_alt})(?:\.(?!\w)(?:[ \t]{{0,2}}(?=\S)|(?=\n))|[ \t]{{1,2}}(?=\S))"
        )
        hp = [h for h in names_cfg.get("headers_patient", ())]
        hd = [h for h in names_cfg.get("headers_doctor", ())]
        self.header_doctor = frozenset(h.lower() for h in hd)
        # headers are found from their delimiter (":" is rare and literal, so fast to scan),
        # looking back at the words before it; cue patterns run on the lower-cased text (fast
        # literal scan, see config.lower_pattern); capitalisation is checked on the original
        self.headers = frozenset(h.lower() for h in (*hp, *hd))
        self.header_words = max((len(h.split()) for h in self.headers), default=1)
        # the last word of every header: a header phrase before a delimiter ends with the word
        # right before it, so most delimiters are passed over after one set lookup
        self._header_last_words = frozenset(h.split()[-1] for h in self.headers if h.split())
        self.soft_doctor = frozenset(s.lower() for s in names_cfg.get("soft_doctor", ()))
        # naming cues are patient cues that need no dictionary evidence ("her son Rahul")
        soft = (
            set(names_cfg.get("soft_patient", ()))
            | set(names_cfg.get("naming_cues", ()))
            | set(names_cfg.get("soft_doctor", ()))
        )
        self.soft_re = re.compile(
            rf"(?P<cue>{literal_alternation(s.lower() for s in soft)})[ \t]*[:,]?[ \t]{{1,2}}"
            r"(?=[^\W\d_])"
        )
        # lower-case titles that still mark a name in dictation ("dr pont", "mrs aragón"); "mr"
        # and "ms" are left out on purpose: lower-case they are mitral regurgitation and
        # multiple sclerosis
        lower_titles = sorted(names_cfg.get("lower_titles", ()), key=len, reverse=True)
        self.lower_titles = frozenset(t.lower() for t in lower_titles)
        lower_title = (
            rf"(?P<title>{literal_alternation(lower_titles)})"
            r"(?:\.(?!\w)|(?=[ \t]))[ \t]{0,2}(?=\S)"
        )
        self.lower_title_re = (
            re.compile(_LOWER_TITLE_LEAD + lower_title) if lower_titles else None
        )
        # the same without its leading look-behind, for the scan of a whole note: ``re`` then
        # skips to the titles' first letters instead of trying every position (3x faster);
        # ``_lower_titles`` checks the look-behind at each match
        self._lower_title_scan = re.compile(lower_title) if lower_titles else None
        # headers that also start other fields ("CC: dizziness" is a chief complaint, "Tech:
        # Standard protocol" a technique): their value needs an initial, a title or a
        # dictionary name
        self.ambiguous_headers = frozenset(
            h.lower() for h in names_cfg.get("ambiguous_headers", ())
        )
        # words that are never a name standing in a field ("none", "self", "po", "bid")
        self.value_stop = frozenset(w.lower() for w in names_cfg.get("value_stopwords", ()))
        self.layout = LayoutCues.build(
            names_cfg.get("closings", ()),
            names_cfg.get("table_headers_doctor", ()),
            names_cfg.get("table_headers_patient", ()),
        )
        creds = names_cfg.get("credentials", ())
        # signatures are found from the credential (rare, literal) and extended to the left
        self.cred_re = re.compile(rf"(?:{literal_alternation(creds)})(?![\w-])")
        self.cred_name_re = re.compile(
            rf"(?P<name>{_SIG_TOKEN}(?:[ \t]{{1,2}}{_SIG_TOKEN}){{1,3}})"
            r"[ \t]*,?[ \t]{1,2}$"
        )
        cjk = sorted({s for s in cjk_surnames if len(s) == 1}, key=len)
        self.cjk_re = (
            re.compile(
                rf"(?<![\u3400-\u9fff])[{''.join(cjk)}][\u3400-\u9fff]{{1,2}}(?![\u3400-\u9fff])"
            )
            if cjk
            else None
        )

    def with_disabled(self, disabled: frozenset[str]) -> NameFinder:
        """This finder with another set of switched-off rules (shares everything else)."""
        view = copy.copy(self)
        view.disabled = disabled
        return view

    # -- helpers --------------------------------------------------------------------------

    def _common_first(self, text: str, s: int, e: int, kinds: Mapping[int, int]) -> bool:
        """Whether the name's first word is an ordinary word the dictionaries do not list as a
        name ("M. Asimismo, y de acuerdo con...")."""
        first = text[s:e].split(None, 1)[0]
        return fold(first) in self.common and not kinds.get(s, 0) & NAME_KINDS

    def _stop(self, word: str, *, soft: bool) -> bool:
        low = word.lower().rstrip(".")
        if word in self.breakers or low in self.clinical:
            return True
        return soft and low in self.stopwords

    def extend(
        self,
        text: str,
        pos: int,
        *,
        max_tokens: int | None = None,
        soft: bool,
        kinds: Mapping[int, int] | None = None,
    ) -> tuple[int, int, int, bool]:
        """Grow a name from ``pos`` over capitalised tokens and initials.

        Returns (start, end, number of word tokens, whether any token is an initial). With
        ``soft`` set, common words stop the name unless ``kinds`` says the token is a dictionary
        name (so "John Brown" keeps "Brown" but "John Will see" drops "Will"... mostly).
        """
        start = end = -1
        words = 0
        initial = False
        first_upper: bool | None = None
        # this loop runs for every name candidate (tens of thousands per million words): the
        # finder's word sets as locals, each token's groups read once
        breakers, particles, glued = self.breakers, self.particles, self.glued_particles
        clinical, stopwords = self.clinical, self.stopwords
        m = _FIRST_TOKEN.match(text, pos)
        n = 0
        limit = self.max_tokens if max_tokens is None else max_tokens
        before_particle = -1  # the name's end before its last token, when that is a particle
        while m is not None and n < limit:
            init, word = m.groups()
            particle = False
            if init:
                tok, tok_start = init, m.start(1)
            else:
                tok, tok_start = word, m.start(2)
            m_end = m.end()
            if len(tok.rstrip(".")) == 1 and text[m_end : m_end + 1] in ("/", "\\"):
                break  # "Dr. Luis Moyano C/ Eduardo Rivas, 3": "C/" is a street, no name part
            if word:
                in_dict = kinds is not None and bool(kinds.get(tok_start, 0) & NAME_KINDS)
                low = tok.lower()
                if words:
                    run_end = self._run_end(text, tok_start, low, several=True)
                elif not soft and start < 0:
                    run_end = self._run_end(text, tok_start, low, several=False)
                else:
                    run_end = -1
                if run_end > 0 and self._particle_surname(text, run_end, words, kinds):
                    # "Lena von der Heide", "Herr von der Heide", "Mme de la Fontaine": the
                    # particles join the name before the capitalised surname that follows them
                    if start < 0:
                        start = tok_start
                    end, before_particle = run_end, -1
                    m = _TOKEN.match(text, run_end)
                    continue
                if glued and low.startswith(glued) and glued_particle(tok, glued):
                    pass  # "François d'Alembert": a name word behind its particle
                elif low in particles and words:
                    particle = True
                    nxt = _TOKEN.match(text, m_end)
                    if (
                        nxt is None
                        or not nxt.group("word")
                        or not is_capitalised(nxt.group("word"))
                        or nxt.group("word") in breakers
                    ):
                        break  # "Dr Martin du CHU": a particle before a breaker is no name's
                elif (
                    not is_capitalised(tok)
                    or tok in breakers
                    or (
                        # ``_stop``, inlined
                        not in_dict
                        and ((stem := low.rstrip(".")) in clinical or (soft and stem in stopwords))
                    )
                ):
                    break
                elif (
                    len(tok) > 1
                    and tok.isupper()
                    and (soft or not first_upper)
                    and not (first_upper is None and not soft)
                ):
                    # acronyms ("GERD", "MRN") end a name, unless the name itself is in capitals
                    # after a strong anchor ("MR. JOHN SMITH")
                    break
                if first_upper is None:
                    first_upper = tok.isupper() and len(tok) > 1
                words += 1
            else:
                initial = True
            if start < 0:
                start = tok_start
            before_particle = end if particle else -1
            end = m_end
            n += 1
            if tok.endswith(("'s", "’s")):
                break  # "Bulgakov's Cautionary Tales": a possessive ends the name
            m = _TOKEN.match(text, m_end)
            if m is None and not soft and words == 1 and n == 1:
                # "Patient: GOUGH, ELIZABETH" / "Attending: Grant, Emma": surname first
                m = _COMMA_TOKEN.match(text, end)
        if start < 0:
            return -1, -1, 0, False
        if before_particle > start:
            # the limit (or an acronym) stopped the name right after "de"/"y"/"du": no name
            # ends on a particle ("Juan Carlos Fernández de [Córdoba]", "Martin du CHU")
            end = before_particle
        end = self._unglue(text, start, end)
        # "Smith's office": keep the possessive out of the name
        if text[end - 2 : end] in ("'s", "’s"):
            end -= 2
        return start, end, words, initial

    def _run_end(self, text: str, pos: int, low: str, *, several: bool) -> int:
        """``particle_run_end`` with the runs of several words (``several``) or of any, asked
        only when the word at ``pos`` (``low``, lower-cased) can start one.

        Why the check: a run starts with its first word, then a blank, so the word token there
        is that word; for ASCII words compared with ASCII runs, ``re``'s case-insensitive match
        is lower-case equality, and most words start no run (one set lookup instead of a
        regex match per word of every name)."""
        runs, firsts = (
            (self.particle_runs, self._run_firsts)
            if several
            else (self.leading_particles, self._leading_firsts)
        )
        if runs is None or (firsts is not None and low.isascii() and low not in firsts):
            return -1
        return particle_run_end(text, pos, runs)

    def _unglue(self, text: str, start: int, end: int) -> int:
        """The end of a name whose last word has a form word glued to it, as signatures of
        converted PDFs have ("Dr. Ignacio Sarra DominguezCorreo electrónico:"): the name
        ends where the breaker starts, if a lower-case letter comes before it."""
        if self._glued is None or not text.endswith(self._glued_words, start, end):
            return end  # the name ends with no breaker: nothing is glued (one C call)
        last = max(text.rfind(" ", start, end), text.rfind("\t", start, end)) + 1
        m = self._glued.fullmatch(text, max(last, start), end)
        return m.start("glued") if m is not None else end

    def _particle_surname(
        self, text: str, pos: int, words: int, kinds: Mapping[int, int] | None
    ) -> bool:
        """Whether the word after a particle run at ``pos`` is a surname: never a clinical or
        breaker word the dictionaries do not list as a name ("Dr. Braun von der Station", but
        "Jan van den Berg"); after a given name never an ordinary word of the language either
        ("Frau Schulz von der Krankenkasse"): only a title or a header right before the
        particle vouches for an unknown word ("Herr von der Leyen")."""
        nxt = _TOKEN.match(text, pos)
        if nxt is None or not nxt.group("word"):
            return False
        word = nxt.group("word")
        in_dict = kinds is not None and bool(kinds.get(nxt.start("word"), 0) & NAME_KINDS)
        if self._stop(word, soft=False) and not in_dict:
            return False
        return in_dict or not words or fold(word.split("-")[0]) not in self.common

    # -- rules ----------------------------------------------------------------------------

    def find(self, text: str, lower: str, hits: Sequence[Hit]) -> list[NameCandidate]:
        out: list[NameCandidate] = []
        kinds = _kinds(hits)
        for step in self._steps():
            step(text, lower, hits, kinds, out)
        return out

    def find_batch(
        self, notes: Sequence[tuple[str, str, Sequence[Hit]]]
    ) -> list[list[NameCandidate]]:
        """``find`` on each (text, lower-cased text, dictionary hits), one name rule over all
        the notes before the next, so that each rule's regexes stay in the CPU's caches (see
        ``RuleDetector.detect_batch``); each note gets ``find``'s candidates in its order."""
        kinds = [_kinds(hits) for _, _, hits in notes]
        outs: list[list[NameCandidate]] = [[] for _ in notes]
        for step in self._steps():
            for (text, lower, hits), note_kinds, out in zip(notes, kinds, outs, strict=True):
                step(text, lower, hits, note_kinds, out)
        return outs

    def _steps(self) -> tuple[_Step, ...]:
        """The name rules in the order they report their candidates."""
        return (
            self._find_title,
            self._find_header,
            self._find_signature,
            self._find_cue,
            self._find_dictionary,
            self._find_initial,
            self._find_surname_initial,
            self._find_layout,
            self._find_cjk,
        )

    def _find_title(
        self,
        text: str,
        lower: str,
        hits: Sequence[Hit],
        kinds: dict[int, int],
        out: list[NameCandidate],
    ) -> None:
        on = self._on
        if on("name.title"):
            for m in self.title_re.finditer(text):
                if m.start() and (_is_word(text[m.start() - 1]) or text[m.start() - 1] == "."):
                    continue
                pos = m.end()
                if text.startswith("\n", pos) and text[pos - 1] == ".":
                    pos = _skip_blanks(text, pos + 1)  # "Dr.\nLévy, C.": the line broke
                # a one-letter title ("D. Manuel", "M. Blanc") is also a letter of the text
                # ("vitamina D. Tras la ingesta", "estadio D de Dukes", "M. bovis"): after it
                # an ordinary word or a lower-case one is no name
                letter = len(m.group("title").rstrip(".")) == 1
                s, e, words, _ = self.extend(text, pos, soft=letter, kinds=kinds)
                if letter and words and self._common_first(text, s, e, kinds):
                    continue
                label = "DOCTOR" if m.group("title").lower() in self.doctor_titles else "PATIENT"
                if words:
                    out.append(NameCandidate(s, e, label, "name.title", 0.95))
                elif not letter and (
                    found := self.loose(text, pos, kinds, strict=False)
                ) is not None:
                    out.append(NameCandidate(*found, label, "name.title", 0.85))
            if self._lower_title_scan is not None:
                for m in _lead_matches(self._lower_title_scan, _LOWER_TITLE_LEAD_RE, lower):
                    if not text[m.start()].islower():
                        continue  # the Title and UPPER forms are the title rule's above
                    found = self.loose(text, m.end(), kinds, strict=False)
                    if found is not None:
                        label = (
                            "DOCTOR" if m.group("title") in self.doctor_titles else "PATIENT"
                        )
                        out.append(NameCandidate(*found, label, "name.title", 0.85))

    def _find_header(
        self,
        text: str,
        lower: str,
        hits: Sequence[Hit],
        kinds: dict[int, int],
        out: list[NameCandidate],
    ) -> None:
        on = self._on
        if on("name.header"):
            for head, pos in self._headers(text, lower):
                title = self.title_re.match(text, pos)
                if title is None and self.lower_title_re is not None:
                    title = self.lower_title_re.match(lower, pos)
                if title is not None:
                    pos = title.end()
                label = "DOCTOR" if head in self.header_doctor else "PATIENT"
                if title is not None and title.group("title").lower() in self.doctor_titles:
                    label = "DOCTOR"
                kin = _KIN_WORD.match(text, pos)
                if title is None and kin is not None and kin.group(1).lower() in self.naming_cues:
                    pos = kin.end()  # "caller: granddaughter brady, dorothy"
                s, e, words, initial = self.extend(text, pos, soft=False, kinds=kinds)
                if words:
                    if head in self.ambiguous_headers and title is None and not (
                        initial or self._has_name_word(s, e, kinds)
                    ):
                        continue  # "CC: Dizziness" (chief complaint), "Tech: Standard"
                    out.append(NameCandidate(s, e, label, "name.header", 0.9))
                    if head in self.header_doctor:
                        self._header_list(text, e, label, kinds, out)
                elif (found := self.loose(text, pos, kinds, strict=True)) is not None:
                    # "surgeon: terán c.", "patient:sanchez o.": dictation lowers the value
                    if head in self.ambiguous_headers and title is None and not (
                        _has_initial(text, *found) or self._has_name_word(*found, kinds)
                    ):
                        continue
                    out.append(NameCandidate(*found, label, "name.header", 0.85))

    def _header_list(
        self,
        text: str,
        end: int,
        label: str,
        kinds: Mapping[int, int],
        out: list[NameCandidate],
    ) -> None:
        """The names after the first of a staff header, one per comma: "Assistentie: Jurick
        Bernadina, Shurendy Isenia", "cc: Anna Berg, Tom Lind". Each must be two words or more
        with no place word in it, so a town or a street after the name ("..., Dorpsstraat 4",
        "..., Utrecht") and credentials in capitals ("..., MBBS, DEA") stay out."""
        while (sep := _LIST_COMMA.match(text, end)) is not None:
            s, e, words, _ = self.extend(text, sep.end(), soft=False, kinds=kinds)
            if (words < 2 or any(kinds.get(k, 0) & _PLACE_KINDS for k in range(s, e))
                    or any(len(w) > 1 and w.isupper() for w in text[s:e].split())):
                return  # a place, or a credential in capitals ("..., MBBS, DEA")
            out.append(NameCandidate(s, e, label, "name.header", 0.8))
            end = e

    def _find_signature(
        self,
        text: str,
        lower: str,
        hits: Sequence[Hit],
        kinds: dict[int, int],
        out: list[NameCandidate],
    ) -> None:
        on = self._on
        if on("name.signature"):
            for cm in self.cred_re.finditer(text):
                if cm.start() and _is_word(text[cm.start() - 1]):
                    continue
                sig = self.cred_name_re.search(text, max(0, cm.start() - 60), cm.start())
                if sig is None:
                    continue
                s, e = sig.span("name")
                # trim leading words that cannot be part of a name ("Seen by John Smith MD")
                while s < e:
                    tok = _FIRST_TOKEN.match(text, s)
                    if tok is None:
                        break
                    word = tok.group("word")
                    if len(word or "") == 1 and word.isupper():
                        if _soap_letter(text, s, tok.end()):
                            # "P  Gesprek NP", "A  Stabiel PA": the letter heads a SOAP/SOEP
                            # line, what follows it is the note, not a signed name
                            s = _skip_spaces(text, tok.end())
                            continue
                        break  # "A Ogindan MD": an initial without its dot
                    if word and (self._stop(word, soft=True) and not kinds.get(s, 0) & NAME_KINDS):
                        nxt = _TOKEN.match(text, tok.end())
                        if nxt is None:
                            s = e
                            break
                        s = nxt.start("init") if nxt.group("init") else nxt.start("word")
                        continue
                    break
                e = self._without_credentials(text, s, e)
                if s < e and " " in text[s:e].strip():
                    out.append(NameCandidate(s, e, "DOCTOR", "name.signature", 0.9))

    def _without_credentials(self, text: str, s: int, e: int) -> int:
        """Where a signed name ends before the credentials that precede the one found.

        Why: a row of credentials is found from its last ("S. Jayawardena MBBS, MD"), and the
        name grown to its left takes the capitalised ones before it ("MBBS"), which are not PHI.
        """
        while e > s:
            head = text[s:e].rstrip(" \t,")
            cut = head.rfind(" ")
            if cut < 0:
                break
            last = head[cut + 1 :]
            if self.cred_re.fullmatch(last) is None:
                break
            e = s + len(head[:cut].rstrip(" \t,"))
        return e

    def _find_cue(
        self,
        text: str,
        lower: str,
        hits: Sequence[Hit],
        kinds: dict[int, int],
        out: list[NameCandidate],
    ) -> None:
        on = self._on
        if on("name.cue"):
            for m in self.soft_re.finditer(lower):
                if m.start() and _is_word(text[m.start() - 1]):
                    continue
                if not text[m.end()].isupper():
                    cue = m.group("cue").lower()
                    if cue in self.kin_cues and cue not in self.soft_doctor:
                        # "moeder zahra", "broertje ali": a relative named in a note written
                        # in lower case, with a first name of the lists as evidence; the name
                        # ends at a comma ("zoon karim, 12 jaar")
                        found = self.loose(text, m.end(), kinds, strict=False)
                        if found is not None and self._first_name_word(text, found[0], kinds):
                            comma = text.find(",", *found)
                            end = found[1] if comma < 0 else comma
                            out.append(NameCandidate(found[0], end, "PATIENT", "name.cue", 0.7))
                        continue
                    # "discussed with attending x. garrido": lower case, an initial as evidence
                    if cue not in self.soft_doctor:
                        continue  # "pt requested a copy": patient cues start sentences
                    found = self.loose(text, m.end(), kinds, strict=False)
                    if found is not None and _DOTTED_INITIAL.search(text, *found):
                        out.append(NameCandidate(*found, "DOCTOR", "name.cue", 0.75))
                    continue
                s, e, words, initial = self.extend(text, m.end(), soft=True, kinds=kinds)
                if not words:
                    continue
                has_dict = any(kinds.get(k, 0) & (Kind.FIRST | Kind.LAST) for k in range(s, e))
                cue = m.group("cue").lower()
                if has_dict or initial or cue in self.naming_cues:
                    label = "DOCTOR" if cue in self.soft_doctor else "PATIENT"
                    out.append(NameCandidate(s, e, label, "name.cue", 0.8 if has_dict else 0.7))

    def _find_dictionary(
        self,
        text: str,
        lower: str,
        hits: Sequence[Hit],
        kinds: dict[int, int],
        out: list[NameCandidate],
    ) -> None:
        on = self._on
        if on("name.dictionary"):
            out.extend(self._dictionary(text, hits, kinds))

    def _find_initial(
        self,
        text: str,
        lower: str,
        hits: Sequence[Hit],
        kinds: dict[int, int],
        out: list[NameCandidate],
    ) -> None:
        on = self._on
        if on("name.initial"):
            for im in _INITIAL.finditer(text):
                im_start = im.start() - _INITIAL_BACK
                if self._organism(text, im.end()):
                    continue  # "Urosepsis E. coli"
                wm = _WORD_BEFORE_INITIAL.search(text, max(0, im_start - 40), im_start)
                if wm is None:
                    continue
                word = wm.group(1)
                parts = word.split("-")
                if any(self._stop(p, soft=True) for p in parts) or word in self.breakers:
                    continue
                at_sentence_start = wm.start() == 0 or _SENTENCE_START.search(
                    text[max(0, wm.start() - 4) : wm.start()]
                )
                if at_sentence_start and not kinds.get(wm.start(), 0) & (Kind.FIRST | Kind.LAST):
                    continue
                out.append(NameCandidate(wm.start(), im.end(), "PATIENT", "name.initial", 0.7))

    def _find_surname_initial(
        self,
        text: str,
        lower: str,
        hits: Sequence[Hit],
        kinds: dict[int, int],
        out: list[NameCandidate],
    ) -> None:
        on = self._on
        if on("name.surname_initial"):
            out.extend(self._surname_initials(text, kinds))

    def _find_layout(
        self,
        text: str,
        lower: str,
        hits: Sequence[Hit],
        kinds: dict[int, int],
        out: list[NameCandidate],
    ) -> None:
        on = self._on
        if on("name.layout"):
            out.extend(self._layout(text, kinds))

    def _find_cjk(
        self,
        text: str,
        lower: str,
        hits: Sequence[Hit],
        kinds: dict[int, int],
        out: list[NameCandidate],
    ) -> None:
        on = self._on
        if on("name.cjk") and self.cjk_re is not None and not text.isascii():
            for m in self.cjk_re.finditer(text):
                out.append(NameCandidate(m.start(), m.end(), "PATIENT", "name.cjk", 0.6))

    def loose(
        self, text: str, pos: int, kinds: Mapping[int, int], *, strict: bool
    ) -> tuple[int, int] | None:
        """A name of any case at ``pos`` after a strong anchor: "j fan", "sisneros c.",
        "mina, b.", "atkins, raymond", "wo0ds o.".

        Dictation and messy exports lower-case names, so after a title or a header the shape
        is the evidence: up to two leading initials, one or two words that are not common
        words, a trailing initial; a comma only after the first word. ``strict`` (a header's
        value, a table cell, a sign-off line) also needs the name to fill its field; without
        it (after a title) a second word needs the dictionaries or the field's end.
        """
        toks: list[tuple[int, int, bool]] = []  # (start, end, is a word)
        words = 0
        i = pos
        while len(toks) < 5:
            m = _LOOSE_TOKEN.match(text, i)
            if m is None:
                break
            sep = m.group("sep") or ""
            if bool(toks) != bool(sep):
                break
            if "," in sep and not (len(toks) == 1 and toks[0][2]):
                break
            if m.group("word"):
                if words == 2 or self._not_loose(m.group("word")):
                    break
                words += 1
                toks.append((m.start("word"), m.end(), True))
            else:
                if not words and len(toks) == 2:
                    break
                if words and m.group("init") in _LETTER_WORDS and text[m.end() - 1] != ".":
                    break  # "mme santoni a parlé": a one-letter verb or conjunction, no initial
                toks.append((m.start("init"), m.end(), False))
            i = m.end()
            if words and (not toks[-1][2] or "," in sep):
                break  # a trailing initial or the part after "Surname," ends the name
        while toks and not toks[-1][2] and not words:
            toks.pop()
        if not words:
            return None
        start, end = toks[0][0], toks[-1][1]
        if self._field_ends(text, end):
            return start, end
        if strict:
            return None
        word_toks = [t for t in toks if t[2]]
        if len(word_toks) == 2 and not kinds.get(word_toks[1][0], 0) & NAME_KINDS:
            # "dr smith recommends": the second word is not known as a name
            end = word_toks[0][1]
            first_init = [t for t in toks if not t[2] and t[0] < word_toks[0][0]]
            start = first_init[0][0] if first_init else word_toks[0][0]
        return start, end

    @staticmethod
    def _has_name_word(start: int, end: int, kinds: Mapping[int, int]) -> bool:
        return any(
            kinds.get(k, 0) & (Kind.FIRST | Kind.LAST) and not kinds.get(k, 0) & Kind.AMBIGUOUS
            for k in range(start, end)
        )

    def _first_name_word(self, text: str, start: int, kinds: Mapping[int, int]) -> bool:
        """Whether the word at ``start`` is a first name of the lists that is no ambiguous,
        common or clinical word: the evidence a lower-case name after a kinship word needs
        ("vader ahmad", but not "moeder thuis")."""
        kind = kinds.get(start, 0)
        if not kind & Kind.FIRST or kind & Kind.AMBIGUOUS:
            return False
        m = _FIELD_WORD.match(text, start)
        return m is not None and not self._field_word(m.group()) and not self._not_loose(
            m.group())

    def _not_loose(self, word: str) -> bool:
        """Words that never stand for a name on their own evidence: common and clinical words,
        field words ("none", "po"), header and kinship words, titles."""
        low = word.lower()
        return (
            fold(word) in self.field_common
            or low in self.value_stop
            or low in self.headers
            or low in self.naming_cues
            or low in self.lower_titles
            or len(low) < 2
            # an elided article or preposition before a lower-case word ("IDE d'annonce",
            # "médecin d'astreinte", "infermiera dell'ambulatorio") is an ordinary phrase
            or _ELIDED_WORD.match(word) is not None
        )

    def _field_word(self, word: str) -> bool:
        """Words that say a field holds something else than a name ("po", "daily", "none")."""
        low = word.lower()
        return (
            low in self.value_stop
            or low in self.clinical
            or low in self.headers
            or low in self.breakers_lower
        )

    def _field_ends(self, text: str, end: int) -> bool:
        if _FIELD_END.match(text, end):
            return True
        cred = self.cred_re.match(text, _skip_spaces(text, end))
        return cred is not None and cred.start() > end

    def _surname_initials(self, text: str, kinds: Mapping[int, int]) -> list[NameCandidate]:
        """ "Rowe, L.", "sisneros, c.", "NAIR N.", "kader i. (resident)": a surname and an
        initial. With the comma the shape is the evidence; without it (the capitalised form
        is ``name.initial``'s) the name must fill its field or be in the dictionaries."""
        out: list[NameCandidate] = []
        for im in _LONE_INITIAL.finditer(text):
            im_start = im.start() - 1  # the initial's letter
            m = _SURNAME_BEFORE.search(text, max(0, im_start - 40), im_start)
            if m is None:
                continue
            word, initial = m.group("s"), text[im_start]
            if word.islower() != initial.islower():
                continue
            if self._organism(text, im.end()):
                continue  # "Urosepsis, E. coli": a genus initial and its species
            if _NEXT_CAPITALISED.match(text, im.end()):
                continue  # "Demenz vom Alzheimer-Typ, M. Parkinson": the initial starts a name
            if word.islower() or (word.isupper() and len(word) > 1):
                if self._not_loose(word):
                    continue
            elif self._stop(word, soft=True) or word in self.breakers:
                continue
            if kinds.get(m.start("s"), 0) & _PLACE_KINDS:
                continue
            if m.group("comma") is None:
                if not (word.islower() or word.isupper()):
                    continue
                in_dict = bool(kinds.get(m.start("s"), 0) & (Kind.FIRST | Kind.LAST))
                if not in_dict and not self._field_ends(text, im.end()):
                    continue
            out.append(
                NameCandidate(m.start("s"), im.end(), "PATIENT", "name.surname_initial", 0.8)
            )
        return out

    def _organism(self, text: str, pos: int) -> bool:
        """Whether a species epithet ("coli", "aureus", "pylori") follows the initial ending
        at ``pos``: "E. coli", "S. aureus" are organisms, never a name's initial."""
        if self.organism_re is None:
            return False
        return self.organism_re.match(text, pos) is not None

    def _layout(self, text: str, kinds: Mapping[int, int]) -> list[NameCandidate]:
        """Names the layout gives away (``layout``): the line after a sign-off, an e-mail
        display name, a cell of a name column."""
        out: list[NameCandidate] = []
        for pos in self.layout.sign_offs(text):
            title = self.title_re.match(text, pos)
            if title is None and self.lower_title_re is not None:
                title = self.lower_title_re.match(text.lower(), pos)
            if title is not None:
                continue  # the title rule finds it
            s, e, words, _ = self.extend(text, pos, soft=True, kinds=kinds)
            if words and self._field_ends(text, e):
                out.append(NameCandidate(s, e, "DOCTOR", "name.layout", 0.85))
            elif (found := self.loose(text, pos, kinds, strict=True)) is not None:
                out.append(NameCandidate(*found, "DOCTOR", "name.layout", 0.85))
        for s, e in email_display_names(text):
            found = self._field_name(text, s, e)
            if found is not None:
                out.append(NameCandidate(*found, "DOCTOR", "name.layout", 0.85))
        for cell in self.layout.table_cells(text):
            found = self._field_name(text, cell.start, cell.end, table=True)
            if found is not None:
                out.append(NameCandidate(*found, cell.label, "name.layout", 0.8))
        return out

    def _field_name(
        self, text: str, start: int, end: int, *, table: bool = False
    ) -> tuple[int, int] | None:
        """The name filling ``text[start:end]`` (a title first allowed), or None when the
        field holds anything else: digits, common or field words, more than four words."""
        seg = text[start:end]
        while seg and seg[-1] in " \t,'\"":
            seg = seg[:-1]
        while seg and seg[0] in " \t'\"":
            seg, start = seg[1:], start + 1
        title = self.title_re.match(seg) or (
            self.lower_title_re.match(seg.lower()) if self.lower_title_re is not None else None
        )
        if title is not None and len(title.group("title")) == 1:
            title = None  # "M.\nProeter": a one-letter title is the name's initial here
        body_start = title.end() if title is not None else 0
        body = seg[body_start:].replace("-\n", "")
        if not body or not _FIELD_CHARS.fullmatch(body.replace("\n", " ")):
            return None
        tokens = _FIELD_WORD.findall(body)
        if not tokens or len(tokens) > 4:
            return None
        words = [t.rstrip(".") for t in tokens if len(t.rstrip(".")) >= 2]
        if not words:
            return None
        if table and len(words) >= 2:
            # a name cell may hold a word that is also common ("power alyssa"); a cell of
            # common words only, or with a field word in it, is no name
            if all(self._not_loose(w) for w in words) or any(
                self._field_word(w) for w in words
            ):
                return None
        elif any(self._not_loose(w) for w in words):
            return None
        if table and title is None and len(words) == 1 and words[0].isupper():
            return None  # "PO", "BID", "IV" left in a name column by a wrapped row
        return start + body_start, start + len(seg)

    def _headers(self, text: str, lower: str) -> list[tuple[str, int]]:
        """(header phrase, offset after the delimiter and spaces) for "Header: value" fields."""
        out: list[tuple[str, int]] = []
        heads = self.headers
        for m in _DELIMITER.finditer(text):
            pos = m.start()
            base = max(0, pos - 40)
            seg = lower[base:pos].rstrip().rstrip(".").rstrip()  # "ASSISTANT.....: x"
            tokens = seg.split()
            if not tokens:
                continue
            last = tokens[-1]
            if last not in self._header_last_words and last.lstrip(_HEADER_PUNCT) not in heads:
                continue  # no header ends with the word before the delimiter ("14:32")
            for k in range(min(self.header_words, len(tokens)), 0, -1):
                phrase = " ".join(tokens[-k:]).lstrip(_HEADER_PUNCT)
                if phrase not in self.headers:
                    continue
                tail = re.search(rf"\S+(?:\s+\S+){{{k - 1}}}$", seg)
                head_start = base + (tail.start() if tail else 0)
                if tail:
                    head_start += len(tail.group(0)) - len(tail.group(0).lstrip(_HEADER_PUNCT))
                if _line_start(text, head_start) or at_line_start(text, head_start):
                    after = m.end()
                    # "cc:[W. Zhang]", "Patient: (Maria Garcia)": the bracket is not the name
                    while after < len(text) and text[after] in " \t[(|":
                        after += 1
                    out.append((phrase, after))
                break
        return out

    def _eponym(self, text: str, start: int, end: int) -> bool:
        """ "Parkinson disease", "Stevens-Johnson syndrome", "Foley catheter" are not names,
        nor, in languages that name the thing first, "enfermedad de Parkinson"."""
        if self.eponym_before is not None:
            # "Bence-Jones", "Miller Fisher": the noun is before the eponym's first part
            head = _NAME_HEAD.search(text, max(0, start - _LEADER_WINDOW), start)
            lead = head.start() if head else start
            if self.eponym_before.search(text, max(0, lead - _LEADER_WINDOW), lead):
                return True
        if self.eponym_after is None:
            return False
        compound = _HYPHEN_TAIL.match(text, end)
        if compound:
            end = compound.end()
        return bool(self.eponym_after.match(text, end))

    def _on(self, rule: str) -> bool:
        return rule not in self.disabled and "name" not in self.disabled

    def _dictionary(
        self, text: str, hits: Sequence[Hit], kinds: Mapping[int, int]
    ) -> list[NameCandidate]:
        out: list[NameCandidate] = []
        covered_to = -1
        for hit in hits:
            kind = hit.kind
            if not kind & NAME_KINDS or hit.start < covered_to:
                continue
            word = text[hit.start : hit.end]
            if not is_capitalised(word) or " " in word:
                continue
            if word.lower() in self.clinical:
                continue
            if kind & Kind.AMBIGUOUS:
                # "Jack Smith", "Will Brown": an ambiguous first name joins a known surname.
                # Ambiguous wins over a first-name or surname listing of the same word: a
                # language pack marks "Koch" or "Mann" ambiguous while the packaged lists
                # (loaded too) have them as surnames
                nxt = _TOKEN.match(text, hit.end)
                if nxt and nxt.group("word") and is_capitalised(nxt.group("word")):
                    nk = kinds.get(nxt.start("word"), 0)
                    if nk & (Kind.LAST | Kind.FIRST) and not nk & Kind.AMBIGUOUS:
                        _, e2, words, _ = self.extend(
                            text, nxt.start("word"), soft=True, kinds=kinds
                        )
                        # "HOPE LAMBERT": soft extension stops at an ALL-CAPS word and finds no
                        # name (end -1); there is then no surname for the ambiguous word to join
                        if words and not self._eponym(text, hit.start, e2):
                            out.append(
                                NameCandidate(hit.start, e2, "PATIENT", "name.dictionary", 0.8)
                            )
                            covered_to = e2
                continue
            if (
                word.isupper()
                and len(word) > 1
                and not text[hit.end : hit.end + 3].strip()
                and not _is_caps_name_context(text, hit.end)
            ):
                continue  # ALL-CAPS words are section headers and acronyms more than names
            if word.isupper() and len(word) > 1:
                caps = self._caps_full_name(text, hit.start, kinds)
                if caps is not None:
                    out.append(caps)
                    covered_to = caps.end
                    continue
            if self._eponym(text, hit.start, hit.end):
                continue
            s, e, words, initial = self.extend(text, hit.start, soft=True, kinds=kinds)
            if s != hit.start or e <= s:
                continue
            sentence_start = bool(_SENTENCE_START.search(text[max(0, s - 4) : s])) or s == 0
            if words >= 2 or initial:
                # a full name: count the dictionary members to guard against "Chest Pain"
                members = sum(1 for k in range(s, e) if kinds.get(k, 0) & (Kind.FIRST | Kind.LAST))
                score = 0.85 if members >= 1 else 0.5
                if e - s > 0 and score >= 0.5:
                    out.append(NameCandidate(s, e, "PATIENT", "name.dictionary", score))
                    covered_to = e
                continue
            if kind & Kind.FIRST:
                # "Makinde, Gbolahan": a capitalised word and a comma before a first name
                back = _SURNAME_COMMA.search(text, max(0, s - 40), s)
                if back is not None and not self._stop(back.group(1), soft=True):
                    back_kind = kinds.get(back.start(1), 0)
                    if not back_kind & _PLACE_KINDS and not back.group(1).isupper():
                        out.append(
                            NameCandidate(back.start(1), e, "PATIENT", "name.dictionary", 0.8)
                        )
                        continue
            if len(word) < 3 or sentence_start:
                continue
            if kind & Kind.FIRST:
                if self._on("name.dictionary_first"):
                    out.append(NameCandidate(s, e, "PATIENT", "name.dictionary_first", 0.6))
            elif kind & Kind.LAST and len(word) >= 4:
                # "Olusegun Adeyemi": a capitalised word right before a known surname is
                # taken as the (unknown) first name
                prev = _PREV_WORD.search(text, max(0, s - 30), s)
                if (
                    prev
                    and not self._stop(prev.group(1), soft=True)
                    and is_capitalised(prev.group(1))
                    and not prev.group(1).isupper()
                    and not self._eponym(text, s, e)
                ):
                    out.append(NameCandidate(prev.start(1), e, "PATIENT", "name.dictionary", 0.8))
                elif self._on("name.dictionary_last"):
                    out.append(NameCandidate(s, e, "PATIENT", "name.dictionary_last", 0.5))
        return out

    def _caps_full_name(
        self, text: str, start: int, kinds: Mapping[int, int]
    ) -> NameCandidate | None:
        """A name written in capitals in running text ("PATIENT JOHN SMITH WAS SEEN").

        Why a rule of its own: a capitalised word is no evidence in an ALL-CAPS note, so the
        usual growth stops at every capital word. Evidence here is the dictionaries alone: two
        or three capital words, the first a given name, the last a surname, none of them an
        ambiguous, clinical or stop word, so headers ("HISTORY OF PRESENT ILLNESS", "CHEST PAIN")
        never qualify. An initial may stand between them ("JOHN Q SMITH").
        """
        words: list[tuple[int, int, int]] = []  # (start, end, kinds) of each word
        m = _FIRST_TOKEN.match(text, start)
        while m is not None and len(words) < 3:
            tok = m.group("word") or m.group("init") or ""
            tok_start = m.start()
            if tok.isalpha() and len(tok) == 1 and tok.isupper() and words:
                m = _TOKEN.match(text, m.end())  # a middle initial without a dot
                continue
            kind = kinds.get(m.start("word") if m.group("word") else tok_start, 0)
            if (
                not m.group("word")
                or not tok.isupper()
                or len(tok) < 2
                or not kind & (Kind.FIRST | Kind.LAST)
                or kind & (Kind.AMBIGUOUS | Kind.STOP | Kind.CLINICAL | Kind.EPONYM)
                or self._stop(tok, soft=True)
            ):
                break
            words.append((m.start("word"), m.end("word"), kind))
            m = _TOKEN.match(text, m.end())
        while len(words) >= 2 and not words[-1][2] & Kind.LAST:
            words.pop()
        if len(words) < 2 or not words[0][2] & Kind.FIRST:
            return None
        end = words[-1][1]
        if self._eponym(text, words[0][0], end):
            return None
        return NameCandidate(words[0][0], end, "PATIENT", "name.dictionary", 0.85)

    def propagate_resolved(
        self, text: str, spans: Iterable[Span], *, own: str
    ) -> list[NameCandidate]:
        """Occurrences of the names other detectors found (resolved spans whose source is not
        ``own``), as ``propagate`` does for the rules' own names. Only capitalised,
        name-shaped spans count: a model's stray NAME on a misspelt word ("eannot") or a drug
        must not spread."""
        sources = [
            NameSource(text[s.start : s.end], s.label)
            for s in spans
            if coarse(s.label) == "NAME"
            and not s.source.startswith(own + ":")
            and _name_shaped(text[s.start : s.end])
        ]
        if not sources:
            return []
        propagator = Propagator(
            sources,
            is_stop=lambda tok: self._stop(tok, soft=True),
            common=self.common,
            memo=self._name_parts,
        )
        covered = [(s.start, s.end) for s in spans]
        return [
            NameCandidate(o.start, o.end, o.label, "name.propagated", 0.75)
            for o in propagator.scan(text)
            if not any(a <= o.start and o.end <= b for a, b in covered)
        ]

    def propagate(self, text: str, found: Iterable[NameCandidate]) -> list[NameCandidate]:
        """Tag other occurrences of strongly evidenced names (see ``propagation``).

        ``found`` holds candidates with offsets into ``text``; the text may be a whole long
        note while the candidates were found window by window.
        """
        # the best evidenced finding of a name sets its label ("Dr." over a dictionary hit),
        # whatever order the rules or windows reported them in
        strong = sorted((c for c in found if c.score >= 0.8), key=lambda c: (-c.score, c.start))
        sources = [NameSource(text[c.start : c.end], c.label) for c in strong]
        propagator = Propagator(
            sources,
            is_stop=lambda tok: self._stop(tok, soft=True),
            common=self.common,
            memo=self._name_parts,
        )
        if not propagator:
            return []
        return [
            NameCandidate(o.start, o.end, o.label, "name.propagated", 0.75)
            for o in propagator.scan(text)
        ]


def _lead_matches(
    pattern: re.Pattern[str], lead: re.Pattern[str], text: str
) -> Iterator[re.Match[str]]:
    """What ``finditer`` of ``lead`` + ``pattern`` finds, with the zero-width ``lead`` checked
    in Python: after a match the lead rejects, the search goes on from the next character
    (not from the match's end), so overlapping matches are found as the joined pattern finds
    them. ``pattern`` must not match the empty string."""
    pos = 0
    search = pattern.search
    while (m := search(text, pos)) is not None:
        start = m.start()
        if lead.match(text, start) is None:
            pos = start + 1
            continue
        yield m
        pos = m.end()


def _kinds(hits: Sequence[Hit]) -> dict[int, int]:
    """Dictionary kinds by start offset: name kinds, and place kinds too (the name rules veto
    a "Surname, Given" whose surname is a place, "Plymouth, Devon"); every reader masks the
    bits it needs."""
    kinds: dict[int, int] = {}
    for h in hits:
        if h.kind & (NAME_KINDS | _PLACE_KINDS):
            kinds[h.start] = kinds.get(h.start, 0) | h.kind
    return kinds


def _has_initial(text: str, start: int, end: int) -> bool:
    """Whether a found name has a one-letter initial ("sisneros, c.", "j fan")."""
    return any(len(tok.rstrip(".")) == 1 for tok in text[start:end].replace(",", " ").split())


def _name_shaped(text: str) -> bool:
    """A name as a model or an LLM found it, worth looking for elsewhere: one to four
    capitalised words or initials (not "eannot", "Januvia and", "MRN 123")."""
    parts = text.split()
    return 0 < len(parts) <= 4 and all(
        _CAPITALISED_PART.fullmatch(p) is not None for p in parts
    ) and any(len(p.rstrip(".,")) >= 3 for p in parts)


def _soap_letter(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` is the letter of a SOAP/SOEP line ("S  pijn", "P\tplan"):
    S, O, A, E or P first on its line, then a tab or two blanks."""
    return (
        text[start:end] in _SOAP_LETTERS
        and at_line_start(text, start)
        and (text.startswith("\t", end) or text.startswith("  ", end))
    )


def _skip_spaces(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t":
        pos += 1
    return pos


def _skip_blanks(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t>·•*":
        pos += 1
    return pos


def _is_word(ch: str) -> bool:
    return ch.isalnum() or ch == "_"


def _line_start(text: str, pos: int) -> bool:
    """A header starts a line or a field: after a newline, ';', '|', '(', ". ", ", " or 2 spaces."""
    i = pos
    while i > 0 and text[i - 1] in " \t":
        i -= 1
    if i == 0 or text[i - 1] in "\n;|(" or pos - i >= 2:
        return True
    return text[i - 1] in ".," and pos > i


def _is_caps_name_context(text: str, end: int) -> bool:
    nxt = _TOKEN.match(text, end)
    return bool(nxt and nxt.group("word") and nxt.group("word").isupper())


#: characters before a name searched for an eponym's leading noun ("grado 3c de Marsh")
_LEADER_WINDOW = 60


def _leaders_regex(words: Iterable[str]) -> re.Pattern[str] | None:
    """The nouns that make the name-like word after them an eponym (Spanish, Italian, French
    order: "enfermedad de Parkinson", "técnica de Anderson-Hynes", "drenaje tipo Blake"), as
    one case-insensitive pattern that ends where the name starts: the noun right before it, or
    the noun, up to three words ("cuestionario de depresión de Beck", "estadio D de Dukes") and
    "de", with no sentence or clause break between. A name after any other word ("su hijo
    Juan", "visto por Dr. Ruiz") is not matched."""
    items = sorted({w.lower() for w in words if w}, key=len, reverse=True)
    if not items:
        return None
    body = "|".join(re.escape(w) for w in items)
    return re.compile(
        rf"(?<![\w-])(?:{body})(?:(?:[ \t]+[^\s.,;:()]+){{0,3}}?[ \t]+(?:de|di|du|des|van|von))?"
        r"[ \t]+\Z",
        re.IGNORECASE,
    )


def _followers_regex(words: Iterable[str]) -> re.Pattern[str] | None:
    """The words that make a preceding name-like word an eponym, as one case-insensitive
    alternation after an optional possessive ("Parkinson's disease", "Foley catheter")."""
    items = sorted({w.lower() for w in words if w}, key=len, reverse=True)
    if not items:
        return None
    body = "|".join(re.escape(w) for w in items)
    return re.compile(rf"['’]?s?[ \t]*(?:{body})\b", re.IGNORECASE)
