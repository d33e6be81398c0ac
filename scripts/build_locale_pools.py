"""Build the locale pools in src/fairdeid/locales/data/ from Faker and names-by-country.

Run from the repository root::

    python scripts/build_locale_pools.py [--names-dir ../shared/data/names-by-country]

Needs Faker (a fairdeid dependency) and, for Chinese romanisation, ``pypinyin`` (build time only;
``pip install pypinyin`` or put it on PYTHONPATH). The output is deterministic for a given Faker
and pypinyin version. Every pool is checked before it is written: both genders non-empty, first
names not a copy of en_US's (Faker's silent fallback), Latin romanised forms. Provenance per locale
is written to ``SOURCES.md`` next to the data.

Why precompute: run time then needs neither Faker nor pypinyin and cannot drift with their
versions; a reviewer can read exactly which names a fairness experiment used.
"""

from __future__ import annotations

import argparse
import csv
import importlib
import json
import random
import sys
import unicodedata
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from fairdeid.locales import ALL_LOCALE_CODES  # noqa: E402
from fairdeid.locales.translit import romanise  # noqa: E402

DATA_DIR = ROOT / "src" / "fairdeid" / "locales" / "data"
DEFAULT_NAMES_DIR = ROOT.parent / "shared" / "data" / "names-by-country"
SEED = 20240601

Pair = tuple[str, str]  # (native, romanised)

# ---------------------------------------------------------------------------------------------
# Curated facts (public knowledge: real city/state names, numbering-plan shapes). Non-Latin
# locales give (native, romanised) pairs, index-aligned.
# ---------------------------------------------------------------------------------------------

