"""A small province: a one-stop center, two departments and a procedure routed between them."""

from dataclasses import dataclass
from decimal import Decimal

import pytest
from freezegun import freeze_time

from accounts.models import Role, User
from accounts.services import signing_authority_grant
from dossiers import services
from dossiers.files import FileUpload
from dossiers.models import StepStatus
from dossiers.services import Intake
from procedures.models import Agency, Procedure
from procedures.services import (
    DocumentData,
    FeeData,
    ProcedureData,
    StepData,
    agency_upsert,
    procedure_upsert,
)
from tests.factories import PDF_BYTES, StaffFactory, UserFactory, applicant


@dataclass
class World:
    province: Agency
    center: Agency
    justice: Agency
    construction: Agency
    commune: Agency
    procedure: Procedure
    single: Procedure
    on_the_spot: Procedure
    citizen: User
    other_citizen: User
    clerk: User
    commune_clerk: User
    postal: User
    reviewer_a: User
    reviewer_b: User
    reviewer_other: User
    manager: User
    admin: User


@pytest.fixture
def world(db) -> World:
    province, _ = agency_upsert(code="UBNDT", name="UBND tỉnh", level="province", kind="peoples_committee")
    center, _ = agency_upsert(
        code="TTPVHCC",
        name="Trung tâm PVHCC",
        level="province",
        kind="center",
        parent_code="UBNDT",
        has_one_stop_desk=True,
    )
    justice, _ = agency_upsert(
        code="STP", name="Sở Tư pháp", level="province", kind="department", parent_code="UBNDT"
    )
    construction, _ = agency_upsert(
        code="SXD", name="Sở Xây dựng", level="province", kind="department", parent_code="UBNDT"
    )
    commune, _ = agency_upsert(
        code="XA1",
        name="UBND xã Một",
        level="commune",
        kind="peoples_committee",
        parent_code="UBNDT",
        has_one_stop_desk=True,
    )
    procedure, _ = procedure_upsert(
        data=ProcedureData(
            code="1.009994",
            name="Cấp giấy phép xây dựng",
            field_code="XD",
            field_name="Xây dựng",
            agency_code="SXD",
            level="province",
            processing_days=Decimal(10),
            online_level="full",
            accepts_online=True,
            accepts_postal=True,
            documents=[
                DocumentData(name="Đơn đề nghị", originals=1),
                DocumentData(name="Bản vẽ thiết kế", originals=0, copies=2),
                DocumentData(name="Giấy tờ khác", mandatory=False),
            ],
            fees=[FeeData(kind="charge", name="Lệ phí", amount=75000)],
            steps=[
                StepData(order=1, agency_code="STP", name="Thẩm định pháp lý", working_days=Decimal(3)),
                StepData(
                    order=2, agency_code="SXD", name="Thẩm định kỹ thuật, cấp phép", working_days=Decimal(6)
                ),
            ],
        )
    )
    single, _ = procedure_upsert(
        data=ProcedureData(
            code="2.000001",
            name="Cấp phiếu lý lịch tư pháp",
            field_code="LLTP",
            field_name="Lý lịch tư pháp",
            agency_code="STP",
            level="province",
            processing_days=Decimal(10),
            documents=[DocumentData(name="Tờ khai")],
        )
    )
    on_the_spot, _ = procedure_upsert(
        data=ProcedureData(
            code="2.000815",
            name="Chứng thực bản sao từ bản chính",
            field_code="CT",
            field_name="Chứng thực",
            agency_code="XA1",
            level="commune",
            processing_days=Decimal(0),
            on_the_spot=True,
            documents=[DocumentData(name="Bản chính giấy tờ")],
        )
    )
    commune_clerk = StaffFactory(role=Role.CLERK, agency=commune)
    signing_authority_grant(
        user=commune_clerk, procedure=on_the_spot, office=commune, decision="QĐ 1/QĐ-UBND"
    )
    return World(
        province=province,
        center=center,
        justice=justice,
        construction=construction,
        commune=commune,
        procedure=procedure,
        single=single,
        on_the_spot=on_the_spot,
        citizen=UserFactory(role=Role.CITIZEN),
        other_citizen=UserFactory(role=Role.CITIZEN),
        clerk=StaffFactory(role=Role.CLERK, agency=center),
        commune_clerk=commune_clerk,
        postal=StaffFactory(role=Role.POSTAL, agency=center),
        reviewer_a=StaffFactory(role=Role.REVIEWER, agency=justice),
        reviewer_b=StaffFactory(role=Role.REVIEWER, agency=construction),
        reviewer_other=StaffFactory(role=Role.REVIEWER, agency=commune),
        manager=StaffFactory(role=Role.MANAGER, agency=province),
        admin=UserFactory(role=Role.ADMIN, is_superuser=True, is_staff=True),
    )


@pytest.fixture
def case(world):
    """A dossier submitted online by the citizen, accepted at the center, with its first step
    claimed by reviewer A (Justice) and a file."""
    with freeze_time("2026-12-07 08:00:00+07:00"):
        docs = list(world.procedure.documents.order_by("order"))
        dossier = services.dossier_submit(
            actor=world.citizen,
            procedure=world.procedure,
            office=world.center,
            intake=Intake(
                applicant=applicant(),
                files=[
                    FileUpload(name="a.pdf", content=PDF_BYTES, document_id=docs[0].id),
                    FileUpload(name="b.pdf", content=PDF_BYTES, document_id=docs[1].id),
                ],
            ),
        )
        services.dossier_accept(actor=world.clerk, dossier=dossier)
        step = dossier.steps.get(status=StepStatus.ACTIVE)
        services.step_claim(actor=world.reviewer_a, step=step)
    return dossier, step, dossier.files.first()
