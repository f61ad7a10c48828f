import pytest

from vicino.core.geography import PROVINCE_CENTRES, distance_km, province_nearest, province_of_cap
from vicino.core.italy import PROVINCE_NAMES

# A code of each chief town (Sud Sardegna: Carbonia; Barletta-Andria-Trani: Barletta).
CAPITAL_CAPS = {
    "AG": "92100", "AL": "15121", "AN": "60121", "AO": "11100", "AR": "52100", "AP": "63100",
    "AT": "14100", "AV": "83100", "BA": "70121", "BT": "76121", "BL": "32100", "BN": "82100",
    "BG": "24121", "BI": "13900", "BO": "40121", "BZ": "39100", "BS": "25121", "BR": "72100",
    "CA": "09124", "CL": "93100", "CB": "86100", "CE": "81100", "CT": "95121", "CZ": "88100",
    "CH": "66100", "CO": "22100", "CS": "87100", "CR": "26100", "KR": "88900", "CN": "12100",
    "EN": "94100", "FM": "63900", "FE": "44121", "FI": "50122", "FG": "71121", "FC": "47121",
    "FR": "03100", "GE": "16121", "GO": "34170", "GR": "58100", "IM": "18100", "IS": "86170",
    "AQ": "67100", "SP": "19121", "LT": "04100", "LE": "73100", "LC": "23900", "LI": "57123",
    "LO": "26900", "LU": "55100", "MC": "62100", "MN": "46100", "MS": "54100", "MT": "75100",
    "ME": "98122", "MI": "20121", "MO": "41121", "MB": "20900", "NA": "80133", "NO": "28100",
    "NU": "08100", "OR": "09170", "PD": "35121", "PA": "90133", "PR": "43121", "PV": "27100",
    "PG": "06121", "PU": "61121", "PE": "65121", "PC": "29121", "PI": "56125", "PT": "51100",
    "PN": "33170", "PZ": "85100", "PO": "59100", "RG": "97100", "RA": "48121", "RC": "89127",
    "RE": "42121", "RI": "02100", "RN": "47921", "RM": "00184", "RO": "45100", "SA": "84121",
    "SS": "07100", "SV": "17100", "SI": "53100", "SR": "96100", "SO": "23100", "SU": "09013",
    "TA": "74123", "TE": "64100", "TR": "05100", "TO": "10121", "TP": "91100", "TN": "38122",
    "TV": "31100", "TS": "34121", "UD": "33100", "VA": "21100", "VE": "30121", "VB": "28922",
    "VC": "13100", "VR": "37121", "VV": "89900", "VI": "36100", "VT": "01100",
}  # fmt: skip

# Towns on either side of the splits between a province and the one carved out of it.
TOWN_CAPS = [
    ("20099", "MI"),  # Sesto San Giovanni
    ("20025", "MI"),  # Legnano
    ("20832", "MB"),  # Desio
    ("20811", "MB"),  # Cesano Maderno
    ("23807", "LC"),  # Merate
    ("23032", "SO"),  # Bormio
    ("26845", "LO"),  # Codogno
    ("26013", "CR"),  # Crema
    ("13836", "BI"),  # Cossato
    ("13048", "VC"),  # Santhià
    ("28845", "VB"),  # Domodossola
    ("28021", "NO"),  # Borgomanero
    ("33077", "PN"),  # Sacile
    ("33033", "UD"),  # Codroipo
    ("34074", "GO"),  # Monfalcone
    ("34015", "TS"),  # Muggia
    ("47838", "RN"),  # Riccione
    ("47521", "FC"),  # Cesena
    ("47042", "FC"),  # Cesenatico
    ("63822", "FM"),  # Porto San Giorgio
    ("63074", "AP"),  # San Benedetto del Tronto
    ("76123", "BT"),  # Andria
    ("76011", "BT"),  # Bisceglie
    ("70056", "BA"),  # Molfetta
    ("86079", "IS"),  # Venafro
    ("86039", "CB"),  # Termoli
    ("88046", "CZ"),  # Lamezia Terme
    ("88811", "KR"),  # Cirò Marina
    ("89861", "VV"),  # Tropea
    ("89015", "RC"),  # Palmi
    ("59013", "PO"),  # Montemurlo
    ("50053", "FI"),  # Empoli
    ("09045", "CA"),  # Quartu Sant'Elena
    ("09016", "SU"),  # Iglesias
    ("09098", "OR"),  # Terralba
    ("08013", "OR"),  # Bosa
    ("08048", "NU"),  # Tortolì
    ("07026", "SS"),  # Olbia
]


