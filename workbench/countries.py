"""Countries and states: names as shop exports write them <-> ISO 3166 codes (pycountry).

The canonical model holds ISO 3166-1 alpha-2 country codes and province codes without the country
prefix (``US``/``NY``, as Shopify writes them); platforms such as PrestaShop and Magento name
countries and states in words. Ambiguous or unknown names are never guessed silently: callers get
how a name was matched and flag fuzzy or failed matches.
"""
from __future__ import annotations

import functools
import re
import unicodedata


__all__ = ["country_code", "country_name", "province_code", "province_name"]


#: English country names pycountry does not resolve (some as PrestaShop's own country list spells them)
_COUNTRY_ALIASES = {
    "turkey": "TR", "ivory coast": "CI", "reunion island": "RE", "swaziland": "SZ", "cape verde": "CV",
    "korea, dem. republic of": "KP", "north korea": "KP", "congo, dem. republic": "CD", "congo, rep.": "CG",
    "vatican city state": "VA", "vatican": "VA", "macedonia": "MK", "russia": "RU", "brunei": "BN",
    "palestinian territories": "PS", "micronesia": "FM", "uk": "GB", "great britain": "GB", "england": "GB",
    "republic of korea": "KR", "holland": "NL", "burma": "MM",
}


def _fold(text: str) -> str:
    """Lower case, accents removed, spaces collapsed (for name matching)."""
    s = unicodedata.normalize("NFKD", str(text))
    s = "".join(ch for ch in s if not unicodedata.combining(ch))
    return " ".join(s.lower().split())


@functools.lru_cache(maxsize=1)
def _country_names() -> tuple[tuple[str, str, frozenset], ...]:
    """(alpha-2, folded name, its words) for every name, official name and common name in pycountry."""
    import pycountry
    out = []
    for c in pycountry.countries:
        for attr in ("name", "official_name", "common_name"):
            v = getattr(c, attr, None)
            if v:
                f = _fold(v)
                out.append((c.alpha_2, f, frozenset(re.findall(r"[a-z0-9]+", f))))
    return tuple(out)


@functools.lru_cache(maxsize=4096)
def country_code(name: str) -> tuple[str | None, str]:
    """ISO 3166-1 alpha-2 code of a country name (or code) and how it was found.

    ``exact``: a pycountry name, official or common name or code (case and accents ignored), or a
    known alias; ``fuzzy``: every word of the name is in the names of exactly one country
    (``Bosnia`` -> BA): flag it; ``ambiguous`` (several countries: ``Korea``) or ``unknown``: code
    ``None``. pycountry's own ``search_fuzzy`` is not used: it also matches subdivisions and so reads
    ``Kosovo`` as Serbia and ``Republic of Korea`` as North Korea."""
    import pycountry
    s = " ".join(str(name).split())
    if not s:
        return None, "empty"
    key = _fold(s)
    if key in _COUNTRY_ALIASES:
        return _COUNTRY_ALIASES[key], "exact"
    try:
        return pycountry.countries.lookup(s).alpha_2, "exact"
    except LookupError:
        pass
    names = _country_names()
    for code, folded, _ in names:
        if folded == key:
            return code, "exact"
    words = frozenset(re.findall(r"[a-z0-9]+", key))
    codes = list(dict.fromkeys(code for code, _, w in names if words and words <= w))
    if len(codes) == 1:
        return codes[0], "fuzzy"
    return None, "ambiguous" if codes else "unknown"


@functools.lru_cache(maxsize=512)
def country_name(code: str | None) -> str:
    """The English name written for an ISO alpha-2 code (pycountry's common name when it has one:
    ``Iran``, not ``Iran, Islamic Republic of``); ``""`` when unknown."""
    import pycountry
    if not code:
        return ""
    c = pycountry.countries.get(alpha_2=str(code).upper())
    if c is None:
        return ""
    return getattr(c, "common_name", None) or c.name


@functools.lru_cache(maxsize=256)
def _subdivisions(code: str) -> tuple:
    import pycountry
    try:
        subs = pycountry.subdivisions.get(country_code=code) or []
    except (KeyError, LookupError):
        subs = []
    # top-level subdivisions first (states before their districts), then by code
    return tuple(sorted(subs, key=lambda s: (s.parent_code is not None, s.code)))


@functools.lru_cache(maxsize=4096)
def province_code(country: str | None, state: str) -> str | None:
    """The province code of a state name (or code) in a country: the ISO 3166-2 code without the
    country prefix (``New York`` in US -> ``NY``, as Shopify's province codes for US/CA/AU); None when
    the country has no such subdivision."""
    if not country or not str(state).strip():
        return None
    key = _fold(state)
    subs = _subdivisions(str(country).upper())
    for s in subs:
        if _fold(s.name) == key:
            return s.code.split("-", 1)[1]
    for s in subs:
        short = s.code.split("-", 1)[1]
        if key in (_fold(s.code), _fold(short)):
            return short
    return None


@functools.lru_cache(maxsize=4096)
def province_name(country: str | None, code: str | None) -> str:
    """The subdivision name of a province code (``US``, ``NY`` -> ``New York``); ``""`` when unknown."""
    if not country or not code:
        return ""
    want = f"{str(country).upper()}-{str(code).upper()}"
    for s in _subdivisions(str(country).upper()):
        if s.code == want:
            return s.name
    return ""
