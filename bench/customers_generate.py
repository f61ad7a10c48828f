"""Deterministic fake Italian customers for Vicino's import and search benchmarks.

Writes a UTF-8, semicolon-separated CSV that looks like a real export from an
Italian car dealer's old management system: mostly people (~92%) and some
companies (~8%), with surnames distributed Zipf-like (Rossi, Russo, Ferrari and
Esposito are everywhere), accented and apostrophe names (Nicolò D'Angelo,
Dell'Acqua, Dal Bò), real municipalities with consistent CAP, province and
telephone prefix, codici fiscali computed with the real algorithm, phone numbers
in the formats people actually type, and about 0.3% of rows with a broken
e-mail address so that import validation has something to report.

Everything comes from one seeded random generator and the tables below, so the
same --count and --seed always give the same bytes. Standard library only.

    python bench/customers_generate.py --count 1000000 --seed 42 --out var/bench/customers.csv

A benchmark can also stream rows without a file:

    from customers_generate import HEADER, customer_rows
    for row in customer_rows(10_000, seed=42): ...

Uniqueness: Codice cliente, Numero socio and (valid) e-mail addresses are unique
in a file; phone numbers are unique for up to ten million rows.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import sys
import time
from array import array
from collections.abc import Iterator
from itertools import combinations

HEADER: list[str] = [
    "Codice cliente",
    "Nome",
    "Cognome",
    "Ragione sociale",
    "E-mail",
    "Telefono",
    "Indirizzo",
    "CAP",
    "Città",
    "Provincia",
    "Codice fiscale",
    "Numero socio",
    "Data di nascita",
    "Tag",
    "Consenso marketing e-mail",
    "Consenso SMS",
]

# ---------------------------------------------------------------------------
# Proportions
# ---------------------------------------------------------------------------

P_COMPANY = 0.08
P_PERSON_EMAIL = 0.86
P_COMPANY_EMAIL = 0.75
P_INVALID_EMAIL = 0.003  # of all rows
P_PERSON_PHONE = 0.80
P_PERSON_LANDLINE = 0.10  # of the people who have a phone
P_COMPANY_PHONE = 0.85
P_COMPANY_LANDLINE = 0.55
P_FISCAL_CODE = 0.60  # of people
P_BORN_ELSEWHERE = 0.25  # born in another municipality of the table than the one they live in
P_BIRTH_DATE = 0.54  # of people, i.e. about half of all rows
P_MEMBER_PERSON = 0.31
P_MEMBER_COMPANY = 0.18
P_TAGS = 0.20
P_FULL_ADDRESS = 0.88
P_CITY_ONLY = 0.04  # no street, but CAP, city and province

# Ages are computed on this date so that the output does not depend on the day it is generated.
# Birth years run from 1936 to 2007, so that everyone is 18 to 90 years old all through 2026.
REFERENCE_YEAR = 2026
MIN_AGE, MAX_AGE = 18, 90

from italian_tables import (  # noqa: E402 (the bench folder is on the path)
    FIRST_NAMES,
    SURNAMES,
    MUNICIPALITIES,
    STREETS,
    ABBREVIATIONS,
    ACTIVITIES,
    SECTORS,
    LEGAL_FORMS,
    TAGS,
    TAG_SEPARATOR,
    EMAIL_DOMAINS,
    EMAIL_VARIANT_WEIGHTS,
    MOBILE_PREFIXES,
)

# ---------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------


def _email_token(text: str) -> str:
    """'Dell'Acqua' -> 'dellacqua', 'Maria Grazia' -> 'mariagrazia'."""
    return "".join(c for c in _ascii(text).lower() if "a" <= c <= "z")


from codice_fiscale import ascii_letters as _ascii  # noqa: E402
from codice_fiscale import CF_MONTHS, cf_name_code, cf_partial, cf_surname_code  # noqa: E402


def _lookup_table(weights: list[float] | tuple[float, ...], size: int = 1 << 16) -> list[int]:
    """Indices repeated in proportion to their weight, so that a weighted pick is table[int(random() * len)]."""
    total = float(sum(weights))
    raw = [w * size / total for w in weights]
    counts = [max(1, int(x)) if w > 0 else 0 for x, w in zip(raw, weights, strict=True)]
    missing = size - sum(counts)
    if missing > 0:
        by_remainder = sorted(range(len(raw)), key=lambda k: (int(raw[k]) - raw[k], k))
        for k in by_remainder[:missing]:
            counts[k] += 1
    table: list[int] = []
    for k, n in enumerate(counts):
        table.extend([k] * n)
    return table


