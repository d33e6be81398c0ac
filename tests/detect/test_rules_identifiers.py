"""HIPAA identifier shapes of the rule detector (issue 16): IPs, MACs, plates, VINs, UDIs, IDs.

Positive cases check the whole identifier is covered with the right label; hard negatives
check look-alikes (times, versions, lab rows, doses) stay text. The validators are also tested
directly, since their checksums decide most of these rules.
"""

from __future__ import annotations

import re

import pytest

from _rules import labels_at
from fairdeid.detect.rules import RuleDetector
from fairdeid.detect.rules import validators as v
from fairdeid.document import Document


def labels_covering(det: RuleDetector, text: str, part: str) -> set[str]:
    return labels_at(det, text, part, fine=True)


def spans_of(det: RuleDetector, text: str) -> list[str]:
    return [text[s.start : s.end] for s in det.detect(Document(id="t", text=text))]


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("Server at 192.168.1.10:8080 logged it.", "192.168.1.10:8080"),
        ("Subnet 10.0.0.0/24 blocked.", "10.0.0.0/24"),
        (
            "Addr 2001:0db8:85a3:0000:0000:8a2e:0370:7334 seen.",
            "2001:0db8:85a3:0000:0000:8a2e:0370:7334",
        ),
        ("Addr 2001:db8::8a2e:370:7334 seen.", "2001:db8::8a2e:370:7334"),
        ("Host fe80::1ff:fe23:4567:890a%eth0 up.", "fe80::1ff:fe23:4567:890a%eth0"),
        ("Endpoint [2001:db8::1]:8080 answered.", "[2001:db8::1]:8080"),
        ("Loopback ::1 only.", "::1"),
        ("Mapped ::ffff:192.0.2.128 seen.", "::ffff:192.0.2.128"),
        ("Prefix 2001:db8::/32 routed.", "2001:db8::/32"),
    ],
)
def test_ip_addresses(det: RuleDetector, text: str, part: str) -> None:
    assert "IPADDR" in labels_covering(det, text, part)


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("MAC 00:1A:2B:3C:4D:5E on pump.", "00:1A:2B:3C:4D:5E"),
        ("MAC 00-1A-2B-3C-4D-5E on pump.", "00-1A-2B-3C-4D-5E"),
        ("Port shows aabb.ccdd.eeff today.", "aabb.ccdd.eeff"),
        ("Wi-Fi MAC address 001A2B3C4D5E registered.", "001A2B3C4D5E"),
        (
            "UDI (01)00844588003288(17)141120(10)7654321D(21)10987654d321 implanted.",
            "(01)00844588003288(17)141120(10)7654321D(21)10987654d321",
        ),
        ("Pacemaker ID: PX-4471 checked.", "PX-4471"),
    ],
)
def test_device_identifiers(det: RuleDetector, text: str, part: str) -> None:
    assert "DEVICE" in labels_covering(det, text, part)


@pytest.mark.parametrize(
    ("text", "part"),
    [
        ("He was seen driving AB12 CDE yesterday.", "AB12 CDE"),
        ("Vehicle 34 ABC 123 hit him.", "34 ABC 123"),
        ("License plate: 7ABC123.", "7ABC123"),
        ("Kennzeichen: B-AB 1234", "B-AB 1234"),
        ("kenteken 12-ABC-3 genoteerd", "12-ABC-3"),
        ("targa AB 123 CD", "AB 123 CD"),
        ("matrícula 1234 BCD", "1234 BCD"),
        ("Voiture AB-123-CD garée.", "AB-123-CD"),
        ("Car 京A·12345 parked.", "京A·12345"),
        ("Bike MH 12 AB 1234 skidded.", "MH 12 AB 1234"),
        ("Rickshaw DHAKA METRO GA 11-2233 hit.", "DHAKA METRO GA 11-2233"),
        ("Egyptian plate أ ب ج ١٢٣٤ seen.", "أ ب ج ١٢٣٤"),
        ("Car 1M8GDM9AXKP042788 towed.", "1M8GDM9AXKP042788"),
        ("Chassis number WVWZZZ1JZXW000001 on file.", "WVWZZZ1JZXW000001"),
    ],
)
def test_vehicle_identifiers(det: RuleDetector, text: str, part: str) -> None:
    assert "VEHICLE" in labels_covering(det, text, part)


