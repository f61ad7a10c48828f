import random

from stdnum.it import codicefiscale

from vicino.core.italy import fiscal_code_is_valid

LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DATE_DIGITS = "0123456789LMNPQRSTUV"


def _random_code(rng: random.Random) -> str:
    """A random codice fiscale, of the right shape, with its check character right most of the time."""
    prefix = "".join(rng.choice(LETTERS) for _ in range(6))
    prefix += rng.choice(DATE_DIGITS) + rng.choice(DATE_DIGITS) + rng.choice("ABCDEHLMPRST")
    prefix += rng.choice("0123457LMNPQRT") + rng.choice(DATE_DIGITS)  # days 01–79, some impossible
    prefix += rng.choice(LETTERS) + "".join(rng.choice(DATE_DIGITS) for _ in range(3))
    check = codicefiscale.calc_check_digit(prefix) if rng.random() < 0.8 else rng.choice(LETTERS)
    return prefix + check


def test_the_fast_fiscal_code_check_agrees_with_stdnum():
    rng = random.Random(2026)
    codes = [_random_code(rng) for _ in range(20_000)]
    codes += ["RSSMRA80A01F205X", "RSSMRA80A01F205", "rssmra80a01f205x", "12345678901", "00743110157", "RSSMRA00B29F205Z"]
    codes += [codicefiscale.calc_check_digit(p) and p + codicefiscale.calc_check_digit(p) for p in ("RSSMRA00B29F205", "RSSMRA04B29F205", "RSSMRA19B29F205")]
    disagreements = [code for code in codes if fiscal_code_is_valid(code) != codicefiscale.is_valid(code)]
    assert disagreements == []
    valid = sum(fiscal_code_is_valid(code) for code in codes)
    assert 10_000 < valid < 19_000  # both kinds were tried