def _zipf(n: int, exponent: float, offset: float) -> list[float]:
    return [1.0 / (rank + offset) ** exponent for rank in range(1, n + 1)]


def _age_weight(age: int) -> float:
    """Car buyers: few at 18, most between 40 and 65, thinning out towards 90."""
    if age < 25:
        return 0.35 + 0.05 * (age - 18)
    if age < 40:
        return 0.7 + 0.02 * (age - 25)
    if age <= 65:
        return 1.0
    return max(0.08, 1.0 - 0.037 * (age - 65))


# ---------------------------------------------------------------------------
# Precomputed tables (built once, on first use, in a fraction of a second)
# ---------------------------------------------------------------------------


class _Tables:
    def __init__(self) -> None:
        # --- first names by (era, sex)
        self.first_display = [name for name, _, _ in FIRST_NAMES]
        self.first_email = [_email_token(name) for name in self.first_display]
        self.first_cf = [cf_name_code(name) for name in self.first_display]
        self.first_cf_sum = [cf_partial(code, 3) for code in self.first_cf]
        rank = {"M": 0, "F": 0}
        base: list[float] = []
        for _, sex, _ in FIRST_NAMES:
            rank[sex] += 1
            base.append(1.0 / (rank[sex] + 4) ** 0.85)
        factor = {  # (era of the birth year, era of the name) -> multiplier
            ("O", "O"): 1.0, ("O", "M"): 0.15, ("O", "Y"): 0.02, ("O", "A"): 0.6,
            ("M", "O"): 0.25, ("M", "M"): 1.0, ("M", "Y"): 0.2, ("M", "A"): 0.6,
            ("Y", "O"): 0.03, ("Y", "M"): 0.25, ("Y", "Y"): 1.0, ("Y", "A"): 0.6,
        }
        self.first_by_era_sex: list[list[int]] = []
        for era in "OMY":
            for sex in "MF":
                weights = [
                    base[k] * factor[(era, name_era)] if name_sex == sex else 0.0
                    for k, (_, name_sex, name_era) in enumerate(FIRST_NAMES)
                ]
                self.first_by_era_sex.append(_lookup_table(weights))
        self.male_old = self.first_by_era_sex[0]

        # --- surnames
        self.surnames = list(SURNAMES)
        self.surname_email = [_email_token(s) for s in SURNAMES]
        self.surname_cf = [cf_surname_code(s) for s in SURNAMES]
        self.surname_cf_sum = [cf_partial(code, 0) for code in self.surname_cf]
        self.surname_table = _lookup_table(_zipf(len(SURNAMES), 0.95, 3.0), 1 << 17)

        # --- municipalities
        self.cities = [name for name, *_ in MUNICIPALITIES]
        self.city_prov = [row[1] for row in MUNICIPALITIES]
        self.city_belfiore = [row[2] for row in MUNICIPALITIES]
        self.city_belfiore_sum = [cf_partial(code, 11) for code in self.city_belfiore]
        self.city_prefix = [row[3] for row in MUNICIPALITIES]
        self.city_caps = [tuple(row[5].split()) for row in MUNICIPALITIES]
        self.city_table = _lookup_table([row[4] for row in MUNICIPALITIES], 1 << 17)

        # --- birth dates: year table and day-of-year tables (normal and leap years)
        ages = list(range(MIN_AGE + 1, MAX_AGE + 1))  # the age reached during REFERENCE_YEAR
        age_table = _lookup_table([_age_weight(a) for a in ages], 1 << 14)
        self.birth_year_table = [REFERENCE_YEAR - ages[k] for k in age_table]
        self.year_cf = {y: f"{y % 100:02d}" for y in range(REFERENCE_YEAR - MAX_AGE, REFERENCE_YEAR - MIN_AGE)}
        self.year_cf_sum = {y: cf_partial(code, 6) for y, code in self.year_cf.items()}
        self.year_era = {y: (0 if y < 1965 else 1 if y < 1990 else 2) for y in self.year_cf}
        self.year_leap = {y: (y % 4 == 0 and (y % 100 != 0 or y % 400 == 0)) for y in self.year_cf}
        month_days = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)
        leap_days = []
        for month, days in enumerate(month_days, start=1):
            for day in range(1, days + 1):
                male_cf = f"{CF_MONTHS[month - 1]}{day:02d}"
                female_cf = f"{CF_MONTHS[month - 1]}{day + 40:02d}"
                leap_days.append(
                    (f"{day:02d}/{month:02d}/", male_cf, cf_partial(male_cf, 8), female_cf, cf_partial(female_cf, 8))
                )
        self.days_leap = leap_days
        self.days_normal = [d for d in leap_days if not d[0].startswith("29/02")]
        self.cf_check = [chr(65 + k) for k in range(26)]

        # --- e-mail
        self.domains = ["@" + d for d, _ in EMAIL_DOMAINS]
        self.domain_table = _lookup_table([w for _, w in EMAIL_DOMAINS], 1 << 12)
        self.variant_table = _lookup_table(EMAIL_VARIANT_WEIGHTS, 1 << 10)

        # --- phones
        self.mobile_prefixes = [p for p, _ in MOBILE_PREFIXES]
        self.mobile_table = _lookup_table([w for _, w in MOBILE_PREFIXES], 1 << 12)

        # --- streets and house numbers
        forms = []
        for street in STREETS:
            short = street
            for long_form, abbreviation in ABBREVIATIONS:
                if short.startswith(long_form):
                    short = abbreviation + short[len(long_form):]
                    break
            forms.append((street, street.lower(), short))
        self.street_forms = forms
        self.street_table = _lookup_table(_zipf(len(STREETS), 1.0, 2.0), 1 << 14)
        numbers = list(range(1, 251))
        self.house_numbers = [str(numbers[k]) for k in _lookup_table(_zipf(len(numbers), 0.8, 3.0), 1 << 14)]

        # --- tags: every combination of 1-3 tags, weighted
        size_weight = {1: 0.6, 2: 0.3, 3: 0.1}
        self.tag_combos: list[str] = []
        person_w: list[float] = []
        company_w: list[float] = []
        for size in (1, 2, 3):
            combos = list(combinations(range(len(TAGS)), size))
            pw = [_product(TAGS[k][1] for k in c) for c in combos]
            cw = [_product(TAGS[k][2] for k in c) for c in combos]
            for c, p, q in zip(combos, pw, cw, strict=True):
                self.tag_combos.append(TAG_SEPARATOR.join(TAGS[k][0] for k in c))
                person_w.append(size_weight[size] * p / sum(pw))
                company_w.append(size_weight[size] * q / sum(cw))
        self.tags_person_table = _lookup_table(person_w, 1 << 12)
        self.tags_company_table = _lookup_table(company_w, 1 << 12)

        # --- companies
        self.activities = list(ACTIVITIES)
        self.activity_email = [_email_token(a) for a in ACTIVITIES]
        self.sectors = list(SECTORS)
        self.sector_email = [_email_token(s) for s in SECTORS]
        self.form_table = _lookup_table([w for _, w in LEGAL_FORMS], 1 << 10)
        # In a company's pec.it/gmail.com address the slug ends with its legal form (rossiebianchisnc@pec.it),
        # which no surname does: company addresses never take one that a person's could.
        self.form_email = [_email_token(f).removesuffix("unipersonale") for f, _ in LEGAL_FORMS]
        self.city_email = [_email_token(c) for c in self.cities]


