"""The search box: the same results on SQLite and PostgreSQL (this file runs on both)."""

import pytest

from vicino.conftest import actor_of
from vicino.people import search, search_words, services
from vicino.people.search import customer_search


# PostgreSQL's plans, each forced by the settings it turns on (search_words.py, search.py).
POSTGRES_PLANS = {
    "word table": {},
    "word table, particles checked one by one": {"PARTICLE_ENTRIES": -1},
    "word table, too many to check one by one": {"PARTICLE_ENTRIES": -1, "DRIVE_BUDGET": 1},
    "read the matches": {"MAX_WORDS": -1, "WALK_COST_RATIO": 1e12},
    "walk the primary key": {"MAX_WORDS": -1, "WALK_COST_RATIO": 0},
}


def pytest_generate_tests(metafunc):
    """On PostgreSQL every test runs through every plan for the newest matches; SQLite has one."""
    plans = list(POSTGRES_PLANS) if metafunc.config.getoption("--db") == "postgres" else ["text index"]
    metafunc.parametrize("search_plan", plans, indirect=True)


@pytest.fixture(autouse=True)
def search_plan(request, monkeypatch):
    # Where the GIN index is read, it reads the matches unless the plan says walk.
    for name, value in {"WALK_COST_RATIO": 1e12, **POSTGRES_PLANS.get(request.param, {})}.items():
        monkeypatch.setattr(search_words if hasattr(search_words, name) else search, name, value)


@pytest.fixture
def people(aurora, milano, treviso, borgo):
    make = services.customer_create
    return {
        "dangelo": make(by=None, network=aurora, site=milano, first_name="Lucia", last_name="D'Angelo", emails=["lucia.dangelo@libero.it"], phones=["333 1234567"]),
        "nicolo": make(by=None, network=aurora, site=milano, first_name="Nicolò", last_name="Paternò", member_number="SOC-0042"),
        "angelini": make(by=None, network=aurora, site=milano, first_name="Marco", last_name="Angelini"),
        "treviso": make(by=None, network=aurora, site=treviso, first_name="Paolo", last_name="D'Angelo"),
        "unassigned": make(by=None, network=aurora, first_name="Sara", last_name="Nicoletti"),
        "other_network": make(by=None, network=borgo, first_name="Lucia", last_name="D'Angelo"),
        "company": make(by=None, network=aurora, kind="company", company_name="Autofficina Cantù S.r.l.", phones=["02 1234 5678"]),
    }  # fmt: skip


def found(user, text):
    return {c.display_name for c in customer_search(actor=actor_of(user), text=text)}


@pytest.mark.parametrize("text", ["dangelo", "D'Angelo", "d’angelo", "DANGELO", "lucia dangelo", "dang"])
def test_apostrophes_accents_and_case_do_not_matter(dario, people, text):
    assert "Lucia D'Angelo" in found(dario, text)


def test_the_issue_examples_find_their_people(dario, people):
    assert found(dario, "nicolo") == {"Nicolò Paternò"}
    assert found(dario, "paterno") == {"Nicolò Paternò"}
    assert found(dario, "cantu") == {"Autofficina Cantù S.r.l."}


def test_one_typo_in_a_name_is_forgiven(dario, people):
    assert found(dario, "dangleo") == {"Lucia D'Angelo", "Paolo D'Angelo"}
    assert found(dario, "patrenò") == {"Nicolò Paternò"}
    assert found(dario, "lucia dnagelo") == {"Lucia D'Angelo"}
    assert found(dario, "angelinni") == {"Marco Angelini"}


def test_two_typos_are_not_a_match(dario, people):
    assert found(dario, "dnaglo") == set()


@pytest.mark.parametrize("text", ["333 1234567", "+39 333 123 4567", "3331234567", "0039 333 1234567", "+393331234567"])
def test_a_phone_in_any_format_finds_its_owner(dario, people, text):
    assert found(dario, text) == {"Lucia D'Angelo"}


def test_a_landline_with_its_area_code_is_found(dario, people):
    assert found(dario, "02/12345678") == {"Autofficina Cantù S.r.l."}


def test_an_email_and_its_beginning_find_the_customer(dario, people):
    assert found(dario, "Lucia.Dangelo@libero.it") == {"Lucia D'Angelo"}
    assert found(dario, "lucia.dangelo@") == {"Lucia D'Angelo"}


