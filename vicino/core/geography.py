"""Where an enquiry comes from, roughly: province centres, the province of a CAP, distances.

Lead routing sends an enquiry to the nearest site of the network, knowing only the
customer's province or CAP. This module knows province granularity, nothing finer: the
centre of a province is its chief town, and a CAP is mapped to a province by its leading
digits.
"""

import math
import re
from collections.abc import Iterable

# (latitude, longitude) in decimal degrees of each province's capoluogo. A province with
# more than one chief town is placed at the one named first: Barletta for BT, Forlì for
# FC, Pesaro for PU, Massa for MS, Verbania for VB; Sud Sardegna at Carbonia, its seat.
PROVINCE_CENTRES: dict[str, tuple[float, float]] = {
    "AG": (37.31, 13.58),
    "AL": (44.91, 8.61),
    "AN": (43.62, 13.52),
    "AO": (45.74, 7.32),
    "AR": (43.46, 11.88),
    "AP": (42.85, 13.58),
    "AT": (44.90, 8.21),
    "AV": (40.91, 14.79),
    "BA": (41.12, 16.87),
    "BT": (41.32, 16.28),
    "BL": (46.14, 12.22),
    "BN": (41.13, 14.78),
    "BG": (45.70, 9.67),
    "BI": (45.57, 8.05),
    "BO": (44.49, 11.34),
    "BZ": (46.50, 11.35),
    "BS": (45.54, 10.22),
    "BR": (40.64, 17.94),
    "CA": (39.22, 9.11),
    "CL": (37.49, 14.06),
    "CB": (41.56, 14.66),
    "CE": (41.07, 14.33),
    "CT": (37.50, 15.09),
    "CZ": (38.91, 16.59),
    "CH": (42.35, 14.17),
    "CO": (45.81, 9.09),
    "CS": (39.30, 16.25),
    "CR": (45.13, 10.02),
    "KR": (39.08, 17.13),
    "CN": (44.38, 7.54),
    "EN": (37.57, 14.28),
    "FM": (43.16, 13.72),
    "FE": (44.84, 11.62),
    "FI": (43.77, 11.25),
    "FG": (41.46, 15.55),
    "FC": (44.22, 12.04),
    "FR": (41.64, 13.35),
    "GE": (44.41, 8.93),
    "GO": (45.94, 13.62),
    "GR": (42.76, 11.11),
    "IM": (43.89, 8.03),
    "IS": (41.59, 14.23),
    "AQ": (42.35, 13.40),
    "SP": (44.10, 9.82),
    "LT": (41.47, 12.90),
    "LE": (40.35, 18.17),
    "LC": (45.86, 9.40),
    "LI": (43.55, 10.31),
    "LO": (45.31, 9.50),
    "LU": (43.84, 10.50),
    "MC": (43.30, 13.45),
    "MN": (45.16, 10.79),
    "MS": (44.04, 10.14),
    "MT": (40.67, 16.60),
    "ME": (38.19, 15.55),
    "MI": (45.46, 9.19),
    "MO": (44.65, 10.93),
    "MB": (45.58, 9.27),
    "NA": (40.85, 14.27),
    "NO": (45.45, 8.62),
    "NU": (40.32, 9.33),
    "OR": (39.90, 8.59),
    "PD": (45.41, 11.88),
    "PA": (38.12, 13.36),
    "PR": (44.80, 10.33),
    "PV": (45.19, 9.16),
    "PG": (43.11, 12.39),
    "PU": (43.91, 12.91),
    "PE": (42.46, 14.21),
    "PC": (45.05, 9.69),
    "PI": (43.72, 10.40),
    "PT": (43.93, 10.91),
    "PN": (45.96, 12.66),
    "PZ": (40.64, 15.80),
    "PO": (43.88, 11.10),
    "RG": (36.93, 14.73),
    "RA": (44.42, 12.20),
    "RC": (38.11, 15.65),
    "RE": (44.70, 10.63),
    "RI": (42.40, 12.86),
    "RN": (44.06, 12.57),
    "RM": (41.90, 12.50),
    "RO": (45.07, 11.79),
    "SA": (40.68, 14.77),
    "SS": (40.73, 8.56),
    "SV": (44.31, 8.48),
    "SI": (43.32, 11.33),
    "SR": (37.08, 15.29),
    "SO": (46.17, 9.87),
    "SU": (39.17, 8.52),
    "TA": (40.47, 17.24),
    "TE": (42.66, 13.70),
    "TR": (42.56, 12.65),
    "TO": (45.07, 7.69),
    "TP": (38.02, 12.51),
    "TN": (46.07, 11.12),
    "TV": (45.67, 12.24),
    "TS": (45.65, 13.78),
    "UD": (46.06, 13.24),
    "VA": (45.82, 8.83),
    "VE": (45.44, 12.33),
    "VB": (45.92, 8.55),
    "VC": (45.32, 8.42),
    "VR": (45.44, 10.99),
    "VV": (38.68, 16.10),
    "VI": (45.55, 11.55),
    "VT": (42.42, 12.11),
}