CITIES: dict[str, list[Any]] = {
    "en_US": ["Springfield", "Columbus", "Dayton", "Albany", "Fresno", "Tulsa", "Omaha", "Tucson",
              "Boise", "Spokane", "Madison", "Raleigh", "Richmond", "Savannah", "Knoxville",
              "Lansing", "Akron", "Wichita", "Reno", "Eugene", "Portland", "Denver", "Austin",
              "Baltimore", "Cleveland", "Pittsburgh", "Hartford", "Providence", "Trenton",
              "Lexington"],
    "en_GB": ["Leeds", "Sheffield", "Bristol", "Nottingham", "Leicester", "Coventry", "Bradford",
              "Cardiff", "Swansea", "Aberdeen", "Dundee", "Glasgow", "Edinburgh", "Belfast",
              "Derby", "Plymouth", "Norwich", "Exeter", "York", "Bath", "Reading", "Oxford",
              "Cambridge", "Brighton", "Southampton", "Portsmouth", "Hull", "Stoke-on-Trent",
              "Wolverhampton", "Sunderland"],
    "en_IN": ["Pune", "Nagpur", "Lucknow", "Kanpur", "Indore", "Bhopal", "Patna", "Jaipur",
              "Surat", "Vadodara", "Ludhiana", "Agra", "Nashik", "Varanasi", "Madurai",
              "Coimbatore", "Mysuru", "Visakhapatnam", "Vijayawada", "Guwahati", "Ranchi",
              "Raipur", "Dehradun", "Amritsar", "Jodhpur", "Kochi", "Thiruvananthapuram",
              "Bhubaneswar", "Chandigarh", "Mangaluru"],
    "en_AU": ["Ballarat", "Bendigo", "Geelong", "Wollongong", "Newcastle", "Toowoomba",
              "Townsville", "Cairns", "Darwin", "Hobart", "Launceston", "Mackay", "Rockhampton",
              "Bunbury", "Albury", "Wagga Wagga", "Dubbo", "Mildura", "Shepparton", "Bundaberg",
              "Perth", "Adelaide", "Brisbane", "Canberra", "Gold Coast", "Orange", "Tamworth",
              "Gladstone", "Kalgoorlie", "Devonport"],
    "en_CA": ["Saskatoon", "Regina", "Winnipeg", "Kelowna", "Kamloops", "Nanaimo", "Victoria",
              "Lethbridge", "Red Deer", "Moncton", "Fredericton", "Saint John", "Halifax",
              "Sudbury", "Thunder Bay", "Kingston", "Guelph", "Sherbrooke", "Trois-Rivières",
              "Gatineau", "Laval", "Longueuil", "Oshawa", "Barrie", "Windsor", "London",
              "Hamilton", "Edmonton", "Calgary", "Charlottetown"],
    "en_NG": ["Ibadan", "Kano", "Kaduna", "Enugu", "Onitsha", "Aba", "Benin City", "Jos",
              "Ilorin", "Abeokuta", "Owerri", "Warri", "Calabar", "Uyo", "Akure", "Osogbo",
              "Maiduguri", "Sokoto", "Zaria", "Bauchi", "Makurdi", "Lokoja", "Yola",
              "Port Harcourt", "Asaba", "Abakaliki", "Ado-Ekiti", "Gombe", "Minna", "Lagos"],
    "zh_CN": [("成都", "Chengdu"), ("武汉", "Wuhan"), ("西安", "Xi'an"), ("南京", "Nanjing"),
              ("杭州", "Hangzhou"), ("重庆", "Chongqing"), ("天津", "Tianjin"),
              ("长沙", "Changsha"), ("郑州", "Zhengzhou"), ("济南", "Jinan"),
              ("青岛", "Qingdao"), ("沈阳", "Shenyang"), ("大连", "Dalian"),
              ("哈尔滨", "Harbin"), ("昆明", "Kunming"), ("南宁", "Nanning"),
              ("福州", "Fuzhou"), ("厦门", "Xiamen"), ("合肥", "Hefei"), ("南昌", "Nanchang"),
              ("贵阳", "Guiyang"), ("兰州", "Lanzhou"), ("太原", "Taiyuan"),
              ("石家庄", "Shijiazhuang"), ("苏州", "Suzhou"), ("无锡", "Wuxi"),
              ("宁波", "Ningbo"), ("温州", "Wenzhou"), ("长春", "Changchun"),
              ("乌鲁木齐", "Urumqi")],
    "hi_IN": [("लखनऊ", "Lucknow"), ("कानपुर", "Kanpur"), ("वाराणसी", "Varanasi"),
              ("आगरा", "Agra"), ("जयपुर", "Jaipur"), ("जोधपुर", "Jodhpur"), ("पटना", "Patna"),
              ("भोपाल", "Bhopal"), ("इंदौर", "Indore"), ("ग्वालियर", "Gwalior"),
              ("प्रयागराज", "Prayagraj"), ("मेरठ", "Meerut"), ("देहरादून", "Dehradun"),
              ("रांची", "Ranchi"), ("रायपुर", "Raipur"), ("गोरखपुर", "Gorakhpur"),
              ("अलीगढ़", "Aligarh"), ("बरेली", "Bareilly"), ("मथुरा", "Mathura"),
              ("अजमेर", "Ajmer"), ("उदयपुर", "Udaipur"), ("कोटा", "Kota"),
              ("जबलपुर", "Jabalpur"), ("झांसी", "Jhansi"), ("गया", "Gaya"),
              ("हरिद्वार", "Haridwar"), ("नागपुर", "Nagpur"), ("चंडीगढ़", "Chandigarh"),
              ("शिमला", "Shimla"), ("बीकानेर", "Bikaner")],
    "bn_BD": [("ঢাকা", "Dhaka"), ("চট্টগ্রাম", "Chittagong"), ("খুলনা", "Khulna"),
              ("রাজশাহী", "Rajshahi"), ("সিলেট", "Sylhet"), ("বরিশাল", "Barisal"),
              ("রংপুর", "Rangpur"), ("ময়মনসিংহ", "Mymensingh"), ("কুমিল্লা", "Comilla"),
              ("নারায়ণগঞ্জ", "Narayanganj"), ("গাজীপুর", "Gazipur"), ("বগুড়া", "Bogra"),
              ("যশোর", "Jessore"), ("কক্সবাজার", "Cox's Bazar"), ("দিনাজপুর", "Dinajpur"),
              ("টাঙ্গাইল", "Tangail"), ("পাবনা", "Pabna"), ("ফরিদপুর", "Faridpur"),
              ("নোয়াখালী", "Noakhali"), ("কুষ্টিয়া", "Kushtia"), ("সাতক্ষীরা", "Satkhira"),
              ("ফেনী", "Feni"), ("সিরাজগঞ্জ", "Sirajganj"), ("জামালপুর", "Jamalpur"),
              ("নওগাঁ", "Naogaon"), ("চাঁদপুর", "Chandpur"), ("ব্রাহ্মণবাড়িয়া", "Brahmanbaria"),
              ("গোপালগঞ্জ", "Gopalganj"), ("ঠাকুরগাঁও", "Thakurgaon"),
              ("হবিগঞ্জ", "Habiganj")],
    "es_ES": ["Zaragoza", "Málaga", "Murcia", "Palma", "Bilbao", "Alicante", "Córdoba",
              "Valladolid", "Vigo", "Gijón", "Granada", "Oviedo", "Pamplona", "Santander",
              "Almería", "Burgos", "Salamanca", "Logroño", "Badajoz", "Huelva", "Cádiz",
              "León", "Tarragona", "Lleida", "Girona", "Cáceres", "Toledo", "Albacete",
              "Valencia", "Sevilla"],
    "es_MX": ["Guadalajara", "Monterrey", "Puebla", "Tijuana", "León", "Zapopan", "Mérida",
              "Querétaro", "Chihuahua", "Hermosillo", "Aguascalientes", "Morelia", "Saltillo",
              "Culiacán", "Toluca", "Cancún", "Oaxaca", "Veracruz", "Xalapa", "Tampico",
              "Durango", "Mazatlán", "Villahermosa", "Tuxtla Gutiérrez", "Pachuca", "Torreón",
              "Mexicali", "Celaya", "Irapuato", "Cuernavaca"],
    "fr_FR": ["Lyon", "Marseille", "Toulouse", "Nice", "Nantes", "Strasbourg", "Montpellier",
              "Bordeaux", "Lille", "Rennes", "Reims", "Toulon", "Grenoble", "Dijon", "Angers",
              "Nîmes", "Clermont-Ferrand", "Le Mans", "Aix-en-Provence", "Brest", "Tours",
              "Amiens", "Limoges", "Perpignan", "Metz", "Besançon", "Orléans", "Rouen", "Caen",
              "Nancy"],
    "de_DE": ["Leipzig", "Dresden", "Hannover", "Nürnberg", "Duisburg", "Bochum", "Wuppertal",
              "Bielefeld", "Bonn", "Münster", "Karlsruhe", "Mannheim", "Augsburg", "Wiesbaden",
              "Mönchengladbach", "Braunschweig", "Kiel", "Chemnitz", "Aachen", "Halle (Saale)",
              "Magdeburg", "Freiburg im Breisgau", "Krefeld", "Mainz", "Lübeck", "Erfurt",
              "Rostock", "Kassel", "Saarbrücken", "Potsdam", "Regensburg", "Würzburg",
              "Göttingen", "Ulm", "Heidelberg", "Frankfurt am Main", "Bad Homburg"],
    "nl_NL": ["Utrecht", "Eindhoven", "Groningen", "Tilburg", "Almere", "Breda", "Nijmegen",
              "Apeldoorn", "Haarlem", "Arnhem", "Enschede", "Amersfoort", "Zaanstad",
              "Den Bosch", "Zwolle", "Leiden", "Maastricht", "Dordrecht", "Zoetermeer",
              "Ede", "Leeuwarden", "Alkmaar", "Emmen", "Delft", "Venlo", "Deventer", "Helmond",
              "Hilversum", "Heerlen", "Den Haag", "Rotterdam", "Amsterdam", "Sittard-Geleen"],
    "it_IT": ["Torino", "Genova", "Bologna", "Firenze", "Bari", "Catania", "Verona", "Messina",
              "Padova", "Trieste", "Brescia", "Parma", "Taranto", "Prato", "Modena",
              "Reggio Calabria", "Reggio Emilia", "Perugia", "Livorno", "Ravenna", "Cagliari",
              "Foggia", "Rimini", "Salerno", "Ferrara", "Sassari", "Latina", "Monza", "Pescara",
              "Bergamo", "Vicenza", "Trento", "Novara", "Ancona", "Lecce", "Udine"],
    "tr_TR": ["İstanbul", "Ankara", "İzmir", "Bursa", "Antalya", "Konya", "Gaziantep",
              "Şanlıurfa", "Kocaeli", "Mersin", "Diyarbakır", "Kayseri", "Eskişehir",
              "Samsun", "Denizli", "Malatya", "Kahramanmaraş", "Erzurum", "Van", "Batman",
              "Elazığ", "Sivas", "Manisa", "Trabzon", "Balıkesir", "Muğla", "Çorum", "Aydın",
              "Tekirdağ", "Kütahya", "Uşak", "Isparta", "Iğdır", "Çanakkale", "Düzce"],
    "pl_PL": ["Warszawa", "Kraków", "Łódź", "Wrocław", "Poznań", "Gdańsk", "Szczecin",
              "Bydgoszcz", "Lublin", "Białystok", "Katowice", "Gdynia", "Częstochowa",
              "Radom", "Toruń", "Sosnowiec", "Rzeszów", "Kielce", "Gliwice", "Olsztyn",
              "Zabrze", "Bielsko-Biała", "Bytom", "Zielona Góra", "Rybnik", "Ruda Śląska",
              "Opole", "Tychy", "Gorzów Wielkopolski", "Elbląg", "Płock", "Wałbrzych",
              "Włocławek", "Tarnów", "Chorzów", "Koszalin", "Kalisz", "Legnica", "Łomża"],
}

