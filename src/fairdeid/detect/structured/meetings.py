"""Video-meeting exports pasted into a note: a meeting chat saved as text and the WebVTT
transcript of a recorded teleconsultation, their speakers read by position.

Why: a teleconsultation's record keeps what the meeting software wrote, "15:03:10 De  Dilcia
Pravia - CESAMO PTO LEMPIRA  a  Todos:" (a chat line: time, "from", sender, "to", recipients)
and, in the transcript, a cue's timing line "00:00:09.900 --> 00:00:14.310" followed by
"Dilcia Pravia - CESAMO PTO LEMPIRA: Sí doctora". The sender and the speaker are people named
by position, the same in every language the software speaks, while no sentence says so, and
the rules that read "Name:" at a line start stop at the hyphen or the bracket after the name.
The name is the sender's words up to a hyphen, a bracket or a comma (what follows is the
site or role the software appends); it must have a name's shape (two capitalised words or
more, none a role), so "Tú", "Moderador" or "Nota:" give nothing. Speakers are staff as
often as patients; they are labelled DOCTOR, which no score of de-identification depends on
(both are names).
"""

from __future__ import annotations

import re

from fairdeid.detect.structured.common import Hit

#: a saved meeting chat's line: time, "from" in the software's languages, the sender, "to"
#: and the recipients (older exports leave them out), a colon (Zoom: "10:02:47 From  Ana Ruiz
#: to  Everyone:", "10:02:47	 From  Ana Ruiz : ...")
_CHAT = re.compile(
    r"^[ \t]*\d{1,2}:\d{2}(?::\d{2})?[ \t]+(?:From|De|Von|Da|Van)[ \t]+"
    r"(?P<sender>[^\n:]{2,80}?)(?:[ \t]+(?:to|a|à|an|aan|para)[ \t]+[^\n:]{1,40})?[ \t]*:",
    re.MULTILINE)
#: a WebVTT cue: its timing line, then the first payload line with the speaker before a colon
#: ("Ana Ruiz: buenos días") or in a voice tag ("<v Ana Ruiz>buenos días")
_CUE = re.compile(
    r"^[ \t]*(?:\d{1,2}:)?\d{2}:\d{2}[.,]\d{3}[ \t]+-->[ \t]+(?:\d{1,2}:)?\d{2}:\d{2}[.,]\d{3}"
    r"[^\n]*\r?\n[ \t]*(?:<v(?:\.[\w.-]+)?[ \t]+(?P<voice>[^>\n]{2,80})>|"
    r"(?P<speaker>[^\n:<>]{2,80}?):[ \t])", re.MULTILINE)
#: where the name part of a sender ends: what the software appends (" - site", " (role)")
_NAME_END = re.compile(r"[ \t]+[-–—][ \t]|[ \t]*[(\[,]")


def find(text: str) -> list[Hit]:
    """The senders of every saved-chat line and the speakers of every WebVTT cue."""
    hits: list[Hit] = []
    if " --> " in text or "\t-->" in text:
        for cue in _CUE.finditer(text):
            group = "voice" if cue.group("voice") is not None else "speaker"
            found = _name(text, cue.start(group), cue.end(group), "meeting.vtt_speaker")
            if found is not None:
                hits.append(found)
    for line in _CHAT.finditer(text):
        found = _name(text, line.start("sender"), line.end("sender"), "meeting.chat_sender")
        if found is not None:
            hits.append(found)
    return hits


def _name(text: str, start: int, end: int, where: str) -> Hit | None:
    """The name part of a sender, with a personal title outside, when it looks like a name:
    two words or more, none a role or a place of the chat senders' words (``chat.toml``),
    as for the senders of message threads ("Moderator", "Nota", "Recepción" are no names)."""
    from fairdeid.detect.structured.fields import _not_name, _value, chat_words
    from fairdeid.detect.structured.tables import normalise

    cut = _NAME_END.search(text, start, end)
    found = _value(text, start, cut.start() if cut else end, "DOCTOR", "sender")
    if found is None:
        return None
    words = text[found.start:found.end].split()
    if len(words) < 2 or any(_not_name(normalise(w), chat_words()) for w in words):
        return None
    return Hit(found.start, found.end, found.label, where)
