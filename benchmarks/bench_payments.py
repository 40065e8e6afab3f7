"""How many gateway confirmations (IPN callbacks) a second the portal applies, on PostgreSQL, and
that eight concurrent duplicates of one callback still issue one receipt set.

    DATABASE_URL=postgres://hcc:hcc@127.0.0.1:5432/hcc_bench .venv/bin/python benchmarks/bench_payments.py

Writes into the database of ``DATABASE_URL`` (migrated first): use a throw-away one, receipts are
append-only and stay. Receives ``BENCH_PAYMENTS`` (default 400) online dossiers, starts a payment
for each (the signed redirect is built, not followed), then applies each one's signed "paid" IPN
through ``payments.services.payment_confirm_ipn`` (signature, merchant, amount checked, the payment
row locked, the receipt issued through ``receipts``): first one after the other, then from
``BENCH_THREADS`` (default 8) threads with their own connections. Last, ``BENCH_DUPLICATES``
(default 20) payments each get 8 identical callbacks at once: exactly one "00" and one receipt
each, or the script fails. Prints confirmations a second (target: at least 50; the receipt
series row is the one serialisation point, as a desk's numbering must be).
"""

import os
import statistics
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "hcc.settings")
os.environ.pop("REDIS_URL", None)  # notices stay in the outbox table
os.environ.setdefault("SMS_BACKEND", "memory")
os.environ.setdefault("EMAIL_URL", "memorymail://")
MERCHANT, SECRET = "HCCBENCH", "bench-secret-of-the-loopback-gateway"
os.environ.update(
    PAYMENT_GATEWAY_URL="http://127.0.0.1:9/paymentv2/vpcpay.html",
    PAYMENT_QUERY_URL="http://127.0.0.1:9/merchant_webapi/api/transaction",
    PAYMENT_MERCHANT_CODE=MERCHANT,
    PAYMENT_HASH_SECRET=SECRET,
)
COUNT = int(os.environ.get("BENCH_PAYMENTS", "400"))
THREADS = int(os.environ.get("BENCH_THREADS", "8"))
DUPLICATES = int(os.environ.get("BENCH_DUPLICATES", "20"))


def province():
    from accounts.models import Role, User
    from procedures.services import (
        DocumentData,
        FeeData,
        ProcedureData,
        StepData,
        agency_upsert,
        procedure_upsert,
    )

    agency_upsert(code="UBNDT", name="UBND tỉnh Sơn Hà", level="province", kind="peoples_committee")
    center, _ = agency_upsert(
        code="TTPVHCC",
        name="Trung tâm Phục vụ Hành chính công tỉnh Sơn Hà",
        level="province",
        kind="center",
        parent_code="UBNDT",
        has_one_stop_desk=True,
    )
    agency_upsert(code="SXD", name="Sở Xây dựng", level="province", kind="department", parent_code="UBNDT")
    procedure, _ = procedure_upsert(
        data=ProcedureData(
            code="1.009994",
            name="Cấp giấy phép xây dựng mới đối với nhà ở riêng lẻ",
            field_code="XD",
            field_name="Xây dựng",
            agency_code="SXD",
            level="province",
            processing_days=Decimal(15),
            documents=[DocumentData(name="Đơn đề nghị cấp giấy phép xây dựng", originals=1)],
            fees=[FeeData(kind="charge", name="Lệ phí cấp giấy phép xây dựng", amount=75000)],
            steps=[
                StepData(order=1, agency_code="SXD", name="Thẩm định, cấp phép", working_days=Decimal(15))
            ],
        )
    )
    clerk, _ = User.objects.get_or_create(
        username="bench-motcua",
        defaults={"role": Role.CLERK, "agency": center, "full_name": "Nguyễn Thị Hồng"},
    )
    return procedure, center, clerk