STATES: dict[str, list[Any]] = {
    "en_US": ["Ohio", "Texas", "Oregon", "Georgia", "Michigan", "Florida", "Nevada", "Iowa",
              "Kansas", "Maine", "Vermont", "Alabama", "Arizona", "Colorado", "Illinois",
              "Indiana", "Kentucky", "Minnesota", "Missouri", "Nebraska", "New Mexico",
              "New York", "North Carolina", "Pennsylvania", "Tennessee", "Utah", "Virginia",
              "Washington", "Wisconsin", "California"],
    "en_GB": ["Yorkshire", "Kent", "Essex", "Devon", "Cornwall", "Lancashire", "Norfolk",
              "Suffolk", "Surrey", "Somerset", "Dorset", "Cumbria", "Durham", "Cheshire",
              "Derbyshire", "Lincolnshire", "Shropshire", "Fife", "Highland",
              "Aberdeenshire", "Gwynedd", "Powys", "County Antrim", "County Down"],
    "en_IN": ["Maharashtra", "Karnataka", "Tamil Nadu", "Kerala", "Gujarat", "Rajasthan",
              "Punjab", "Haryana", "Bihar", "Odisha", "Assam", "Jharkhand", "Telangana",
              "Andhra Pradesh", "Madhya Pradesh", "Uttar Pradesh", "West Bengal",
              "Chhattisgarh", "Uttarakhand", "Goa", "Himachal Pradesh"],
    "en_AU": ["New South Wales", "Victoria", "Queensland", "Western Australia",
              "South Australia", "Tasmania", "Northern Territory",
              "Australian Capital Territory", "NSW", "VIC", "QLD", "WA", "SA", "TAS"],
    "en_CA": ["Ontario", "Quebec", "British Columbia", "Alberta", "Manitoba", "Saskatchewan",
              "Nova Scotia", "New Brunswick", "Newfoundland and Labrador",
              "Prince Edward Island", "Yukon", "Nunavut", "Northwest Territories", "ON", "QC",
              "BC", "AB", "MB", "SK", "NS"],
    "en_NG": ["Lagos State", "Oyo State", "Kano State", "Kaduna State", "Enugu State",
              "Anambra State", "Rivers State", "Delta State", "Edo State", "Ogun State",
              "Ondo State", "Osun State", "Kwara State", "Plateau State", "Borno State",
              "Imo State", "Abia State", "Cross River State", "Akwa Ibom State", "Benue State",
              "Ekiti State", "Sokoto State", "Bauchi State", "FCT"],
    "zh_CN": [("四川", "Sichuan"), ("湖北", "Hubei"), ("湖南", "Hunan"), ("广东", "Guangdong"),
              ("江苏", "Jiangsu"), ("浙江", "Zhejiang"), ("山东", "Shandong"),
              ("河南", "Henan"), ("河北", "Hebei"), ("陕西", "Shaanxi"), ("山西", "Shanxi"),
              ("福建", "Fujian"), ("安徽", "Anhui"), ("江西", "Jiangxi"), ("云南", "Yunnan"),
              ("贵州", "Guizhou"), ("辽宁", "Liaoning"), ("吉林", "Jilin"),
              ("黑龙江", "Heilongjiang"), ("甘肃", "Gansu"), ("广西", "Guangxi"),
              ("海南", "Hainan")],
    "hi_IN": [("उत्तर प्रदेश", "Uttar Pradesh"), ("बिहार", "Bihar"), ("राजस्थान", "Rajasthan"),
              ("मध्य प्रदेश", "Madhya Pradesh"), ("हरियाणा", "Haryana"),
              ("उत्तराखंड", "Uttarakhand"), ("झारखंड", "Jharkhand"),
              ("छत्तीसगढ़", "Chhattisgarh"), ("हिमाचल प्रदेश", "Himachal Pradesh"),
              ("दिल्ली", "Delhi"), ("पंजाब", "Punjab"), ("गुजरात", "Gujarat"),
              ("महाराष्ट्र", "Maharashtra")],
    "bn_BD": [("ঢাকা বিভাগ", "Dhaka Division"), ("চট্টগ্রাম বিভাগ", "Chittagong Division"),
              ("খুলনা বিভাগ", "Khulna Division"), ("রাজশাহী বিভাগ", "Rajshahi Division"),
              ("সিলেট বিভাগ", "Sylhet Division"), ("বরিশাল বিভাগ", "Barisal Division"),
              ("রংপুর বিভাগ", "Rangpur Division"), ("ময়মনসিংহ বিভাগ", "Mymensingh Division")],
    "es_ES": ["Andalucía", "Aragón", "Asturias", "Cantabria", "Castilla y León",
              "Castilla-La Mancha", "Cataluña", "Extremadura", "Galicia", "La Rioja", "Murcia",
              "Navarra", "País Vasco", "Comunidad Valenciana", "Islas Baleares",
              "Islas Canarias", "Comunidad de Madrid"],
    "es_MX": ["Jalisco", "Nuevo León", "Puebla", "Guanajuato", "Veracruz", "Yucatán",
              "Chihuahua", "Sonora", "Sinaloa", "Coahuila", "Oaxaca", "Chiapas", "Michoacán",
              "Querétaro", "Tamaulipas", "Durango", "Hidalgo", "Morelos", "Tabasco",
              "Quintana Roo", "Baja California", "Estado de México"],
    "fr_FR": ["Bretagne", "Normandie", "Occitanie", "Grand Est", "Hauts-de-France",
              "Nouvelle-Aquitaine", "Auvergne-Rhône-Alpes", "Bourgogne-Franche-Comté",
              "Centre-Val de Loire", "Pays de la Loire", "Provence-Alpes-Côte d'Azur",
              "Île-de-France", "Corse"],
    "de_DE": ["Baden-Württemberg", "Bayern", "Berlin", "Brandenburg", "Bremen", "Hamburg",
              "Hessen", "Mecklenburg-Vorpommern", "Niedersachsen", "Nordrhein-Westfalen",
              "Rheinland-Pfalz", "Saarland", "Sachsen", "Sachsen-Anhalt", "Schleswig-Holstein",
              "Thüringen", "NRW"],
    "nl_NL": ["Groningen", "Friesland", "Drenthe", "Overijssel", "Flevoland", "Gelderland",
              "Utrecht", "Noord-Holland", "Zuid-Holland", "Zeeland", "Noord-Brabant",
              "Limburg"],
    "it_IT": ["Piemonte", "Lombardia", "Veneto", "Liguria", "Emilia-Romagna", "Toscana",
              "Umbria", "Marche", "Lazio", "Abruzzo", "Molise", "Campania", "Puglia",
              "Basilicata", "Calabria", "Sicilia", "Sardegna", "Trentino-Alto Adige",
              "Friuli-Venezia Giulia", "Valle d'Aosta"],
    "tr_TR": ["İstanbul", "Ankara", "İzmir", "Bursa", "Antalya", "Konya", "Gaziantep",
              "Şanlıurfa", "Kocaeli", "Mersin", "Diyarbakır", "Kayseri", "Eskişehir",
              "Samsun", "Denizli", "Malatya", "Kahramanmaraş", "Erzurum", "Van", "Batman",
              "Elazığ", "Sivas", "Manisa", "Trabzon", "Balıkesir", "Muğla", "Çorum", "Aydın",
              "Tekirdağ", "Kütahya", "Uşak", "Isparta", "Iğdır", "Çanakkale", "Düzce"],
    "pl_PL": ["mazowieckie", "małopolskie", "łódzkie", "dolnośląskie", "wielkopolskie",
              "pomorskie", "zachodniopomorskie", "kujawsko-pomorskie", "lubelskie",
              "podlaskie", "śląskie", "świętokrzyskie", "podkarpackie",
              "warmińsko-mazurskie", "opolskie", "lubuskie"],
}