def test_a_member_number_is_found(dario, people):
    assert found(dario, "SOC-0042") == {"Nicolò Paternò"}
    assert found(dario, "soc 0042") == {"Nicolò Paternò"}


def test_another_networks_customers_never_show(dario, roberta, people):
    assert "Lucia D'Angelo" not in found(roberta, "nicolo")
    assert found(roberta, "dangelo") == {"Lucia D'Angelo"}
    assert len(customer_search(actor=actor_of(roberta), text="dangelo")) == 1


def test_a_site_member_finds_their_sites_and_unassigned_customers_only(anna, people):
    assert found(anna, "dangelo") == {"Lucia D'Angelo"}
    assert found(anna, "nicoletti") == {"Sara Nicoletti"}


def test_a_name_matching_too_many_shows_the_newest_sorted_by_name_and_says_so(dario, aurora, milano):
    from vicino.people.search import customer_find

    for first in ("Carlo", "Anna", "Bruno", "Dora"):
        services.customer_create(by=None, network=aurora, site=milano, first_name=first, last_name="Rossini")
    found_all = customer_find(actor=actor_of(dario), text="rossini")
    assert [c.first_name for c in found_all.customers] == ["Anna", "Bruno", "Carlo", "Dora"]
    assert not found_all.capped
    newest = customer_find(actor=actor_of(dario), text="rossini", limit=3)
    assert [c.first_name for c in newest.customers] == ["Anna", "Bruno", "Dora"]  # Carlo came first
    assert newest.capped
    assert customer_find(actor=actor_of(dario), text="rossini", limit=None).customers.count() == 4


def test_a_word_beginning_a_name_comes_before_a_part_inside_one(dario, aurora, milano):
    for first, last in (("Marco", "Rossi"), ("Luca", "Rossini"), ("Anna", "Grossi")):
        services.customer_create(by=None, network=aurora, site=milano, first_name=first, last_name=last)
    assert found(dario, "rossi") == {"Marco Rossi", "Luca Rossini"}
    assert found(dario, "ross") == {"Marco Rossi", "Luca Rossini"}
    # No name has a word beginning so: then any part of a name will do.
    assert found(dario, "ossi") == {"Marco Rossi", "Luca Rossini", "Anna Grossi"}
    assert found(dario, "marco r") == {"Marco Rossi"}


def test_the_newest_matches_are_counted_among_what_the_person_may_see(anna, dario, aurora, borgo, milano, treviso):
    from vicino.people.queries import customer_list
    from vicino.people.search import customer_find

    make = services.customer_create
    make(by=None, network=aurora, site=milano, first_name="Elena", last_name="Bianchi")
    make(by=None, network=aurora, site=milano, first_name="Fabio", last_name="Bianchi")
    for first in ("Gino", "Ivo", "Olga"):  # newer, but elsewhere
        make(by=None, network=aurora, site=treviso, first_name=first, last_name="Bianchi")
        make(by=None, network=borgo, first_name=first, last_name="Bianchi")
    at_milano = customer_find(actor=actor_of(anna), text="bianchi", limit=2)
    assert {c.first_name for c in at_milano.customers} == {"Elena", "Fabio"}
    assert not at_milano.capped
    filtered = customer_list(actor=actor_of(dario)).filter(site=milano)
    assert {c.first_name for c in customer_find(actor=actor_of(dario), text="bianchi", base=filtered, limit=2).customers} == {"Elena", "Fabio"}
    everywhere = customer_find(actor=actor_of(dario), text="bianchi", limit=2)
    assert [c.first_name for c in everywhere.customers] == ["Ivo", "Olga"] and everywhere.capped


def test_a_code_of_letters_and_digits_is_one_word_on_both_databases(dario, aurora, milano):
    # PostgreSQL's text parser reads "12e3ab" as the number 12e3 and the word "ab".
    services.customer_create(by=None, network=aurora, site=milano, first_name="Luigi", last_name="Verdi", member_number="12E3AB")
    services.customer_create(by=None, network=aurora, site=milano, first_name="Rita", last_name="Abate")
    assert found(dario, "ab") == {"Rita Abate"}
    assert found(dario, "12e3ab") == {"Luigi Verdi"}
    assert found(dario, "12e3") == {"Luigi Verdi"}