def _product(values) -> float:
    result = 1.0
    for v in values:
        result *= v
    return result


_TABLES: _Tables | None = None


def _tables() -> _Tables:
    global _TABLES
    if _TABLES is None:
        _TABLES = _Tables()
    return _TABLES


# ---------------------------------------------------------------------------
# The generator
# ---------------------------------------------------------------------------

# Row i gets a distinct mobile number and member number: _permute7 is a bijection on 0..10**7-1
# (affine steps with multipliers coprime with 10, and a rotation of the decimal digits between them),
# so the numbers look random rather than counting up.
_MOBILE_KEYS = (6_180_339, 1_234_567, 4_142_137, 2_718_281)
_MEMBER_KEYS = (3_141_593, 271_828, 7_320_509, 5_772_157)


def _permute7(x: int, keys: tuple[int, int, int, int]) -> int:
    x = (x * keys[0] + keys[1]) % 10_000_000
    x = (x % 1000) * 10_000 + x // 1000
    return (x * keys[2] + keys[3]) % 10_000_000


# Landlines: a counter per prefix, spread by a golden-ratio step over the numbers starting with 2-9.
_LANDLINE_STEP = 0.6180339887

_INVALID_KINDS = 8


def _broken_email(valid: str, kind: int) -> str:
    """The kinds of mistakes found in real exports; none of them passes an e-mail validator."""
    local, _, domain = valid.partition("@")
    if kind == 0:
        return local + "@"  # mario.rossi@
    if kind == 1:  # mario rossi@libero.it
        return (local.replace(".", " ", 1) if "." in local else f"{local[:2]} {local[2:]}") + "@" + domain
    if kind == 2:
        return f"{local}@@{domain}"  # mario.rossi@@gmail.com
    if kind == 3:
        return f"{local}.{domain}"  # mario.rossi.gmail.com
    if kind == 4:
        return f"{local}@{domain.rsplit('.', 1)[0]}"  # mario.rossi@gmail
    if kind == 5:
        return f"{local}@{domain.replace('.', ',', 1)}"  # mario.rossi@gmail,com
    if kind == 6:  # mario..rossi@alice.it
        return f"{local.replace('.', '..', 1)}@{domain}" if "." in local else f"{local}.@{domain}"
    return f"{local} @{domain}"  # mario.rossi @gmail.com