COUNTRY: dict[str, Pair] = {
    "en_US": ("United States", "United States"), "en_GB": ("United Kingdom", "United Kingdom"),
    "en_IN": ("India", "India"), "en_AU": ("Australia", "Australia"),
    "en_CA": ("Canada", "Canada"), "en_NG": ("Nigeria", "Nigeria"), "zh_CN": ("中国", "China"),
    "hi_IN": ("भारत", "India"), "bn_BD": ("বাংলাদেশ", "Bangladesh"), "es_ES": ("España", "Spain"),
    "es_MX": ("México", "Mexico"), "fr_FR": ("France", "France"),
    "de_DE": ("Deutschland", "Germany"), "nl_NL": ("Nederland", "Netherlands"),
    "it_IT": ("Italia", "Italy"),
    "tr_TR": ("Türkiye", "Turkey"), "pl_PL": ("Polska", "Poland"),
}

PHONES: dict[str, list[str]] = {
    "en_US": ["(%##) %##-####", "%##-%##-####", "%##.%##.####", "+1 %##-%##-####"],
    "en_GB": ["+44 20 #### ####", "020 #### ####", "01%## ######", "07### ######",
              "+44 7### ######"],
    "en_IN": ["+91 9#### #####", "+91 8#### #####", "09#########", "+91-11-2###-####",
              "0%##-2######"],
    "en_AU": ["+61 4## ### ###", "04## ### ###", "(02) #### ####", "(03) #### ####",
              "+61 2 #### ####"],
    "en_CA": ["(%##) %##-####", "%##-%##-####", "+1 %##-%##-####"],
    "en_NG": ["+234 80# ### ####", "080# ### ####", "+234 70# ### ####", "081########"],
    "zh_CN": ["+86 13# #### ####", "+86 1%# #### ####", "13#########", "010-########",
              "021-########"],
    "hi_IN": ["+91 9#### #####", "+91 7#### #####", "09#########", "+91-522-2######"],
    "bn_BD": ["+880 1%##-######", "01%##-######", "+880 2-########", "01%#########"],
    "es_ES": ["+34 6## ### ###", "6## ## ## ##", "9## ### ###", "+34 91# ### ###"],
    "es_MX": ["+52 55 #### ####", "55 #### ####", "+52 33 #### ####", "(%##) ### ####"],
    "fr_FR": ["+33 6 ## ## ## ##", "06 ## ## ## ##", "01 ## ## ## ##", "+33 1 ## ## ## ##",
              "04 ## ## ## ##"],
    "de_DE": ["+49 30 %######", "030 %#######", "0%## %######", "0%##/%#####", "+49 15# %#######",
              "0171 %######", "089 %#######"],
    "nl_NL": ["+31 6 %#######", "06-%#######", "06 %# %# %# %#", "020-%######", "010 %## ####",
              "+31 (0)30 %######"],
    "it_IT": ["+39 3## ### ####", "3## #######", "06 %#######", "02 %#######", "+39 0%# #######",
              "0%# #######"],
    "tr_TR": ["+90 5## ### ## ##", "05## ### ## ##", "0 (5##) ### ## ##", "0212 ### ## ##",
              "+90 312 ### ## ##", "0232 ### ## ##"],
    "pl_PL": ["+48 5## ### ###", "6## ### ###", "+48 22 ### ## ##", "(12) ### ## ##",
              "7## ### ###", "+48 71 ### ## ##"],
}

IDS: dict[str, list[str]] = {
    "en_US": ["###-##-####", "MRN-#######", "########"],
    "en_GB": ["### ### ####", "??######?", "##########"],  # NHS number, NI number
    "en_IN": ["#### #### ####", "?????####?", "UHID#########"],  # Aadhaar, PAN
    "en_AU": ["#### ##### #", "### ### ###", "########"],  # Medicare, TFN
    "en_CA": ["### ### ###", "#### ### ### ??", "########"],  # SIN, Ontario health card
    "en_NG": ["###########", "NHIS-#######", "########"],  # NIN
    "zh_CN": ["%#####19##########", "%#####20##########", "##########"],  # resident ID (18)
    "hi_IN": ["#### #### ####", "?????####?", "########"],
    "bn_BD": ["##########", "#############", "#################"],  # NID lengths 10/13/17
    "es_ES": ["########?", "?-#######-?", "##/########/##"],  # DNI, NIE, NUSS
    "es_MX": ["????######??????##", "###########", "########"],  # CURP, NSS
    "fr_FR": ["# ## ## ## ### ### ##", "###############", "########"],  # NIR
    "de_DE": ["?#########", "## ### ### ###", "##########"],  # KVNR, Steuer-ID, Fallnummer
    "nl_NL": ["#########", "####.##.###", "%#######"],  # BSN, patient number
    "it_IT": ["??????##?##?###?", "80380###########", "########"],  # CF, tessera sanitaria
    "tr_TR": ["%##########", "########"],  # T.C. kimlik no (11 digits), file number
    "pl_PL": ["###########", "???######", "########"],  # PESEL, ID card, file number
}

ZIPS: dict[str, list[str]] = {
    "en_US": ["#####", "#####-####"], "en_GB": ["?# #??", "??# #??", "??## #??"],
    "en_IN": ["%#####"], "en_AU": ["%###"], "en_CA": ["?#? #?#"], "en_NG": ["%#####"],
    "zh_CN": ["%#####"], "hi_IN": ["%#####"], "bn_BD": ["%###"], "es_ES": ["%####"],
    "es_MX": ["%####"], "fr_FR": ["%####"], "de_DE": ["%####", "0%###"],
    "nl_NL": ["%### ??", "%###??"], "it_IT": ["%####", "0%###"],
    "tr_TR": ["%####", "0%###"], "pl_PL": ["##-###"],
}

SAINTS_EN = ["Mary", "Joseph", "Luke", "Vincent", "Francis", "John", "Michael", "Anne",
             "Elizabeth", "Patrick", "George", "Thomas", "Andrew", "James", "Catherine"]
SAINTS_ES = ["José", "Juan de Dios", "Rafael", "Lucas", "Francisco", "Antonio", "Teresa",
             "Ángeles", "Carmen", "Pedro"]
SAINTS_FR = ["Joseph", "Louis", "Antoine", "Vincent", "Jean", "Luc", "Martin", "Anne",
             "Camille", "Pierre"]