# Poste Italiane gives each province a block of CAPs: the first two digits name the
# province that held them before the 1990s reforms, and the provinces carved out since
# got a sub-block of their parent's (or, for BT, a new one). The longest matching prefix
# wins, so a new province's sub-block and a single town's code can override the parent.
# None marks codes inside an Italian block that belong to another state.
_CAP_PREFIXES: dict[str, str | None] = {
    # Lazio, Umbria
    "00": "RM",
    "00120": None,  # Vatican City
    "01": "VT",
    "02": "RI",
    "03": "FR",
    "04": "LT",
    "05": "TR",
    "06": "PG",
    # Sardinia. 090xx is shared by Cagliari's metropolitan city and Sud Sardegna; most
    # of its codes are Sud Sardegna towns, so the Cagliari ones are listed one by one.
    "07": "SS",
    "08": "NU",
    "08013": "OR",  # Bosa, moved to Oristano in 2005
    "08033": "SU",  # Isili
    "08034": "OR",  # Laconi
    "08035": "SU",  # Nurri
    "08037": "SU",  # Seui
    "08043": "SU",  # Escalaplano
    "09": "SU",
    "09012": "CA",  # Capoterra
    "09018": "CA",  # Sarroch
    "09028": "CA",  # Sestu
    "09032": "CA",  # Assemini
    "09033": "CA",  # Decimomannu
    "09042": "CA",  # Monserrato
    "09044": "CA",  # Quartucciu
    "09045": "CA",  # Quartu Sant'Elena
    "09047": "CA",  # Selargius
    "09048": "CA",  # Sinnai
    "0906": "CA",  # Elmas, Uta
    "0907": "OR",
    "0908": "OR",
    "0909": "OR",
    "091": "CA",  # Cagliari city
    "0917": "OR",  # Oristano city
    # Piedmont, Aosta Valley, Liguria
    "10": "TO",
    "11": "AO",
    "12": "CN",
    "13": "VC",
    "138": "BI",
    "139": "BI",
    "14": "AT",
    "15": "AL",
    "16": "GE",
    "17": "SV",
    "18": "IM",
    "19": "SP",
    # Lombardy, with Novara's VB and Piacenza
    "20": "MI",
    "208": "MB",
    "209": "MB",
    "21": "VA",
    "22": "CO",
    "23": "SO",
    "238": "LC",
    "239": "LC",
    "24": "BG",
    "25": "BS",
    "26": "CR",
    "268": "LO",
    "269": "LO",
    "27": "PV",
    "28": "NO",
    "288": "VB",
    "289": "VB",
    "29": "PC",
    # Veneto, Friuli Venezia Giulia, Trentino-Alto Adige
    "30": "VE",
    "31": "TV",
    "32": "BL",
    "33": "UD",
    "3307": "PN",
    "3308": "PN",
    "3309": "PN",
    "3317": "PN",
    "34": "TS",
    "3407": "GO",
    "3417": "GO",
    "35": "PD",
    "36": "VI",
    "37": "VR",
    "38": "TN",
    "39": "BZ",
    # Emilia-Romagna, Rovigo, Mantova
    "40": "BO",
    "41": "MO",
    "42": "RE",
    "43": "PR",
    "44": "FE",
    "45": "RO",
    "46": "MN",
    "47": "FC",
    "478": "RN",
    "4789": None,  # San Marino
    "479": "RN",
    "48": "RA",
    # Tuscany
    "50": "FI",
    "51": "PT",
    "52": "AR",
    "53": "SI",
    "54": "MS",
    "55": "LU",
    "56": "PI",
    "57": "LI",
    "58": "GR",
    "59": "PO",
    # Marche, Abruzzo
    "60": "AN",
    "61": "PU",
    "62": "MC",
    "63": "AP",
    "638": "FM",
    "639": "FM",
    "64": "TE",
    "65": "PE",
    "66": "CH",
    "67": "AQ",
    # Apulia, Basilicata (Matera)
    "70": "BA",
    "71": "FG",
    "72": "BR",
    "73": "LE",
    "74": "TA",
    "75": "MT",
    "76": "BT",
    # Campania, Basilicata (Potenza), Molise, Calabria
    "80": "NA",
    "81": "CE",
    "82": "BN",
    "83": "AV",
    "84": "SA",
    "85": "PZ",
    "86": "CB",
    "8607": "IS",
    "8608": "IS",
    "8609": "IS",
    "8617": "IS",
    "87": "CS",
    "88": "CZ",
    "888": "KR",
    "889": "KR",
    "89": "RC",
    "898": "VV",
    "899": "VV",
    # Sicily
    "90": "PA",
    "91": "TP",
    "92": "AG",
    "93": "CL",
    "94": "EN",
    "95": "CT",
    "96": "SR",
    "97": "RG",
    "98": "ME",
}

