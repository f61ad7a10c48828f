from django.test import Client
from django.urls import reverse

from vicino.conftest import PASSWORD, client_of
from vicino.core.models import AuditEntry, Membership, Site
from vicino.core.roles import Role


def test_the_login_page_is_in_italian_by_default(db):
    response = Client().get(reverse("core:login"))
    assert response.status_code == 200
    assert "Accedi a Vicino" in response.text
    assert 'lang="it"' in response.text


def test_a_wrong_password_gets_a_clear_message_and_no_session(anna):
    client = Client()
    response = client.post(reverse("core:login"), {"username": "anna@aurora.example", "password": "sbagliata"})
    assert response.status_code == 200
    assert "E-mail o password non corretti" in response.text
    assert "_auth_user_id" not in client.session


def test_login_works_with_the_email_in_any_case_and_lands_on_home(anna):
    client = Client()
    response = client.post(reverse("core:login"), {"username": "ANNA@aurora.EXAMPLE", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("core:home")
    assert "Aurora Milano" in response.text


def test_switching_to_english_changes_the_page_and_is_remembered(anna):
    client = client_of(anna)
    response = client.post(reverse("core:language-set"), {"language": "en", "next": "/sites/"}, follow=True)
    assert response.redirect_chain[-1][0] == "/sites/"
    assert "<h1>Sites</h1>" in response.text
    anna.refresh_from_db()
    assert anna.language == "en"


def test_language_switch_never_redirects_to_another_host(anna):
    response = client_of(anna).post(reverse("core:language-set"), {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == reverse("core:home")


def test_anonymous_visitors_are_sent_to_login(db):
    response = Client().get(reverse("core:site-list"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("core:login"))


def test_head_office_home_shows_the_networks_sites_and_recent_changes(dario, milano, treviso, bologna):
    response = client_of(dario).get(reverse("core:home"))
    assert "Aurora Milano" in response.text and "Aurora Treviso" in response.text
    assert "Borgo Bologna" not in response.text
    assert "Modifiche recenti" in response.text


def test_a_consultants_home_shows_their_site_and_no_audit(anna, treviso):
    response = client_of(anna).get(reverse("core:home"))
    assert "Aurora Milano" in response.text
    assert "Aurora Treviso" not in response.text
    assert "Modifiche recenti" not in response.text


def test_a_site_of_another_network_is_not_found(anna, bologna):
    response = client_of(anna).get(reverse("core:site-detail", args=[bologna.pk]))
    assert response.status_code == 404


def test_another_site_of_the_same_network_is_not_found_for_a_site_member(anna, treviso):
    assert client_of(anna).get(reverse("core:site-detail", args=[treviso.pk])).status_code == 404


def test_head_office_opens_any_site_of_its_network(dario, treviso):
    response = client_of(dario).get(reverse("core:site-detail", args=[treviso.pk]))
    assert response.status_code == 200
    assert "31100 Treviso (TV)" in response.text


def test_a_site_manager_edits_their_site_and_the_change_is_audited(giulia, milano):
    data = {
        "name": "Aurora Milano Certosa", "kind": "dealership", "street": "Viale Certosa 218", "cap": "20156",
        "city": "Milano", "province": "MI", "phone": "02 1234567", "email": "", "is_active": "on",
        "day_0": "09:00-13:00, 14:30-19:00", "day_5": "9.00-12.30",
    }
    response = client_of(giulia).post(reverse("core:site-edit", args=[milano.pk]), data, follow=True)
    assert "Aurora Milano Certosa" in response.text
    milano.refresh_from_db()
    assert milano.name == "Aurora Milano Certosa"
    assert [str(h) for h in milano.opening_hours.all()] == ["Lunedì 09:00–13:00", "Lunedì 14:30–19:00", "Sabato 09:00–12:30"]
    entry = AuditEntry.objects.get(action="site.update")
    assert entry.actor == giulia and set(entry.changes) == {"name", "street", "phone"}


def test_bad_site_input_is_shown_next_to_the_field_and_nothing_is_saved(giulia, milano):
    data = {"name": "Milano", "kind": "dealership", "cap": "2O156", "city": "Milano", "province": "MI", "day_0": "19-9"}
    response = client_of(giulia).post(reverse("core:site-edit", args=[milano.pk]), data)
    assert response.status_code == 200
    assert "CAP valido" in response.text
    assert "“19-9” non è un intervallo" in response.text
    milano.refresh_from_db()
    assert milano.name == "Aurora Milano" and milano.opening_hours.count() == 6
    assert not AuditEntry.objects.filter(action__startswith="site.update").exists()


def test_a_consultant_may_not_edit_the_site(anna, milano):
    assert client_of(anna).get(reverse("core:site-edit", args=[milano.pk])).status_code == 403


def test_a_site_manager_cannot_edit_another_site(giulia, treviso):
    assert client_of(giulia).get(reverse("core:site-edit", args=[treviso.pk])).status_code == 404


def test_a_user_with_two_memberships_switches_between_them(anna, borgo, bologna):
    second = Membership.objects.create(user=anna, network=borgo, site=bologna, role=Role.SALES_CONSULTANT)
    client = client_of(anna)
    assert "Aurora Milano" in client.get(reverse("core:site-list")).text

    client.post(reverse("core:membership-switch"), {"membership": second.pk})

    page = main_of(client.get(reverse("core:site-list")).text)
    assert "Borgo Bologna" in page and "Aurora Milano" not in page


def test_switching_to_someone_elses_membership_is_refused(anna, bruno):
    other = Membership.objects.get(user=bruno)
    client = client_of(anna)
    assert client.post(reverse("core:membership-switch"), {"membership": other.pk}).status_code == 403
    assert "Aurora Treviso" not in main_of(client.get(reverse("core:site-list")).text)


def test_only_network_admins_see_the_audit_log(dario, giulia):
    assert client_of(giulia).get(reverse("core:audit-list")).status_code == 403
    response = client_of(dario).get(reverse("core:audit-list"))
    assert response.status_code == 200
    assert "site.create" in response.text


def test_the_audit_search_answers_htmx_with_just_the_rows(dario):
    response = client_of(dario).get(reverse("core:audit-list"), {"q": "Treviso"}, headers={"HX-Request": "true"})
    assert response.text.lstrip().startswith('<div id="audit-rows">')
    assert "Aurora Treviso" in response.text and "Aurora Milano" not in response.text
    assert "<html" not in response.text


def test_another_networks_audit_entries_never_show(dario, roberta):
    response = client_of(roberta).get(reverse("core:audit-list"))
    assert "Borgo Bologna" in response.text
    assert "Aurora" not in response.text


def test_a_user_without_any_role_is_told_so(db):
    from vicino.core import services

    lonely = services.user_create(by=None, email="solo@example.com", full_name="Solo", password=PASSWORD)
    response = client_of(lonely).get(reverse("core:home"))
    assert response.status_code == 403
    assert "nessun ruolo" in response.text


def test_the_django_admin_is_for_superusers_only(dario):
    assert client_of(dario).get("/admin/").status_code == 302
    dario.is_superuser = dario.is_staff = True
    dario.save()
    assert client_of(dario).get("/admin/").status_code == 200


def main_of(html: str) -> str:
    """The page's own content, without the shell (switcher, menus)."""
    return html.split('<main', 1)[1].split("</main>", 1)[0]


def _sites(aurora, start, count):
    for n in range(start, start + count):
        Site.objects.create(network=aurora, code=f"X{n}", name=f"Sede {n}", kind="store", city="Roma", province="RM")


def test_list_pages_do_not_grow_queries_with_rows(dario, aurora, django_assert_max_num_queries):
    client = client_of(dario)
    pages = [reverse("core:home"), reverse("core:site-list"), reverse("core:team"), reverse("core:audit-list")]
    _sites(aurora, 0, 3)
    baseline = {}
    for url in pages:
        with django_assert_max_num_queries(50) as captured:
            client.get(url)
        baseline[url] = len(captured.captured_queries)
    _sites(aurora, 3, 30)
    for url in pages:
        with django_assert_max_num_queries(baseline[url]):
            assert client.get(url).status_code == 200