SAINTS_OTHER = {
    "de_DE": ["St. Elisabeth", "St. Josef", "St. Marien", "St. Vinzenz", "St. Franziskus",
              "St. Antonius", "St. Johannes", "St. Georg", "St. Martin", "St. Anna"],
    "nl_NL": ["Antonius", "Franciscus", "Jansdal", "Elisabeth", "Lucas", "Maarten", "Jozef",
              "Anna", "Gerardus", "Radboud"],
    "it_IT": ["Raffaele", "Giovanni", "Giuseppe", "Camillo", "Martino", "Paolo", "Carlo",
              "Luca", "Matteo", "Francesco"],
    "tr_TR": ["Atatürk", "Fatih", "Kanuni", "Mimar Sinan", "Yunus Emre", "Mevlana",
              "Hacettepe", "Cerrahpaşa", "Haseki", "Bakırköy"],
    "pl_PL": ["św. Łukasza", "św. Wojciecha", "św. Jana Pawła II", "św. Rafała",
              "św. Barbary", "św. Anny", "św. Józefa", "św. Jadwigi", "św. Elżbiety",
              "św. Wincentego"],
}

HOSPITAL_PATTERNS: dict[str, list[str]] = {
    "en_US": ["{city} General Hospital", "St. {saint} Medical Center",
              "{surname} Memorial Hospital", "{city} Regional Medical Center",
              "University of {state} Medical Center", "{city} Community Hospital"],
    "en_GB": ["{city} Royal Infirmary", "St {saint}'s Hospital", "{city} General Hospital",
              "Royal {city} Hospital", "{city} Teaching Hospitals NHS Trust",
              "{surname} Community Hospital"],
    "en_IN": ["{city} Institute of Medical Sciences", "{surname} Memorial Hospital",
              "{city} Civil Hospital", "Government Medical College {city}",
              "{surname} Multispeciality Hospital", "{city} District Hospital"],
    "en_AU": ["{city} Base Hospital", "{city} Hospital", "St {saint}'s Hospital",
              "{surname} Private Hospital", "{city} Health Service", "Royal {city} Hospital"],
    "en_CA": ["{city} General Hospital", "St. {saint}'s Hospital", "Hôpital {surname}",
              "{city} Regional Health Centre", "{surname} Memorial Hospital",
              "Centre hospitalier de {city}"],
    "en_NG": ["{city} University Teaching Hospital", "General Hospital {city}",
              "Federal Medical Centre {city}", "{surname} Specialist Hospital",
              "{state} Specialist Hospital", "{city} Central Hospital"],
    "es_ES": ["Hospital Universitario de {city}", "Hospital General de {city}",
              "Hospital San {saint}", "Clínica {surname}", "Hospital Comarcal de {city}",
              "Complejo Hospitalario de {city}"],
    "es_MX": ["Hospital General de {city}", "Hospital Civil de {city}",
              "Hospital San {saint}", "Clínica {surname}", "Hospital Regional de {city}",
              "Centro Médico {surname}"],
    "fr_FR": ["Centre Hospitalier de {city}", "CHU de {city}", "Clinique Saint-{saint}",
              "Hôpital {surname}", "Hôpital privé de {city}", "Polyclinique de {city}"],
    "de_DE": ["Klinikum {city}", "Universitätsklinikum {city}", "{saint}-Krankenhaus {city}",
              "Städtisches Klinikum {city}", "{surname}-Klinik", "Kreiskrankenhaus {city}",
              "Evangelisches Krankenhaus {city}", "Helios Klinikum {city}"],
    "nl_NL": ["Ziekenhuis {city}", "UMC {city}", "Sint {saint} Ziekenhuis",
              "Streekziekenhuis {city}", "Medisch Centrum {city}", "{surname} Kliniek",
              "Ziekenhuis Gelre {city}"],
    "it_IT": ["Ospedale di {city}", "Azienda Ospedaliera di {city}", "Ospedale San {saint}",
              "Policlinico di {city}", "Casa di Cura {surname}", "Ospedale Civile di {city}",
              "ASST di {city}", "Azienda Ospedaliero-Universitaria di {city}"],
    "tr_TR": ["{city} Devlet Hastanesi", "{city} Şehir Hastanesi",
              "{city} Eğitim ve Araştırma Hastanesi", "{saint} Hastanesi",
              "Özel {surname} Hastanesi", "{city} Üniversitesi Tıp Fakültesi Hastanesi"],
    "pl_PL": ["Szpital Wojewódzki w {city}", "Szpital Miejski w {city}",
              "Szpital Specjalistyczny im. {saint}", "Uniwersytecki Szpital Kliniczny w {city}",
              "Szpital Powiatowy w {city}", "Centrum Medyczne {surname}"],
}
#: Non-Latin locales: (native pattern, romanised pattern).
HOSPITAL_PATTERNS_NATIVE: dict[str, list[Pair]] = {
    "zh_CN": [("{city}市人民医院", "{city} People's Hospital"),
              ("{city}市第一人民医院", "{city} First People's Hospital"),
              ("{city}市中医医院", "{city} Hospital of Traditional Chinese Medicine"),
              ("{city}大学附属医院", "{city} University Affiliated Hospital"),
              ("{city}市中心医院", "{city} Central Hospital"),
              ("{state}省人民医院", "{state} Provincial People's Hospital")],
    "hi_IN": [("{city} जिला अस्पताल", "{city} District Hospital"),
              ("{city} मेडिकल कॉलेज", "{city} Medical College"),
              ("{surname} स्मारक अस्पताल", "{surname} Memorial Hospital"),
              ("{city} सिविल अस्पताल", "{city} Civil Hospital"),
              ("{state} आयुर्विज्ञान संस्थान", "{state} Institute of Medical Sciences")],
    "bn_BD": [("{city} মেডিকেল কলেজ হাসপাতাল", "{city} Medical College Hospital"),
              ("{city} সদর হাসপাতাল", "{city} Sadar Hospital"),
              ("{city} জেনারেল হাসপাতাল", "{city} General Hospital"),
              ("{surname} মেমোরিয়াল হাসপাতাল", "{surname} Memorial Hospital"),
              ("{city} উপজেলা স্বাস্থ্য কমপ্লেক্স", "{city} Upazila Health Complex")],
}

STREET_SUFFIXES: dict[str, list[str]] = {
    "en_IN": ["Road", "Marg", "Nagar", "Lane", "Street", "Colony"],
    "en_AU": ["Street", "Road", "Avenue", "Parade", "Crescent", "Terrace", "Close", "Drive"],
    "en_CA": ["Street", "Avenue", "Road", "Boulevard", "Crescent", "Drive"],
    "en_NG": ["Street", "Road", "Close", "Crescent", "Avenue", "Way"],
    "tr_TR": ["Sokak", "Caddesi", "Bulvarı", "Sokağı", "Yolu"],
}
STREET_SUFFIXES_NATIVE: dict[str, list[Pair]] = {
    "zh_CN": [("路", "Road"), ("街", "Street"), ("大道", "Avenue"), ("巷", "Lane")],
    "hi_IN": [("मार्ग", "Marg"), ("रोड", "Road"), ("नगर", "Nagar"), ("गली", "Lane")],
    "bn_BD": [("রোড", "Road"), ("সড়ক", "Sarak"), ("লেন", "Lane"), ("এভিনিউ", "Avenue")],
}
ZH_COMMON_SURNAMES = set("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁"
                         "潘于蒋蔡余杜叶程苏魏吕丁任沈")
