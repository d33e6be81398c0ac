"""Saved meeting chats and WebVTT transcripts: senders and speakers read by position.

The snippets are invented, in the shapes video-meeting software saves in several languages.
"""

from __future__ import annotations

from fairdeid.detect.structured import StructuredDetector, meetings
from fairdeid.document import Document

CHAT = (
    "===== meeting_saved_chat.txt =====\n"
    "09:14:02 De  Nathalie Bérubé (CHU - pneumologie)  à  Tout le monde:\n"
    "\tbonjour, on commence\n"
    "09:15:40 From  Dr. Kwame Asante - Tamale Teaching Hospital  to  Everyone:\n"
    "\tcan you hear me?\n"
    "09:16:05 Von  Moderator  an  Alle:\n"
    "\tAufzeichnung läuft\n"
)

VTT = (
    "WEBVTT\n\n"
    "1\n00:00:03.200 --> 00:00:07.950\n"
    "Sofía Calderón Ruiz - Centro de Salud Norte: ¿me escucha bien?\n\n"
    "2\n00:00:08.100 --> 00:00:11.020\n"
    "<v Marek Nowicki>Ja, dobrze.\n\n"
    "3\n00:00:11.500 --> 00:00:14.000\n"
    "Nota: la cámara se apagó.\n"
)


def _found(text: str) -> list[tuple[str, str]]:
    return [(h.label, text[h.start : h.end]) for h in meetings.find(text)]


def test_chat_senders_without_their_site_or_title() -> None:
    assert _found(CHAT) == [("DOCTOR", "Nathalie Bérubé"), ("DOCTOR", "Kwame Asante")]


def test_vtt_speakers_after_the_timing_line_and_in_voice_tags() -> None:
    # "Nota:" opens a cue but is one word, no name
    assert _found(VTT) == [("DOCTOR", "Sofía Calderón Ruiz"), ("DOCTOR", "Marek Nowicki")]


def test_older_chat_exports_without_recipients() -> None:
    text = "10:02:47\t From  Ama Owusu-Mensah : can you share the scan?\n"
    assert _found(text) == [("DOCTOR", "Ama Owusu-Mensah")]
    assert _found("10:02:47 De acuerdo con el plan: seguimos\n") == []


def test_a_timing_line_or_time_in_prose_is_no_speaker() -> None:
    assert _found("A las 10:02 de Ana a Pedro: nada\nEl plazo --> 12 días.\n") == []


def test_the_detector_reads_meetings() -> None:
    spans = StructuredDetector().detect(Document("d", VTT))
    assert any(s.source == "structured:meeting.vtt_speaker" for s in spans)
    off = StructuredDetector().with_disabled(["meeting"]).detect(Document("d", VTT))
    assert not any(s.source.startswith("structured:meeting") for s in off)
