"""Official abbreviations of first-level regions (states, provinces, territories) by country.

Why a table: a note's "NJ" must become a code a reader of that country would recognise ("ON",
"NSW", "MH"), never two random capitals ("SJ"). Only countries whose addresses are commonly
written with a short code are listed; for the others (China, the UK, Spain, France, Mexico,
Nigeria, Bangladesh) a code is replaced by a region's name. Sources: USPS (United States), Canada
Post (Canada), Australia Post (Australia), vehicle registration / ISO 3166-2:IN (India).
"""

from __future__ import annotations

from types import MappingProxyType

from fairdeid.locales import get_pool

_US = {
    "Alabama": "AL", "Alaska": "AK", "Arizona": "AZ", "Arkansas": "AR", "California": "CA",
    "Colorado": "CO", "Connecticut": "CT", "Delaware": "DE", "District of Columbia": "DC",
    "Florida": "FL", "Georgia": "GA", "Hawaii": "HI", "Idaho": "ID", "Illinois": "IL",
    "Indiana": "IN", "Iowa": "IA", "Kansas": "KS", "Kentucky": "KY", "Louisiana": "LA",
    "Maine": "ME", "Maryland": "MD", "Massachusetts": "MA", "Michigan": "MI", "Minnesota": "MN",
    "Mississippi": "MS", "Missouri": "MO", "Montana": "MT", "Nebraska": "NE", "Nevada": "NV",
    "New Hampshire": "NH", "New Jersey": "NJ", "New Mexico": "NM", "New York": "NY",
    "North Carolina": "NC", "North Dakota": "ND", "Ohio": "OH", "Oklahoma": "OK", "Oregon": "OR",
    "Pennsylvania": "PA", "Rhode Island": "RI", "South Carolina": "SC", "South Dakota": "SD",
    "Tennessee": "TN", "Texas": "TX", "Utah": "UT", "Vermont": "VT", "Virginia": "VA",
    "Washington": "WA", "West Virginia": "WV", "Wisconsin": "WI", "Wyoming": "WY",
}
_CA = {
    "Alberta": "AB", "British Columbia": "BC", "Manitoba": "MB", "New Brunswick": "NB",
    "Newfoundland and Labrador": "NL", "Nova Scotia": "NS", "Northwest Territories": "NT",
    "Nunavut": "NU", "Ontario": "ON", "Prince Edward Island": "PE", "Quebec": "QC",
    "Saskatchewan": "SK", "Yukon": "YT",
}
_AU = {
    "New South Wales": "NSW", "Victoria": "VIC", "Queensland": "QLD", "Western Australia": "WA",
    "South Australia": "SA", "Tasmania": "TAS", "Northern Territory": "NT",
    "Australian Capital Territory": "ACT",
}
_IN = {
    "Andhra Pradesh": "AP", "Assam": "AS", "Bihar": "BR", "Chhattisgarh": "CG", "Delhi": "DL",
    "Goa": "GA", "Gujarat": "GJ", "Haryana": "HR", "Himachal Pradesh": "HP", "Jharkhand": "JH",
    "Karnataka": "KA", "Kerala": "KL", "Madhya Pradesh": "MP", "Maharashtra": "MH",
    "Odisha": "OD", "Punjab": "PB", "Rajasthan": "RJ", "Tamil Nadu": "TN", "Telangana": "TG",
    "Uttar Pradesh": "UP", "Uttarakhand": "UK", "West Bengal": "WB",
}

#: Country (``LocalePool.country``) → region name → its abbreviation.
REGION_CODES = MappingProxyType({
    "United States": MappingProxyType(_US),
    "Canada": MappingProxyType(_CA),
    "Australia": MappingProxyType(_AU),
    "India": MappingProxyType(_IN),
})


def state_codes(locale: str) -> tuple[str, ...]:
    """The region abbreviations of ``locale``'s country, sorted; empty when it has none we
    trust."""
    table = REGION_CODES.get(get_pool(locale).country)
    return tuple(sorted(table.values())) if table else ()