ZH_STREET_WORDS = ["人民", "解放", "中山", "建设", "和平", "长江", "南京", "延安", "胜利",
                   "文化", "新华", "光明", "朝阳", "东风", "黄河", "北京", "复兴", "青年",
                   "幸福", "友谊", "团结", "红旗", "工农", "学府", "滨江", "湖滨"]

# ---------------------------------------------------------------------------------------------
# Sources
# ---------------------------------------------------------------------------------------------


def faker_person(locale: str) -> Any | None:
    try:
        return importlib.import_module(f"faker.providers.person.{locale}").Provider
    except ModuleNotFoundError:
        return None


def faker_list(locale: str, attr: str) -> list[str]:
    provider = faker_person(locale)
    if provider is None or attr not in provider.__dict__:
        return []
    value = provider.__dict__[attr]
    return list(value.keys() if isinstance(value, dict) else value)


def read_names_by_country(names_dir: Path) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    def read(name: str) -> list[dict[str, str]]:
        with (names_dir / name).open(encoding="utf-8-sig", newline="") as handle:
            return list(csv.DictReader(handle))

    return read("common-forenames-by-country.csv"), read("common-surnames-by-country.csv")


def strip_marks(text: str) -> str:
    """Drop tone marks from pinyin ("Zhāng" → "Zhang"), keeping letters."""
    decomposed = unicodedata.normalize("NFD", text)
    return unicodedata.normalize("NFC", "".join(c for c in decomposed
                                                if not unicodedata.combining(c)))


def nbc_forenames(rows: list[dict[str, str]], country: str, gender: str) -> list[Pair]:
    g = {"female": "F", "male": "M"}[gender]
    out = []
    for r in rows:
        if r["Country"] == country and r["Gender"] == g and r["Localized Name"].strip():
            out.append((r["Localized Name"].strip(), r["Romanized Name"].strip()))
    return out


def nbc_surnames(rows: list[dict[str, str]], country: str) -> list[Pair]:
    return [(r["Localized Name"].strip(), r["Romanized Name"].strip()) for r in rows
            if r["Country"] == country and r["Localized Name"].strip()]


# ---------------------------------------------------------------------------------------------
# Chinese romanisation
# ---------------------------------------------------------------------------------------------

#: Surnames whose reading differs from the character's common reading.
ZH_SURNAME_READINGS = {"单": "Shan", "曾": "Zeng", "解": "Xie", "仇": "Qiu", "区": "Ou",
                       "查": "Zha", "朴": "Piao", "乐": "Yue", "盖": "Ge", "缪": "Miao",
                       "覃": "Qin", "翟": "Zhai", "召": "Shao", "秘": "Bi", "折": "She",
                       "种": "Chong", "重": "Chong", "长孙": "Zhangsun", "万俟": "Moqi",
                       "尉迟": "Yuchi", "参": "Can", "员": "Yun", "黑": "He", "能": "Nai",
                       "藏": "Zang", "薄": "Bo", "纪": "Ji", "燕": "Yan", "华": "Hua",
                       "贲": "Ben", "宓": "Mi", "繁": "Po", "牟": "Mou", "隗": "Wei"}


def pinyin_word(text: str, surname: bool = False) -> str:
    if surname and text in ZH_SURNAME_READINGS:
        return ZH_SURNAME_READINGS[text]
    from pypinyin import Style, lazy_pinyin

    syllables = lazy_pinyin(text, style=Style.NORMAL, errors="ignore")
    word = "".join(syllables).replace("ü", "u").replace("v", "u")
    return word[:1].upper() + word[1:]


# ---------------------------------------------------------------------------------------------
# Building
# ---------------------------------------------------------------------------------------------


def dedupe(items: Iterable[Pair]) -> list[Pair]:
    seen: set[str] = set()
    out = []
    for native, roman in items:
        native, roman = native.strip(), roman.strip()
        # Faker's hi_IN list has a few malformed entries that start with a vowel sign.
        if not native or not roman or native in seen \
                or unicodedata.category(native[0]) in ("Mc", "Mn"):
            continue
        seen.add(native)
        out.append((native, roman))
    return out


def latin(names: Iterable[str]) -> list[Pair]:
    return [(n, n) for n in names]