def _landline_plan(prefix: str) -> tuple[int, int, int, int]:
    """(span, lowest, step, offset): 10 digits in all (02 12345678, 011 1234567, 0521 123456), the
    subscriber part starting with 2-9; step is coprime with span, so a prefix's numbers never repeat."""
    digits = 10 - len(prefix)
    span = 8 * 10 ** (digits - 1)
    step = int(span * _LANDLINE_STEP)
    while step % 2 == 0 or step % 5 == 0:
        step += 1
    return span, 2 * 10 ** (digits - 1), step, (int(prefix) * 2_654_435_761) % span


def customer_rows(count: int, seed: int, *, stats: dict[str, int] | None = None) -> Iterator[list[str]]:
    """Yield `count` rows matching HEADER, the same ones for the same seed.

    If `stats` is given it is filled in as rows are produced (people, companies,
    e-mails, invalid_emails, phones, fiscal_codes, ...).
    """
    t = _tables()
    rnd = random.Random(seed)
    r = rnd.random

    # Locals for speed.
    first_display, first_email = t.first_display, t.first_email
    first_cf, first_cf_sum, first_by_era_sex = t.first_cf, t.first_cf_sum, t.first_by_era_sex
    surnames, surname_email, surname_cf, surname_cf_sum = t.surnames, t.surname_email, t.surname_cf, t.surname_cf_sum
    surname_table = t.surname_table
    n_surname_table = len(surname_table)
    cities, city_prov, city_caps, city_prefix = t.cities, t.city_prov, t.city_caps, t.city_prefix
    city_belfiore, city_belfiore_sum, city_table = t.city_belfiore, t.city_belfiore_sum, t.city_table
    n_city_table = len(city_table)
    birth_year_table = t.birth_year_table
    n_birth_year_table = len(birth_year_table)
    year_cf, year_cf_sum, year_era, year_leap = t.year_cf, t.year_cf_sum, t.year_era, t.year_leap
    days_leap, days_normal, cf_check = t.days_leap, t.days_normal, t.cf_check
    domains, domain_table, variant_table = t.domains, t.domain_table, t.variant_table
    n_domain_table, n_variant_table = len(domain_table), len(variant_table)
    n_domains = len(domains)
    mobile_prefixes, mobile_table = t.mobile_prefixes, t.mobile_table
    n_mobile_table = len(mobile_table)
    street_forms, street_table, house_numbers = t.street_forms, t.street_table, t.house_numbers
    n_street_table, n_house_numbers = len(street_table), len(house_numbers)
    tag_combos, tags_person_table, tags_company_table = t.tag_combos, t.tags_person_table, t.tags_company_table
    n_tags_person, n_tags_company = len(tags_person_table), len(tags_company_table)

    n_first = len(first_display)
    n_surnames = len(surnames)
    n_variants = len(EMAIL_VARIANT_WEIGHTS)
    # E-mail uniqueness: one counter per (local-part stem, domain). Stems are built lazily and
    # deduplicated by their text ('m.rossi' comes from Mario and from Marco).
    stem_of_key = array("i", [-1]) * (n_first * n_surnames * n_variants)
    stem_ids: dict[str, int] = {}
    stems: list[str] = []
    email_counters = array("I", [0]) * (n_first * n_surnames * n_variants * n_domains)
    company_email_counters: dict[str, int] = {}
    landline_counters: dict[str, int] = {}
    landline_plan = {prefix: _landline_plan(prefix) for prefix in set(city_prefix)}
    permute7 = _permute7

    p_invalid_person = P_INVALID_EMAIL / P_PERSON_EMAIL
    p_invalid_company = P_INVALID_EMAIL / P_COMPANY_EMAIL

    people = companies = emails = invalid_emails = phones = fiscal_codes = birth_dates = members = tagged = 0

    for i in range(count):
        code = f"C{i + 1:07d}"

        # Where they live (the city is also used for the landline prefix and, mostly, as birthplace).
        city = city_table[int(r() * n_city_table)]
        x = r()
        if x < P_FULL_ADDRESS:
            y = r()
            street = street_forms[street_table[int(r() * n_street_table)]]
            street = street[0] if y < 0.96 else street[1] if y < 0.98 else street[2]
            number = house_numbers[int(r() * n_house_numbers)]
            y = r()
            if y < 0.05:
                number += "/A" if y < 0.03 else "/B"
            elif y < 0.065:
                number += " bis"
            elif y < 0.09:
                number += f" int. {1 + int(r() * 12)}"
            address = f"{street}, {number}" if r() < 0.28 else f"{street} {number}"
            caps = city_caps[city]
            cap = caps[int(r() * len(caps))] if len(caps) > 1 else caps[0]
            city_name, province = cities[city], city_prov[city]
        elif x < P_FULL_ADDRESS + P_CITY_ONLY:
            address = ""
            caps = city_caps[city]
            cap = caps[int(r() * len(caps))] if len(caps) > 1 else caps[0]
            city_name, province = cities[city], city_prov[city]
        else:
            address = cap = city_name = province = ""

        if r() >= P_COMPANY:
            # ---------------------------------------------------------------- person
            people += 1
            year = birth_year_table[int(r() * n_birth_year_table)]
            female = r() < 0.5
            table = first_by_era_sex[year_era[year] * 2 + female]
            fi = table[int(r() * len(table))]
            li = surname_table[int(r() * n_surname_table)]
            first, last = first_display[fi], surnames[li]
            days = days_leap if year_leap[year] else days_normal
            day = days[int(r() * len(days))]

            if r() < P_FISCAL_CODE:
                birthplace = city if r() >= P_BORN_ELSEWHERE else city_table[int(r() * n_city_table)]
                if female:
                    date_cf, date_sum = day[3], day[4]
                else:
                    date_cf, date_sum = day[1], day[2]
                total = (
                    surname_cf_sum[li] + first_cf_sum[fi] + year_cf_sum[year] + date_sum + city_belfiore_sum[birthplace]
                )
                fiscal = (
                    surname_cf[li] + first_cf[fi] + year_cf[year] + date_cf + city_belfiore[birthplace]
                    + cf_check[total % 26]
                )
                fiscal_codes += 1
            else:
                fiscal = ""

            if r() < P_BIRTH_DATE:
                birth = day[0] + str(year)
                birth_dates += 1
            else:
                birth = ""

            if r() < P_PERSON_EMAIL:
                vi = variant_table[int(r() * n_variant_table)]
                di = domain_table[int(r() * n_domain_table)]
                key = (fi * n_surnames + li) * n_variants + vi
                sid = stem_of_key[key]
                if sid < 0:
                    f, s = first_email[fi], surname_email[li]
                    if vi == 0:
                        stem = f"{f}.{s}"
                    elif vi == 1:
                        stem = f + s
                    elif vi == 2:
                        stem = f"{f}_{s}"
                    elif vi == 3:
                        stem = f"{f[0]}.{s}"
                    else:
                        stem = f"{s}.{f}"
                    sid = stem_ids.get(stem, -1)
                    if sid < 0:
                        sid = stem_ids[stem] = len(stems)
                        stems.append(stem)
                    stem_of_key[key] = sid
                slot = sid * n_domains + di
                n = email_counters[slot]
                email_counters[slot] = n + 1
                email = (stems[sid] + str(n + 1) if n else stems[sid]) + domains[di]
                emails += 1
                if r() < p_invalid_person:
                    email = _broken_email(email, int(r() * _INVALID_KINDS))
                    invalid_emails += 1
                consent_email = "sì" if (y := r()) < 0.48 else "no" if y < 0.80 else ""
            else:
                email = ""
                consent_email = "no" if r() < 0.15 else ""

            p_phone, p_landline = P_PERSON_PHONE, P_PERSON_LANDLINE
            p_member, tag_table, n_tag_table = P_MEMBER_PERSON, tags_person_table, n_tags_person
            company_name = ""
        else:
            # ---------------------------------------------------------------- company
            companies += 1
            first = last = fiscal = birth = ""
            li = surname_table[int(r() * n_surname_table)]
            surname = surnames[li]
            form_index = t.form_table[int(r() * len(t.form_table))]
            form, legal = LEGAL_FORMS[form_index][0], t.form_email[form_index]
            x = r()
            if x < 0.40:
                a = int(r() * len(t.activities))
                company_name = f"{t.activities[a]} {surname} {form}"
                slug = t.activity_email[a] + surname_email[li]
            elif x < 0.52:
                a = int(r() * len(t.activities))
                form, legal = ("S.n.c.", "snc") if r() < 0.5 else ("S.a.s.", "sas")
                company_name = f"{t.activities[a]} {surname} & C. {form}"
                slug = t.activity_email[a] + surname_email[li]
            elif x < 0.62:
                a = int(r() * len(t.sectors))
                company_name = f"{surname} {t.sectors[a]} {form}"
                slug = surname_email[li] + t.sector_email[a]
            elif x < 0.70:
                company_name = f"{'F.lli' if r() < 0.6 else 'Fratelli'} {surname} {form}"
                slug = "fratelli" + surname_email[li]
            elif x < 0.78:
                lj = surname_table[int(r() * n_surname_table)]
                company_name = f"{surname} & {surnames[lj]} {form}"
                slug = surname_email[li] + "e" + surname_email[lj]
            elif x < 0.88:
                a = int(r() * len(t.sectors))
                c = city if city_name else city_table[int(r() * n_city_table)]
                company_name = f"{t.sectors[a]} {cities[c]} {form}"
                slug = t.sector_email[a] + t.city_email[c]
            elif x < 0.93:
                fi = t.male_old[int(r() * len(t.male_old))]
                company_name = f"{surname} {first_display[fi]} & Figli S.n.c."
                legal = "snc"
                slug = surname_email[li] + first_email[fi]
            else:
                a = int(r() * len(t.activities))
                owners = t.male_old if r() < 0.7 else first_by_era_sex[3]  # older men, or women born 1965-1989
                fi = owners[int(r() * len(owners))]
                company_name = f"{t.activities[a]} di {first_display[fi]} {surname}"
                legal = ""
                slug = t.activity_email[a] + surname_email[li]

            if r() < P_COMPANY_EMAIL:
                y = r()
                if y < 0.55:
                    local, domain = "info", slug + ".it"
                elif y < 0.75:
                    local, domain = "amministrazione", slug + ".it"
                elif y < 0.92:
                    local, domain = slug + legal, "pec.it"
                else:
                    local, domain = slug + legal, "gmail.com"
                address_key = local + "@" + domain
                n = company_email_counters.get(address_key, 0)
                company_email_counters[address_key] = n + 1
                if n:
                    if domain in ("pec.it", "gmail.com"):
                        local += str(n + 1)
                    else:
                        domain = f"{slug}{n + 1}.it"
                email = f"{local}@{domain}"
                emails += 1
                if r() < p_invalid_company:
                    email = _broken_email(email, int(r() * _INVALID_KINDS))
                    invalid_emails += 1
                consent_email = "sì" if (y := r()) < 0.40 else "no" if y < 0.75 else ""
            else:
                email = ""
                consent_email = "no" if r() < 0.15 else ""

            p_phone, p_landline = P_COMPANY_PHONE, P_COMPANY_LANDLINE
            p_member, tag_table, n_tag_table = P_MEMBER_COMPANY, tags_company_table, n_tags_company

        # ---------------------------------------------------------------- phone
        if r() < p_phone:
            phones += 1
            if r() < p_landline:
                prefix = city_prefix[city]
                n = landline_counters.get(prefix, 0)
                landline_counters[prefix] = n + 1
                span, lowest, step, offset = landline_plan[prefix]
                number = str(lowest + (n * step + offset) % span)
                y = r()
                if y < 0.40:
                    phone = f"{prefix} {number}"
                elif y < 0.60:
                    phone = f"{prefix}/{number}"
                elif y < 0.75:
                    phone = prefix + number
                elif y < 0.85:
                    phone = f"{prefix}-{number}"
                elif y < 0.95:
                    phone = f"+39 {prefix} {number}"
                else:
                    phone = f"0039 {prefix} {number}"
                sms_ok = False
            else:
                prefix = mobile_prefixes[mobile_table[int(r() * n_mobile_table)]]
                number = f"{permute7(i, _MOBILE_KEYS):07d}"
                y = r()
                if y < 0.35:
                    phone = f"{prefix} {number}"
                elif y < 0.60:
                    phone = prefix + number
                elif y < 0.72:
                    phone = f"+39 {prefix} {number[:3]} {number[3:]}"
                elif y < 0.78:
                    phone = f"+39 {prefix}{number}"
                elif y < 0.82:
                    phone = f"0039 {prefix} {number}"
                elif y < 0.88:
                    phone = f"{prefix}-{number}"
                elif y < 0.95:
                    phone = f"{prefix} {number[:3]} {number[3:]}"
                elif y < 0.97:
                    phone = f"{prefix}.{number[:3]}.{number[3:]}"
                else:
                    phone = f"+39{prefix}{number}"
                sms_ok = True
            if sms_ok:
                consent_sms = "sì" if (y := r()) < 0.40 else "no" if y < 0.78 else ""
            else:
                consent_sms = "no" if (y := r()) < 0.35 else "sì" if y < 0.40 else ""
        else:
            phone = ""
            consent_sms = "no" if r() < 0.15 else ""

        # ---------------------------------------------------------------- member number and tags
        if r() < p_member:
            member = f"SOC-{permute7(i, _MEMBER_KEYS):07d}"
            members += 1
        else:
            member = ""
        if r() < P_TAGS:
            tags = tag_combos[tag_table[int(r() * n_tag_table)]]
            tagged += 1
        else:
            tags = ""

        yield [
            code, first, last, company_name, email, phone, address, cap, city_name, province,
            fiscal, member, birth, tags, consent_email, consent_sms,
        ]

        if stats is not None and (i & 0xFFFF == 0xFFFF or i == count - 1):
            stats.update(
                rows=i + 1, people=people, companies=companies, emails=emails, invalid_emails=invalid_emails,
                phones=phones, fiscal_codes=fiscal_codes, birth_dates=birth_dates, members=members, tagged=tagged,
            )


