"""A dossier's fees are set when it is received (``fee_lines_set``), not when someone first looks at
them: reading them writes nothing."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.urls import reverse
from freezegun import freeze_time

from dossiers import services as dossier_services
from dossiers.files import FileUpload
from dossiers.history import import_history
from dossiers.models import Dossier
from dossiers.services import Intake
from receipts import services
from receipts.fee_lines import fee_lines_for
from receipts.models import FeeLine
from tests.dossiers.test_history import write
from tests.factories import JPEG_BYTES, PDF_BYTES, applicant
from tests.receipts.conftest import at, receive


@freeze_time(at(7, 8))
def test_receiving_a_dossier_sets_its_fees(world):
    dossier = receive(world)
    lines = list(FeeLine.objects.filter(dossier=dossier).values_list("name", "amount", "owner_id"))
    assert lines == [("Lệ phí", 75000, world.construction.id)]


@freeze_time(at(7, 8))
def test_an_online_dossier_gets_its_fees_when_accepted(world):
    docs = list(world.procedure.documents.order_by("order", "id"))
    files = [
        FileUpload(name="don.pdf", content=PDF_BYTES, document_id=docs[0].id),
        FileUpload(name="ban-ve.jpg", content=JPEG_BYTES, document_id=docs[1].id),
    ]
    dossier = dossier_services.dossier_submit(
        actor=world.citizen,
        procedure=world.procedure,
        office=world.center,
        intake=Intake(applicant=applicant(), files=files),
    )
    assert not FeeLine.objects.filter(dossier=dossier).exists()
    # what the applicant is shown meanwhile: the procedure's fees, nothing written
    assert [(line.pk, line.amount) for line in fee_lines_for(dossier)] == [(None, 75000)]
    assert not FeeLine.objects.filter(dossier=dossier).exists()
    dossier_services.dossier_accept(actor=world.clerk, dossier=dossier)
    assert FeeLine.objects.filter(dossier=dossier).count() == 1


@freeze_time(at(7, 8))
def test_looking_at_the_fees_writes_nothing(world, client):
    dossier = receive(world)
    dossier_services.dossier_withdraw(actor=world.clerk, dossier=dossier, reason="Người nộp rút")
    FeeLine.objects.filter(dossier=dossier).delete()  # as one closed before fees were set at receipt
    client.force_login(world.clerk)
    page = client.get(reverse("receipts:collect", args=[dossier.code]))
    assert page.status_code == 200 and "75.000" in page.content.decode()
    paper = client.get(reverse("receipts:paper", args=[dossier.code, "giay-tiep-nhan"]))
    assert paper.status_code == 200 and "75.000" in paper.content.decode()
    assert not FeeLine.objects.filter(dossier=dossier).exists()


@freeze_time(at(7, 8))
def test_fees_added_to_the_catalog_after_receipt_are_not_owed(world):
    dossier = receive(world, procedure=world.single)  # a procedure without fees
    world.single.fees.create(kind="charge", name="Lệ phí mới", amount=10000)
    assert fee_lines_for(dossier) == []
    assert not FeeLine.objects.filter(dossier=dossier).exists()


@freeze_time(at(7, 8))
def test_setting_the_fees_twice_writes_them_once(world):
    dossier = receive(world)
    first = services.fee_lines_set(dossier=dossier)
    again = services.fee_lines_set(dossier=dossier)
    assert [line.pk for line in first] == [line.pk for line in again]
    assert FeeLine.objects.filter(dossier=dossier).count() == 1


def test_imported_dossiers_open_to_collection_get_their_fees(world, tmp_path):
    rows = [
        "OLD-1,1.009994,SXD,TTPVHCC,counter,An,2025-03-05T14:00,,processing,,",
        "OLD-2,1.009994,SXD,TTPVHCC,counter,An,2025-03-05T14:00,,returned,2025-03-06T10:00,2025-03-07T10:00",
    ]
    assert import_history(write(tmp_path, *rows)).created == 2
    open_one, closed = Dossier.objects.get(code="OLD-1"), Dossier.objects.get(code="OLD-2")
    assert list(FeeLine.objects.filter(dossier=open_one).values_list("amount", flat=True)) == [75000]
    assert not FeeLine.objects.filter(dossier=closed).exists()
    assert services.fee_lines_backfill() == 0  # nothing left to set


@pytest.mark.django_db(transaction=True)
def test_the_migration_sets_the_fees_of_open_dossiers_that_lack_them(world):
    with freeze_time(at(7, 8)):
        open_one, closed = receive(world), receive(world)
        dossier_services.dossier_withdraw(actor=world.clerk, dossier=closed, reason="Người nộp rút")
    FeeLine.objects.all().delete()  # as before issue 23: nobody had looked at their fees yet
    executor = MigrationExecutor(connection)
    executor.migrate([("receipts", "0004_signed_papers")])
    executor.loader.build_graph()
    # back to the newest state: receipts.0005, and what depends on it (dossiers.0020 on)
    executor.migrate(executor.loader.graph.leaf_nodes())
    lines = FeeLine.objects.filter(dossier=open_one).values_list("name", "amount", "owner_id")
    assert list(lines) == [("Lệ phí", 75000, world.construction.id)]
    assert not FeeLine.objects.filter(dossier=closed).exists()