def build_names(code: str, forenames: list[dict[str, str]], surnames: list[dict[str, str]],
                sources: list[str]) -> tuple[dict[str, list[Pair]], list[Pair]]:
    first: dict[str, list[Pair]] = {"female": [], "male": []}
    family: list[Pair] = []

    def faker_first(loc: str) -> None:
        for g in first:
            first[g] += latin(faker_list(loc, f"first_names_{g}"))
        sources.append(f"Faker `{loc}` first names")

    def faker_last(loc: str) -> None:
        family.extend(latin(faker_list(loc, "last_names")))
        sources.append(f"Faker `{loc}` surnames")

    def nbc(country: str) -> None:
        # Latin-script pools take the romanised form for both scripts ("कुमार" → "Kumar").
        for g in first:
            first[g] += [(r, r) for _, r in nbc_forenames(forenames, country, g) if is_latin(r)]
        family.extend((r, r) for _, r in nbc_surnames(surnames, country) if is_latin(r))
        sources.append(f"names-by-country `{country}` forenames and surnames")

    if code in ("en_US", "en_GB", "en_IN", "es_ES", "es_MX", "fr_FR"):
        faker_first(code)
        faker_last(code)
        country = {"en_US": "US", "en_GB": "GB", "en_IN": "IN", "es_ES": "ES", "es_MX": "MX",
                   "fr_FR": "FR"}[code]
        nbc(country)
    elif code in IMMIGRANT_ORIGINS:
        # The country's own names, then popular names of its main immigrant origins (names-by-
        # country), so a surrogate or synthetic patient is not always of the majority origin.
        faker_first(code)
        faker_last(code)
        nbc(code[-2:])
        for country in IMMIGRANT_ORIGINS[code]:
            nbc(country)
    elif code in ("tr_TR", "pl_PL"):
        # Faker's own lists, then the country's popular names (names-by-country); Faker pl_PL
        # keeps its surnames in unisex and masculine lists (feminine forms are derived at
        # run time by Faker, not listed), both taken
        faker_first(code)
        faker_last(code)
        if code == "pl_PL":
            family.extend(latin(faker_list(code, "unisex_last_names")))
            family.extend(latin(faker_list(code, "male_last_names")))
            sources.append("Faker `pl_PL` unisex and masculine surnames")
        nbc(code[-2:])
        # Faker tr_TR has a few mangled entries ("N˜zamett˜n"): Latin letters only
        first = {g: [p for p in v if is_latin(p[1])] for g, v in first.items()}
        family[:] = [p for p in family if is_latin(p[1])]
    elif code == "en_AU":
        # Faker en_AU has no person provider (falls back to en_US): Australian popular names
        # from names-by-country, with British, Irish and New Zealand pools (closest naming).
        nbc("AU")
        for loc in ("en_GB", "en_NZ", "en_IE"):
            faker_first(loc)
        faker_last("en_GB")
        faker_last("en_NZ")
    elif code == "en_CA":
        # Faker en_CA falls back to en_US names: Canadian popular names plus French-Canadian.
        nbc("CA")
        faker_first("fr_CA")
        faker_first("en_GB")
        faker_last("fr_CA")
        faker_last("en_GB")
    elif code == "en_NG":
        for loc in ("en_NG", "yo_NG", "ig_NG", "ha_NG"):
            faker_first(loc)
            faker_last(loc)
    elif code == "zh_CN":
        for g in first:
            first[g] += [(n, pinyin_word(n)) for n in faker_list("zh_CN", f"first_names_{g}")]
        family.extend((n, pinyin_word(n, surname=True)) for n in faker_list("zh_CN", "last_names"))
        sources.append("Faker `zh_CN` first names and surnames (native), romanised with pypinyin")
        for g in first:
            first[g] += [(n, strip_marks(r).replace(" ", "")) for n, r in
                         nbc_forenames(forenames, "CN", g)]
        # Simplified-script rows only (the file also lists Cantonese spellings such as Wong).
        family.extend((n, strip_marks(r)) for n, r in nbc_surnames(surnames, "CN")
                      if n in ZH_COMMON_SURNAMES)
        sources.append("names-by-country `CN` forenames and surnames (pinyin, tone marks removed)")
    elif code == "hi_IN":
        for g in first:
            first[g] += [(n, romanise(n)) for n in faker_list("hi_IN", f"first_names_{g}")]
        family.extend((n, romanise(n)) for n in faker_list("hi_IN", "last_names"))
        sources.append("Faker `hi_IN` (Devanagari), romanised by fairdeid.locales.translit")
        family = nbc_surnames(surnames, "IN") + family
        sources.append("names-by-country `IN` surnames (Devanagari + romanised pairs)")
    elif code == "bn_BD":
        for g in first:
            first[g] += [(n, romanise(n)) for n in faker_list("bn_BD", f"first_names_{g}")]
        family.extend((n, romanise(n)) for n in faker_list("bn_BD", "last_names"))
        sources.append("Faker `bn_BD` (Bengali), romanised by fairdeid.locales.translit")
        family = nbc_surnames(surnames, "BD") + family
        sources.append("names-by-country `BD` surnames (Bengali + romanised pairs)")
    else:  # pragma: no cover - guarded by ALL_LOCALE_CODES
        raise SystemExit(f"no recipe for {code}")
    first = {g: dedupe(v) for g, v in first.items()}
    if code in ("hi_IN", "bn_BD"):
        # Faker's Indic first-name lists contain some surnames ("शर्मा"); drop them.
        family_native = {n for n, _ in family}
        first = {g: [p for p in v if p[0] not in family_native] for g, v in first.items()}
    # A name listed under both genders in one pool is ambiguous: keep it out of both.
    both = {n for n, _ in first["female"]} & {n for n, _ in first["male"]}
    first = {g: [p for p in v if p[0] not in both] for g, v in first.items()}
    return first, dedupe(family)


#: Main countries of origin of immigrants, by pool (names-by-country codes; public statistics).
IMMIGRANT_ORIGINS: dict[str, tuple[str, ...]] = {
    "de_DE": ("TR", "PL", "RU", "RO", "HR", "RS"),
    "nl_NL": ("TR", "MA", "PL", "DZ"),
    "it_IT": ("RO", "AL", "MA", "UA", "TN"),
}
#: Pools whose street names come from Faker's address provider.
FAKER_STREETS = ("en_US", "en_GB", "es_ES", "es_MX", "fr_FR", "de_DE", "nl_NL", "it_IT",
                 "pl_PL")


def build_streets(code: str, rng: random.Random, surnames: Sequence[Pair],
                  first: dict[str, list[Pair]], cities: Sequence[Pair]) -> list[Pair]:
    if code in FAKER_STREETS:
        from faker import Faker

        fake = Faker(code)
        fake.seed_instance(SEED)
        streets: set[str] = set()
        for _ in range(400):
            streets.add(fake.street_name())
            if len(streets) >= 80:
                break
        return latin(sorted(streets))
    out: list[Pair] = []
    names = list(surnames[:60]) + list(first["male"][:20]) + list(first["female"][:10])
    if code in STREET_SUFFIXES:
        suffixes = STREET_SUFFIXES[code]
        for native, roman in names:
            suffix = rng.choice(suffixes)
            out.append((f"{native} {suffix}", f"{roman} {suffix}"))
        return dedupe(out)
    suffix_pairs = STREET_SUFFIXES_NATIVE[code]
    if code == "zh_CN":
        words = [(w, pinyin_word(w)) for w in ZH_STREET_WORDS] + [
            (n, r) for n, r in cities]
        for native, roman in words:
            s_native, s_roman = rng.choice(suffix_pairs)
            out.append((native + s_native, f"{roman} {s_roman}"))
        return dedupe(out)
    for native, roman in names:
        s_native, s_roman = rng.choice(suffix_pairs)
        out.append((f"{native} {s_native}", f"{roman} {s_roman}"))
    return dedupe(out)


def build_hospitals(code: str, rng: random.Random, cities: Sequence[Pair],
                    states: Sequence[Pair], surnames: Sequence[Pair]) -> list[Pair]:
    out: list[Pair] = []
    saints = SAINTS_OTHER.get(code) or (SAINTS_ES if code.startswith("es") else SAINTS_FR
                                         if code == "fr_FR" else SAINTS_EN)
    patterns: list[Pair]
    if code in HOSPITAL_PATTERNS_NATIVE:
        patterns = HOSPITAL_PATTERNS_NATIVE[code]
    else:
        patterns = [(p, p) for p in HOSPITAL_PATTERNS[code]]
    for _ in range(200):
        pn, pr = rng.choice(patterns)
        city, state, surname = rng.choice(cities), rng.choice(states), rng.choice(surnames[:80])
        saint = rng.choice(saints)
        out.append((pn.format(city=city[0], state=state[0], surname=surname[0], saint=saint),
                    pr.format(city=city[1], state=state[1], surname=surname[1], saint=saint)))
        if len(dedupe(out)) >= 60:
            break
    return dedupe(out)


def pairs(items: list[Any]) -> list[Pair]:
    return [(i, i) if isinstance(i, str) else (i[0], i[1]) for i in items]


def encode_names(items: Sequence[Pair]) -> list[Any]:
    return [n if n == r else [n, r] for n, r in items]


def is_latin(text: str) -> bool:
    return all(c.isascii() or unicodedata.name(c, "").startswith("LATIN")
               or unicodedata.category(c)[0] in "PZ" for c in text)