# ---------------------------------------------------------------------------
# Command line
# ---------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("--count", type=int, default=1_000_000, help="number of customers (default 1000000)")
    parser.add_argument("--seed", type=int, default=42, help="random seed (default 42)")
    parser.add_argument("--out", default="var/bench/customers.csv", help="output file (directories are created)")
    parser.add_argument("--format", choices=["csv"], default="csv", help="output format (only csv)")
    args = parser.parse_args(argv)
    if args.count < 0:
        parser.error("--count must be zero or more")

    started = time.perf_counter()
    directory = os.path.dirname(args.out)
    if directory:
        os.makedirs(directory, exist_ok=True)
    stats: dict[str, int] = {}
    with open(args.out, "w", encoding="utf-8", newline="", buffering=1 << 20) as out:
        writer = csv.writer(out, delimiter=";", lineterminator="\r\n")
        writer.writerow(HEADER)
        writer.writerows(customer_rows(args.count, args.seed, stats=stats))
    elapsed = time.perf_counter() - started
    size = os.path.getsize(args.out)
    print(
        f"customers_generate: {args.count} rows (seed {args.seed}) -> {args.out}, "
        f"{size / 1e6:.1f} MB in {elapsed:.1f} s; "
        f"{stats.get('companies', 0)} companies, {stats.get('emails', 0)} e-mails of which "
        f"{stats.get('invalid_emails', 0)} invalid, {stats.get('fiscal_codes', 0)} codici fiscali",
        file=sys.stderr,
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