# [0-9] rather than \d, which would also accept non-ASCII digits.
_CAP_RE = re.compile(r"[0-9]{5}")

_EARTH_RADIUS_KM = 6371.0


def province_of_cap(cap: str) -> str | None:
    """The sigla of the province a CAP belongs to, or None for a malformed or foreign code.

    Right for every chief town's codes and for the sub-blocks of the provinces created
    since 1992 (MB 208xx–209xx, LC 238xx–239xx, LO 268xx–269xx, BI 138xx–139xx,
    VB 288xx–289xx, PN 3307x–3309x and 33170, GO 3407x and 34170, RN 478xx–479xx,
    FM 638xx–639xx, IS 8607x–8609x and 86170, KR 888xx–889xx, VV 898xx–899xx, BT 76xxx,
    PO 59xxx). Approximated, because a few towns kept codes of a block that is no longer
    their province's: Sardinia after the 2005 and 2016 reorganisations (a shared code
    such as 09010 or 09040 goes to Sud Sardegna even for Pula or Burcei, which are in
    Cagliari's metropolitan city; 080xx goes to Nuoro except the towns listed), the
    villages that changed region or province without new codes (Sappada 32047 reads BL,
    Montecopiolo and Sassofeltrio 6101x read PU), and the 2025 Sardinian provinces,
    which have no sigla yet. A well-formed code nobody was given, inside a province's
    block, reads as that province; a block no province has (49xxx, 68xxx, 77xxx–79xxx,
    99xxx) and the codes of San Marino and the Vatican give None.
    """
    if not isinstance(cap, str):
        return None
    # Enquiry forms and imports bring stray spaces; routing should not drop the lead.
    cap = cap.strip()
    if not _CAP_RE.fullmatch(cap):
        return None
    for length in (5, 4, 3, 2):
        if cap[:length] in _CAP_PREFIXES:
            return _CAP_PREFIXES[cap[:length]]
    return None


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """The great-circle distance in km between two (latitude, longitude) points."""
    lat_a, lon_a = map(math.radians, a)
    lat_b, lon_b = map(math.radians, b)
    # Haversine rather than the spherical law of cosines: stable for nearby points.
    h = math.sin((lat_b - lat_a) / 2) ** 2 + math.cos(lat_a) * math.cos(lat_b) * math.sin((lon_b - lon_a) / 2) ** 2
    return 2 * _EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def province_nearest(province: str, candidates: Iterable[str]) -> str | None:
    """Of the candidate siglas, the one whose centre is nearest to the province's centre.

    The province itself wins if it is a candidate. Unknown candidates are ignored; None
    when the province is unknown or no candidate is known. Equal distances go to the
    sigla first in alphabetical order, so the same enquiry always reaches the same site.
    """
    centre = PROVINCE_CENTRES.get(province)
    if centre is None:
        return None
    known = {sigla for sigla in candidates if sigla in PROVINCE_CENTRES}
    if not known:
        return None
    return min(known, key=lambda sigla: (distance_km(centre, PROVINCE_CENTRES[sigla]), sigla))