def test_words_too_short_for_an_index_are_cut_at_the_limit_too(dario, aurora, milano):
    from vicino.people.search import customer_find

    for first in ("Ada", "Bea", "Cleo", "Dea"):
        services.customer_create(by=None, network=aurora, site=milano, first_name=first, last_name="Zanetti")
    newest = customer_find(actor=actor_of(dario), text="z", limit=2)
    assert [c.first_name for c in newest.customers] == ["Cleo", "Dea"] and newest.capped


def test_a_search_inside_a_transaction_leaves_its_settings_as_they_were(dario, people):
    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("SQLite's search changes no connection setting; PostgreSQL's turns parallel workers off for one query")
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL max_parallel_workers_per_gather = 3")
        assert found(dario, "dangelo") == {"Lucia D'Angelo", "Paolo D'Angelo"}
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == "3"


def test_the_plan_under_test_is_the_plan_taken(dario, people, request):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    plan = request.node.callspec.params["search_plan"]
    with CaptureQueriesContext(connection) as queries:
        found(dario, "dangelo")
    sql = [query["sql"] for query in queries.captured_queries]
    if plan == "text index":  # SQLite's one plan: the word index, newest first
        assert any("people_customer_words MATCH" in q and "ORDER BY rowid DESC" in q for q in sql)
    elif plan.startswith("word table"):
        assert any("FROM people_customer_word a" in q and "LIMIT" in q for q in sql)
        assert not any("EXPLAIN" in q for q in sql)  # no other plan was weighed
    else:
        assert not any("FROM people_customer_word a" in q for q in sql)
        assert any('"id" + 0) DESC' in q for q in sql) == (plan == "read the matches")


def test_a_search_costs_the_same_queries_with_few_or_many_matches(dario, aurora, milano, django_assert_max_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def queries(text):
        with CaptureQueriesContext(connection) as captured:
            list(customer_search(actor=actor_of(dario), text=text)[:50])
        return len(captured.captured_queries)

    for n in range(3):
        services.customer_create(by=None, network=aurora, site=milano, first_name=f"Anna{n}", last_name="Galli", phones=[f"333 100000{n}"])
    for n in range(30):
        services.customer_create(by=None, network=aurora, site=milano, first_name=f"Bruno{n}", last_name="Fontana", phones=[f"333 20000{n:02d}"])
    few = queries("galli")
    with django_assert_max_num_queries(few):
        list(customer_search(actor=actor_of(dario), text="fontana")[:50])


def test_a_particle_and_a_name_find_everyone_with_both(dario, aurora, milano, request):
    from vicino.people.search import customer_find

    make = services.customer_create
    for first, last in (("Marco", "De Luca"), ("Anna", "Luca Dei"), ("Dea", "Lucani"), ("Luca", "Bianchi"), ("Carla", "De Rossi")):
        make(by=None, network=aurora, site=milano, first_name=first, last_name=last)
    assert found(dario, "de luca") == {"Marco De Luca", "Anna Luca Dei", "Dea Lucani"}
    assert found(dario, "marco de luca") == {"Marco De Luca"}
    assert found(dario, "dea l") == {"Dea Lucani"}
    newest = customer_find(actor=actor_of(dario), text="luca de", limit=2)
    assert [c.first_name for c in newest.customers] == ["Anna", "Dea"] and newest.capped


def test_a_renamed_merged_or_erased_customer_is_found_by_what_is_left(dario, aurora, milano):
    from vicino.people import duplicates, privacy

    make = services.customer_create
    renamed = make(by=None, network=aurora, site=milano, first_name="Ettore", last_name="Vecchi")
    services.customer_update(by=None, customer=renamed, data={"last_name": "Nuovi"})
    assert found(dario, "vecchi") == set()
    assert found(dario, "nuovi") == {"Ettore Nuovi"}

    keep = make(by=None, network=aurora, site=milano, first_name="Gemma", last_name="Tosi")
    away = make(by=None, network=aurora, site=milano, first_name="Gemma", last_name="Tosini")
    duplicates.customer_merge(by=None, keep=keep, merge_away=away)
    assert found(dario, "tosi") == {"Gemma Tosi"}

    gone = make(by=None, network=aurora, site=milano, first_name="Ivo", last_name="Sparito")
    privacy.customer_erase(by=None, customer=gone)
    assert found(dario, "sparito") == set()