def test_every_province_has_a_centre_and_no_other_place_does():
    assert set(PROVINCE_CENTRES) == set(PROVINCE_NAMES)
    assert len(PROVINCE_CENTRES) == 107


def test_every_centre_lies_inside_italy():
    outside = {
        sigla: (lat, lon)
        for sigla, (lat, lon) in PROVINCE_CENTRES.items()
        if not (35.4 <= lat <= 47.2 and 6.6 <= lon <= 18.6)
    }
    assert outside == {}


def test_the_test_knows_a_chief_town_code_for_every_province():
    assert set(CAPITAL_CAPS) == set(PROVINCE_NAMES)


@pytest.mark.parametrize(("sigla", "cap"), sorted(CAPITAL_CAPS.items()))
def test_a_chief_towns_cap_belongs_to_its_province(sigla, cap):
    assert province_of_cap(cap) == sigla


def test_a_treviso_cap_belongs_to_treviso():
    assert province_of_cap("31100") == "TV"


def test_monza_is_told_apart_from_milano():
    assert province_of_cap("20900") == "MB"
    assert province_of_cap("20121") == "MI"


@pytest.mark.parametrize(("cap", "sigla"), TOWN_CAPS)
def test_a_towns_cap_falls_on_the_right_side_of_a_province_split(cap, sigla):
    assert province_of_cap(cap) == sigla


def test_codes_of_san_marino_and_the_vatican_belong_to_no_province():
    assert province_of_cap("47890") is None
    assert province_of_cap("47899") is None
    assert province_of_cap("00120") is None


@pytest.mark.parametrize("cap", ["2012", "201211", "ABCDE", "", "20 21", "２０１２１", None, 20121])
def test_a_malformed_cap_belongs_to_no_province(cap):
    assert province_of_cap(cap) is None


def test_a_cap_with_stray_spaces_is_still_routed():
    assert province_of_cap(" 20121 ") == "MI"


@pytest.mark.parametrize("cap", ["49100", "68100", "77100", "99100"])
def test_a_block_no_province_holds_belongs_to_no_province(cap):
    assert province_of_cap(cap) is None


def test_milano_and_roma_are_about_480_km_apart():
    assert 470 < distance_km(PROVINCE_CENTRES["MI"], PROVINCE_CENTRES["RM"]) < 490


def test_a_distance_is_the_same_both_ways_and_zero_to_itself():
    milano, palermo = PROVINCE_CENTRES["MI"], PROVINCE_CENTRES["PA"]
    assert distance_km(milano, palermo) == pytest.approx(distance_km(palermo, milano))
    assert distance_km(milano, milano) == 0


def test_bergamo_is_nearer_milano_than_treviso():
    assert province_nearest("BG", ["MI", "TV"]) == "MI"


def test_venezia_and_padova_are_nearer_treviso_than_milano():
    assert province_nearest("VE", ["MI", "TV"]) == "TV"
    assert province_nearest("PD", ["MI", "TV"]) == "TV"


def test_roma_is_nearest_perugia_of_milano_treviso_and_perugia():
    assert province_nearest("RM", {"MI", "TV", "PG"}) == "PG"


def test_a_province_that_is_a_candidate_is_its_own_nearest():
    assert province_nearest("TV", ["VE", "TV", "PD"]) == "TV"


def test_the_nearest_province_is_found_from_a_cap():
    assert province_nearest(province_of_cap("20832"), ["MI", "TV"]) == "MI"


def test_an_unknown_province_has_no_nearest():
    assert province_nearest("XX", ["MI", "TV"]) is None
    assert province_nearest("", ["MI"]) is None


def test_no_candidates_give_no_nearest():
    assert province_nearest("MI", []) is None
    assert province_nearest("MI", ["XX"]) is None


def test_an_unknown_candidate_is_passed_over():
    assert province_nearest("BG", ["XX", "TV"]) == "TV"


def test_equally_distant_candidates_go_to_the_first_sigla(monkeypatch):
    # Two siglas at one point: only the tie-break can choose, whatever the order given.
    monkeypatch.setitem(PROVINCE_CENTRES, "ZZ", PROVINCE_CENTRES["TV"])
    assert province_nearest("VE", ["ZZ", "TV"]) == "TV"
    assert province_nearest("VE", ["TV", "ZZ"]) == "TV"
