"""The base template's anonymous menu, language switch and footer come from a per-process
fragment cache (templates/base.html, ``CACHES["fragments"]``): each page and language still gets
its own, and logged-in visitors never get them."""

import re

import pytest
from django.urls import reverse

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def current(html: str) -> list[str]:
    return re.findall(r'<a class="nav-link" href="([^"]+)" aria-current="page"', html)


def test_the_cached_menu_marks_the_page_it_is_on(client):
    track, login = reverse("dossiers:track"), reverse("accounts:login")
    for _ in range(2):  # the first render fills the fragments, the second reads them
        assert current(client.get(track).content.decode()) == [track]
        assert current(client.get(login).content.decode()) == [login]


def test_each_language_has_its_own_fragments(client):
    track = reverse("dossiers:track")
    vietnamese = client.get(track).content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": track})
    english = client.get(track).content.decode()
    assert "Đổi ngôn ngữ" in vietnamese and "Change language" not in vietnamese
    assert "Change language" in english and "Track a dossier" in english and "Published results" in english
    assert '<option value="en" lang="en" selected>' in english
    assert '<option value="vi" lang="vi" selected>' in vietnamese
    # The form around the cached switch is the visitor's own: their token and this address.
    assert f'name="next" value="{track}"' in english
    assert re.search(r'name="csrfmiddlewaretoken" value="[^"]{64}"', english)


def test_logged_in_visitors_get_their_own_menu(client):
    track = reverse("dossiers:track")
    client.get(track)
    client.force_login(UserFactory())
    html = client.get(track).content.decode()
    assert reverse("accounts:logout") in html
    assert reverse("accounts:register") not in html
