"""Database sessions with their read and update prepared (``web.sessions``): what Django's
``db`` engine does, statement for statement."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.backends.base import UpdateError
from django.contrib.sessions.backends.db import SessionStore as DjangoStore
from django.contrib.sessions.models import Session
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from web.pooling import transaction_pooled
from web.sessions import SessionStore


def test_the_site_uses_it():
    assert settings.SESSION_ENGINE == "web.sessions"


@pytest.mark.django_db
def test_what_is_saved_is_read_back_by_both_engines():
    store = SessionStore()
    store["answers"] = {"name": "Nguyễn Văn An", "files": [1, 2]}
    store.save()  # created through Django's own code
    key = store.session_key
    again = SessionStore(key)
    assert again["answers"] == {"name": "Nguyễn Văn An", "files": [1, 2]}
    again["answers"] = {"name": "Trần Thị Bình"}
    again.save()  # the prepared update
    assert DjangoStore(key)["answers"] == {"name": "Trần Thị Bình"}
    assert SessionStore(key)["answers"] == {"name": "Trần Thị Bình"}
    row = Session.objects.get(session_key=key)
    assert abs(row.expire_date - again.get_expiry_date()) < timedelta(minutes=1)


@pytest.mark.django_db
def test_an_expired_or_unknown_session_is_empty_and_loses_its_key():
    store = SessionStore()
    store["a"] = 1
    store.save()
    Session.objects.filter(session_key=store.session_key).update(
        expire_date=timezone.now() - timedelta(seconds=1)
    )
    expired = SessionStore(store.session_key)
    assert expired.get("a") is None
    assert expired.session_key is None
    unknown = SessionStore("x" * 32)
    assert unknown.load() == {}
    assert unknown.session_key is None


@pytest.mark.django_db
def test_saving_a_session_deleted_meanwhile_is_an_update_error():
    store = SessionStore()
    store["a"] = 1
    store.save()
    loaded = SessionStore(store.session_key)
    loaded["a"] = 2
    Session.objects.filter(session_key=store.session_key).delete()  # logged out in another tab
    with pytest.raises(UpdateError):
        loaded.save()
    assert not Session.objects.exists()  # not made again


@pytest.mark.django_db
def test_inside_a_transaction_the_update_is_part_of_it():
    store = SessionStore()
    store["a"] = 1
    store.save()
    with transaction.atomic():
        loaded = SessionStore(store.session_key)
        loaded["a"] = 2
        loaded.save()
        transaction.set_rollback(True)
    assert SessionStore(store.session_key)["a"] == 1


@pytest.mark.postgres
@pytest.mark.skipif(transaction_pooled(connection), reason="behind PgBouncer nothing is prepared")
@pytest.mark.django_db(transaction=True)
def test_on_postgres_a_request_sends_two_prepared_statements():
    store = SessionStore()
    store["a"] = 1
    store.save()
    for _ in range(2):
        loaded = SessionStore(store.session_key)
        with CaptureQueriesContext(connection) as queries:
            loaded["a"] = loaded["a"] + 1
            loaded.save()
    sent = [q["sql"].split(" (")[0] for q in queries.captured_queries]
    assert sent == ["EXECUTE hcc_session_read", "EXECUTE hcc_session_update"]
    assert SessionStore(store.session_key)["a"] == 3