@pytest.mark.parametrize(
    ("text", "part", "label"),
    [
        ("NI number QQ123456C.", "QQ123456C", "IDNUM"),
        ("NINO AB 12 34 56 C on file.", "AB 12 34 56 C", "IDNUM"),
        ("DNI 12345678Z.", "12345678Z", "IDNUM"),
        ("Sécurité sociale 1 85 05 78 006 084 91.", "1 85 05 78 006 084 91", "IDNUM"),
        ("Card 11010519491231002X.", "11010519491231002X", "IDNUM"),
        ("Aadhaar 2341 2341 2346.", "2341 2341 2346", "IDNUM"),
        ("CNIC 35202-1234567-1.", "35202-1234567-1", "IDNUM"),
        ("CURP GODE561231HDFRRN09.", "GODE561231HDFRRN09", "IDNUM"),
        ("Codice fiscale RSSMRA85T10A562S.", "RSSMRA85T10A562S", "IDNUM"),
        ("PAN ABCPE1234F.", "ABCPE1234F", "IDNUM"),
        ("NHS number 943 476 5919.", "943 476 5919", "IDNUM"),
        ("Paid with 4111 1111 1111 1111 today.", "4111 1111 1111 1111", "ACCOUNT"),
        ("IBAN GB82 WEST 1234 5698 7654 32.", "GB82 WEST 1234 5698 7654 32", "ACCOUNT"),
    ],
)
def test_national_and_account_ids(det: RuleDetector, text: str, part: str, label: str) -> None:
    assert label in labels_covering(det, text, part)


@pytest.mark.parametrize(
    "text",
    [
        "At 10:30 ratio 1:1 and 12:30:45; std::vector",
        "Version 1.2.3 build 4.5.6.7890.",
        "Labs: Hb 12 MCV 80 PLT 250.",
        "Dose 10 MG 100 tablets.",
        "Plaque 12 mm at the bulb.",
        "Regular rate and rhythm; vehicle restraint.",
        "Lot code 1234.5678.9012 on the box.",
        "Colour 10 AM 2021 shift.",
        "VIN-like 1M8GDM9AZKP042788 (bad check digit).",
        "NI prefix rules: DQ123456C is not issued.",
        "DNI-shaped 12345678A with a wrong letter.",
    ],
)
def test_identifier_look_alikes_stay_text(det: RuleDetector, text: str) -> None:
    found = {
        s.source
        for s in det.detect(Document(id="t", text=text))
        if s.label in {"IPADDR", "DEVICE", "VEHICLE", "IDNUM", "ACCOUNT"}
    }
    assert not found, found


def _match(pattern: str, value: str) -> re.Match[str]:
    m = re.fullmatch(pattern, value)
    assert m is not None
    return m


def test_ip_validator_uses_ipaddress() -> None:
    def ok(value: str) -> bool:
        return v.ip_address(_match(r".+", value), value)

    assert ok("192.168.1.10:8080") and ok("10.0.0.0/24") and ok("fe80::1%eth0")
    assert ok("[2001:db8::1]:8080") and ok("::ffff:192.0.2.128")
    assert not ok("256.1.1.1") and not ok("10.0.0.0/33") and not ok("192.168.1.1:70000")
    assert not ok("::") and not ok("12:30") and not ok("1:2:3:4:5:6:7:8:9")


def test_checksum_validators() -> None:
    assert v.vin_check_digit("1M8GDM9AXKP042788")
    assert not v.vin_check_digit("1M8GDM9AZKP042788")
    for func, good, bad in [
        (v.luhn, "4539 1488 0343 6467", "4539 1488 0343 6468"),
        (v.iban, "GB82 WEST 1234 5698 7654 32", "GB82 WEST 1234 5698 7654 33"),
        (v.es_dni, "12345678Z", "12345678A"),
        (v.fr_nir, "1 85 05 78 006 084 91", "1 85 05 78 006 084 36"),
        (v.cn_resident_id, "11010519491231002X", "110105194912310021"),
        (v.aadhaar, "2341 2341 2346", "2341 2341 2345"),
        (v.nhs_number, "943 476 5919", "943 476 5918"),
        (v.uk_nino, "AB 12 34 56 C", "DQ 12 34 56 C"),
    ]:
        assert func(_match(r".+", good), good), (func.__name__, good)
        assert not func(_match(r".+", bad), bad), (func.__name__, bad)


def test_mac_validator_needs_a_hex_letter_when_dotted() -> None:
    for value, expected in [("aabb.ccdd.eeff", True), ("1234.5678.9012", False)]:
        assert v.mac_address(_match(r".+", value), value) is expected