def check(code: str, first: dict[str, list[Pair]], family: list[Pair],
          us_first: set[str] | None) -> None:
    for g, names in first.items():
        if len(names) < 15:
            raise SystemExit(f"{code}: only {len(names)} {g} first names")
    if len(family) < 15:
        raise SystemExit(f"{code}: only {len(family)} surnames")
    for _, roman in [p for v in first.values() for p in v] + family:
        if not is_latin(roman):
            raise SystemExit(f"{code}: romanised form is not Latin script")
    if us_first is not None:
        mine = {r for v in first.values() for _, r in v}
        jaccard = len(mine & us_first) / len(mine | us_first)
        if jaccard > 0.5:
            raise SystemExit(f"{code}: first names overlap en_US's (Jaccard {jaccard:.2f})")


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--names-dir", type=Path, default=DEFAULT_NAMES_DIR)
    parser.add_argument("--out", type=Path, default=DATA_DIR)
    parser.add_argument("--only", nargs="+", choices=ALL_LOCALE_CODES, metavar="CODE",
                        help="build these pools only; the other pools and their SOURCES.md "
                        "lines stay as they are (a newer Faker would change them)")
    args = parser.parse_args(argv)
    forenames, surnames_rows = read_names_by_country(args.names_dir)
    args.out.mkdir(parents=True, exist_ok=True)
    provenance: dict[str, list[str]] = {}
    us_first: set[str] | None = None
    codes = [c for c in ALL_LOCALE_CODES if not args.only or c in args.only]
    if args.only and "en_US" not in args.only:
        us_first = {r for v in build_names("en_US", forenames, surnames_rows, [])[0].values()
                    for _, r in v}
    for code in codes:
        rng = random.Random(f"{SEED}:{code}")
        sources: list[str] = []
        first, family = build_names(code, forenames, surnames_rows, sources)
        check(code, first, family, us_first)
        if code == "en_US":
            us_first = {r for v in first.values() for _, r in v}
        cities, states = pairs(CITIES[code]), pairs(STATES[code])
        streets = build_streets(code, rng, family, first, cities)
        hospitals = build_hospitals(code, rng, cities, states, family)
        sources.append("cities, states, phone/ID/postcode shapes: curated by the fairdeid "
                       "authors (public facts)")
        sources.append("streets and hospitals: generated from the pool's own names and places "
                       "with per-locale patterns" + (" (Faker street names)" if code in
                                                     FAKER_STREETS else ""))
        provenance[code] = sources
        native = any(n != r for n, r in cities)
        data: dict[str, Any] = {
            "code": code,
            "country": COUNTRY[code][1],
            "country_native": COUNTRY[code][0],
            "family_name_first": code == "zh_CN",
            "first_names": {g: encode_names(v) for g, v in first.items()},
            "surnames": encode_names(family),
            "cities": [r for _, r in cities],
            "streets": [r for _, r in streets],
            "hospitals": [r for _, r in hospitals],
            "states": [r for _, r in states],
            "phone_formats": PHONES[code],
            "id_formats": IDS[code],
            "zip_formats": ZIPS[code],
        }
        if native:
            data["native_places"] = {
                "cities": [n for n, _ in cities], "streets": [n for n, _ in streets],
                "hospitals": [n for n, _ in hospitals], "states": [n for n, _ in states],
            }
        path = args.out / f"{code}.json"
        path.write_text(json.dumps(data, ensure_ascii=False, separators=(",", ":")) + "\n",
                        encoding="utf-8")
        counts = {g: len(v) for g, v in first.items()}
        print(f"{code}: {counts} surnames={len(family)} streets={len(streets)} "
              f"hospitals={len(hospitals)}")
    if args.only:
        update_sources(args.out, provenance)
    else:
        write_sources(args.out, provenance)


def update_sources(out: Path, provenance: dict[str, list[str]]) -> None:
    """Replace (or add) the per-locale lines of the pools just built, naming the Faker version."""
    from importlib.metadata import version

    path = out / "SOURCES.md"
    lines = path.read_text(encoding="utf-8").split("\n") if path.exists() else [
        "# Locale pool sources", "", "## Per locale", "", "## Known gaps", ""]
    for code, sources in provenance.items():
        line = f"- `{code}`: " + "; ".join(sources) + f" (built with Faker {version('faker')})."
        at = next((i for i, x in enumerate(lines) if x.startswith(f"- `{code}`:")), None)
        if at is not None:
            lines[at] = line
            continue
        gaps = lines.index("## Known gaps")
        lines.insert(gaps - 1, line)
    path.write_text("\n".join(lines), encoding="utf-8")


def write_sources(out: Path, provenance: dict[str, list[str]]) -> None:
    from importlib.metadata import version

    try:
        pinyin_version = version("pypinyin")
    except Exception:  # noqa: BLE001 - only for the record
        pinyin_version = "unknown"
    lines = [
        "# Locale pool sources",
        "",
        "Generated by `scripts/build_locale_pools.py`; do not edit the JSON by hand.",
        "",
        f"- **Faker** {version('faker')} (MIT licence): person providers (first names, "
        "surnames) and, for en_US/en_GB/es_ES/es_MX/fr_FR, street names.",
        "- **names-by-country** (`shared/data/names-by-country`, from "
        "github.com/sigpwned/popular-names-by-country-dataset at eb62e13, CC0 1.0; names "
        "scraped from Wikipedia lists, July 2023): popular forenames and surnames with "
        "localized and romanized forms.",
        f"- **pypinyin** {pinyin_version} (MIT licence), build time only: pinyin for Chinese "
        "names and street words, tones removed; surnames with special readings are fixed by a "
        "table in the build script.",
        "- **fairdeid.locales.translit** (this project): rule-based romanisation of Devanagari "
        "and Bengali names (conventional spellings, Hindi schwa deletion). Pairs from "
        "names-by-country take precedence where they exist.",
        "- Curated by the fairdeid authors (public facts, no licence needed): city, state and "
        "country names, phone number shapes, national ID and postcode shapes, hospital and "
        "street naming patterns. Generated hospitals and streets are fictitious combinations.",
        "",
        "A first name listed under both genders in one pool is left out of that pool.",
        "",
        "## Per locale",
        "",
    ]
    for code, sources in provenance.items():
        lines.append(f"- `{code}`: " + "; ".join(sources) + ".")
    lines += [
        "",
        "## Known gaps",
        "",
        "- Faker has no en_AU or en_CA person provider (it falls back to en_US); these pools "
        "combine names-by-country's Australian/Canadian popular names with British, Irish and "
        "New Zealand (en_AU) or French-Canadian and British (en_CA) Faker names.",
        "- Bangladesh has only male forenames in names-by-country; female names come from "
        "Faker bn_BD. Romanisation of Bengali follows Hindi-style conventions and can differ "
        "from a family's own spelling.",
        "- en_NG combines Faker's English, Yoruba, Igbo and Hausa Nigerian pools.",
        "",
    ]
    (out / "SOURCES.md").write_text("\n".join(lines), encoding="utf-8")


if __name__ == "__main__":
    main()