def dossiers_with_payments(n: int, procedure, center, clerk) -> list[dict]:
    """``n`` dossiers received at the desk for a citizen account, each with a pending payment and
    the gateway's signed "paid" callback for it."""
    from accounts.models import Role, User
    from dossiers import services as dossier_services
    from dossiers.services import Applicant, Intake
    from payments import protocol, services

    stamp = int(time.time() * 1000)
    callbacks = []
    for i in range(n):
        citizen = User.objects.create(
            username=f"bench-{stamp}-{i}", role=Role.CITIZEN, full_name="Trần Thị Ánh"
        )
        dossier = dossier_services.dossier_receive(
            actor=clerk,
            procedure=procedure,
            intake=Intake(
                applicant=Applicant(name="Trần Thị Ánh", id_number="001203004567", address="Số 12 Lê Lợi"),
                documents={d.id: (d.originals, d.copies) for d in procedure.documents.all()},
            ),
        )
        type(dossier).objects.filter(pk=dossier.pk).update(applicant_user=citizen)
        dossier.applicant_user = citizen
        payment = services.payment_start(actor=citizen, dossier=dossier).payment
        params = {
            "vnp_Amount": protocol.amount_to_gateway(payment.amount),
            "vnp_BankCode": "NCB",
            "vnp_OrderInfo": f"Thanh toan phi, le phi ho so {dossier.code}",
            "vnp_PayDate": protocol.gateway_time(payment.created_at),
            "vnp_ResponseCode": "00",
            "vnp_TmnCode": MERCHANT,
            "vnp_TransactionNo": str(20_000_000 + i),
            "vnp_TransactionStatus": "00",
            "vnp_TxnRef": payment.txn_ref,
        }
        callbacks.append(protocol.signed(params, SECRET))
    return callbacks


def confirm_all(callbacks: list[dict], threads: int) -> tuple[float, list[str]]:
    from django.db import connection

    from payments.services import payment_confirm_ipn

    answers: list[str] = []
    chunks = [callbacks[i::threads] for i in range(threads)]
    start = threading.Barrier(threads + 1)

    def work(chunk):
        try:
            start.wait()
            for params in chunk:
                answers.append(payment_confirm_ipn(params)[0])
        finally:
            connection.close()

    workers = [threading.Thread(target=work, args=(chunk,)) for chunk in chunks]
    for worker in workers:
        worker.start()
    start.wait()
    began = time.perf_counter()
    for worker in workers:
        worker.join()
    return len(callbacks) / (time.perf_counter() - began), answers


def main() -> None:
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("Set DATABASE_URL to a throw-away PostgreSQL database (receipts are append-only).")
    import django

    django.setup()
    import logging

    logging.getLogger("payments").setLevel(logging.ERROR)
    from django.core.management import call_command

    from payments.models import Payment, PaymentStatus
    from receipts.models import Receipt

    call_command("migrate", verbosity=0, interactive=False)
    procedure, center, clerk = province()
    print(f"preparing {2 * COUNT + DUPLICATES} dossiers with a pending payment…", flush=True)
    serial = dossiers_with_payments(COUNT, procedure, center, clerk)
    parallel = dossiers_with_payments(COUNT, procedure, center, clerk)
    duplicated = dossiers_with_payments(DUPLICATES, procedure, center, clerk)

    rate_1, answers_1 = confirm_all(serial, 1)
    rate_n, answers_n = confirm_all(parallel, THREADS)
    assert set(answers_1) == {"00"} and set(answers_n) == {"00"}, (set(answers_1), set(answers_n))

    per_payment = []
    for params in duplicated:
        began = time.perf_counter()
        _rate, answers = confirm_all([params] * 8, 8)
        per_payment.append(time.perf_counter() - began)
        assert sorted(answers) == ["00"] + ["02"] * 7, answers
        payment = Payment.objects.get(txn_ref=params["vnp_TxnRef"])
        assert payment.status == PaymentStatus.PAID and payment.receipts.count() == 1
    refs = [p["vnp_TxnRef"] for p in serial + parallel + duplicated]
    receipts = Receipt.objects.filter(
        transaction_ref__in=[p["vnp_TransactionNo"] for p in serial + parallel + duplicated]
    )
    assert receipts.count() == len(refs), (receipts.count(), len(refs))

    print(f"IPN confirmations, one after the other: {rate_1:7.1f} a second ({COUNT} payments)")
    print(f"IPN confirmations, {THREADS} threads:          {rate_n:7.1f} a second ({COUNT} payments)")
    print(
        f"8 concurrent duplicates x {DUPLICATES}: one receipt each; "
        f"median {statistics.median(per_payment) * 1000:.0f} ms for the 8 answers"
    )


if __name__ == "__main__":
    main()
