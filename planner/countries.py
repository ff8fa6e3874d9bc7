"""Countries (ISO 3166-1 alpha-2) and their time zones, from Babel's CLDR data."""

from __future__ import annotations

from functools import cache
from zoneinfo import ZoneInfo, available_timezones

from babel import Locale
from babel.core import get_global

from planner.db import ValidationError

# CLDR also names groupings and placeholders that are not ISO 3166-1 countries.
_NOT_COUNTRIES = frozenset({"EU", "EZ", "UN", "QO", "ZZ", "XA", "XB"})


@cache
def _country_codes() -> frozenset[str]:
    territories = Locale("en").territories
    return frozenset(
        code
        for code in territories
        if len(code) == 2 and code.isalpha() and code not in _NOT_COUNTRIES
    )


def normalise_country(code: str | None, field: str = "country") -> str:
    """An upper-case ISO 3166-1 alpha-2 code, accepted in either case, or ValidationError."""
    if not code or not isinstance(code, str):
        raise ValidationError(field, "a country code is required")
    upper = code.strip().upper()
    if upper not in _country_codes():
        raise ValidationError(field, f"{code!r} is not an ISO 3166-1 country code")
    return upper


def is_country(code: str | None) -> bool:
    return bool(code) and code.strip().upper() in _country_codes()


def country_name(code: str, lang: str = "en") -> str:
    try:
        return Locale.parse(lang).territories.get(code.upper(), code.upper())
    except (ValueError, TypeError):
        return code.upper()


# Where a country spans several zones, CLDR lists them alphabetically; name the zone of the
# capital or most people instead. The organiser can still pick another for a venue.
_MAIN_ZONES = {
    "AR": "America/Argentina/Buenos_Aires",
    "AU": "Australia/Sydney",
    "BR": "America/Sao_Paulo",
    "CA": "America/Toronto",
    "CL": "America/Santiago",
    "CN": "Asia/Shanghai",
    "EC": "America/Guayaquil",
    "ES": "Europe/Madrid",
    "ID": "Asia/Jakarta",
    "KZ": "Asia/Almaty",
    "MX": "America/Mexico_City",
    "NZ": "Pacific/Auckland",
    "PT": "Europe/Lisbon",
    "RU": "Europe/Moscow",
    "UA": "Europe/Kyiv",
    "US": "America/New_York",
}


def default_timezone(country: str) -> str:
    """The main IANA zone of a country, e.g. LV -> Europe/Riga, US -> America/New_York."""
    main = _MAIN_ZONES.get(country.upper())
    if main in _zone_names():
        return main
    zones = get_global("territory_zones").get(country.upper(), [])
    for zone in zones:
        if zone in _zone_names():
            return zone
    return "UTC"


def country_zone(country: str) -> ZoneInfo:
    return ZoneInfo(default_timezone(country))


def validate_timezone(name: str | None, field: str = "timezone") -> str:
    """An IANA zone name that zoneinfo knows, or ValidationError."""
    if not name or name not in _zone_names():
        raise ValidationError(field, f"{name!r} is not an IANA time zone name")
    return name


@cache
def _zone_names() -> frozenset[str]:
    return frozenset(available_timezones())
