"""Contact details and logins: PHONE, FAX, EMAIL, URL, IPADDR, USERNAME.

Phones keep their layout (a leading "+CC" country code is kept: it identifies nobody), e-mails
their separator and top-level domain, URLs their scheme and path shape, IPv4 stays IPv4.
"""

from __future__ import annotations

import ipaddress
import random
import re

from fairdeid.locales import get_pool
from fairdeid.replace.surrogates.context import SurrogateContext
from fairdeid.replace.surrogates.shape import keep_shape, match_case, to_ascii

_EMAIL_DOMAINS = ["example.com", "example.org", "example.net", "mail.example", "inbox.example"]
_URL_WORDS = ["clinic", "health", "care", "portal", "records", "family", "city", "north",
              "valley", "central", "river", "park"]


def _phone(original: str, locale: str, rng: random.Random, shape: str) -> str:
    if shape == "locale":
        return get_pool(locale).phone(rng)
    # Keep a leading "+CC" country code as written; it identifies nobody.
    m = re.match(r"^\s*\+\d{1,3}(?=[\s\-(.])", original)
    head = m.group(0) if m else ""
    return head + keep_shape(original[len(head):], rng)


def _email(original: str, locale: str, rng: random.Random) -> str:
    local, _, domain = original.partition("@")
    pool = get_pool(locale)
    given = to_ascii(pool.first_name(rng)).lower() or "user"
    family = to_ascii(pool.surname(rng)).lower() or "mail"
    sep = next((c for c in local if c in "._-"), "")
    user = f"{given}{sep}{family}" if sep else (given[:1] + family)
    user += "".join(str(rng.randrange(10)) for c in local if c.isdigit())[:4]
    tld = domain.rsplit(".", 1)[-1] if "." in domain else "com"
    host = rng.choice(_URL_WORDS) + rng.choice(_URL_WORDS)
    new_domain = f"{host}.{tld}" if tld.isalpha() and len(tld) <= 6 else rng.choice(_EMAIL_DOMAINS)
    return match_case(original, f"{user}@{new_domain}")


def _url(original: str, rng: random.Random) -> str:
    m = re.match(r"^(?P<scheme>[a-zA-Z][\w+.-]*://)?(?P<www>www\.)?(?P<host>[^/:?#\s]+)"
                 r"(?P<rest>.*)$", original)
    if m is None:
        return keep_shape(original, rng)
    host = m.group("host")
    labels = host.split(".")
    tld = labels[-1] if len(labels) > 1 and labels[-1].isalpha() else "org"
    new_host = f"{rng.choice(_URL_WORDS)}{rng.choice(_URL_WORDS)}.{tld}"
    rest = re.sub(r"[A-Za-z0-9]", lambda c: keep_shape(c.group(0), rng), m.group("rest"))
    return (m.group("scheme") or "") + (m.group("www") or "") + new_host + rest


def _ip(original: str, rng: random.Random) -> str:
    try:
        addr = ipaddress.ip_address(original.strip())
    except ValueError:
        return keep_shape(original, rng)
    if addr.version == 4:
        octets = [rng.randrange(1, 224)] + [rng.randrange(0, 256) for _ in range(2)] + \
                 [rng.randrange(1, 255)]
        return ".".join(map(str, octets))
    groups = original.strip().count(":")
    return ":".join(f"{rng.randrange(0x10000):x}" for _ in range(max(groups + 1, 8)))[:39]


def _username(original: str, locale: str, rng: random.Random) -> str:
    """A login of the original's shape: letters from a pool name, digits kept as digits."""
    pool = get_pool(locale)
    given = to_ascii(pool.first_name(rng)).lower() or "user"
    family = to_ascii(pool.surname(rng)).lower() or "name"
    letters = sum(c.isalpha() for c in original)
    base = (given[:1] + family) if letters <= len(family) + 2 else (given + family)
    base = base[: max(letters, 3)]
    digits = "".join(str(rng.randrange(10)) for c in original if c.isdigit())
    return match_case(original, base + digits)


class Phones:
    """PHONE, FAX: same layout (``shape="keep"``) or the locale's formats (``"locale"``)."""

    def like(self, original: str, rng: random.Random, ctx: SurrogateContext) -> str:
        return _phone(original, ctx.locale, rng, ctx.shape)

    def fresh(self, rng: random.Random, ctx: SurrogateContext) -> str:
        return get_pool(ctx.locale).phone(rng)


class Emails:
    """EMAIL."""

    def like(self, original: str, rng: random.Random, ctx: SurrogateContext) -> str:
        return _email(original, ctx.locale, rng)

    def fresh(self, rng: random.Random, ctx: SurrogateContext) -> str:
        return _email("first.last@mail.com", ctx.locale, rng)


class Urls:
    """URL."""

    def like(self, original: str, rng: random.Random, ctx: SurrogateContext) -> str:
        return _url(original, rng)

    def fresh(self, rng: random.Random, ctx: SurrogateContext) -> str:
        return _url("https://www.example.org", rng)


class IpAddresses:
    """IPADDR."""

    def like(self, original: str, rng: random.Random, ctx: SurrogateContext) -> str:
        return _ip(original, rng)

    def fresh(self, rng: random.Random, ctx: SurrogateContext) -> str:
        return _ip("0.0.0.0", rng)


class Usernames:
    """USERNAME: a login, not a person's name (no titles, no name shape)."""

    def like(self, original: str, rng: random.Random, ctx: SurrogateContext) -> str:
        return _username(original, ctx.locale, rng)

    def fresh(self, rng: random.Random, ctx: SurrogateContext) -> str:
        return _username("jsmith12", ctx.locale, rng)
