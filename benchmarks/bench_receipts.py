"""Benchmark: rendering the intake receipt and a fee receipt as PDF, and memory over 1,000 renders.

Standalone: ``.venv/bin/python benchmarks/bench_receipts.py`` (``make bench`` runs it too). It
builds a throw-away SQLite database in a temporary folder, receives one dossier and collects its
fees, then, after a warm-up, times each paper (the dossier's fetch, the context with its QR code and
barcode, WeasyPrint) and reads the process's resident memory before and after 1,000 more renders.
A one-line page, timed in the same loop, shows how fast the machine was during the run (this
machine's pace varies by a third from minute to minute). BENCH_RENDERS sets the timed renders.
Targets: under 120 ms a receipt; memory flat (one FontConfiguration reused by the process).
"""

import os
import statistics
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WARM_UP = 20
TIMED = int(os.environ.get("BENCH_RENDERS", "100"))
LEAK_RENDERS = 1000


def rss_mib() -> float:
    """Resident memory now (Linux ``/proc``), else the peak from ``resource``."""
    try:
        with open("/proc/self/statm") as statm:
            pages = int(statm.read().split()[1])
        return pages * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        import resource

        return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def setup_django(folder: str) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "hcc.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{folder}/bench.sqlite3"
    os.environ.pop("REDIS_URL", None)
    # The intake's notices (SMS and e-mail to the applicant) are kept in memory, not printed.
    os.environ["SMS_BACKEND"] = "memory"
    os.environ["EMAIL_URL"] = "memorymail://"
    import django

    django.setup()
    import logging

    logging.getLogger("celery").setLevel(logging.WARNING)  # eager notices: no line per task
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)


def make_dossier():
    from accounts.models import Role, User
    from dossiers import services as dossier_services
    from dossiers.services import Applicant, Intake
    from procedures.services import (
        DocumentData,
        FeeData,
        ProcedureData,
        StepData,
        agency_upsert,
        procedure_upsert,
    )
    from receipts import services

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
            documents=[
                DocumentData(name="Đơn đề nghị cấp giấy phép xây dựng", originals=1),
                DocumentData(name="Bản sao giấy tờ về quyền sử dụng đất", originals=0, copies=1),
                DocumentData(name="Bản vẽ thiết kế xây dựng", originals=0, copies=2),
            ],
            fees=[
                FeeData(kind="charge", name="Lệ phí cấp giấy phép xây dựng", amount=75000),
                FeeData(kind="fee", name="Phí thẩm định hồ sơ", amount=1234567),
            ],
            steps=[
                StepData(order=1, agency_code="SXD", name="Thẩm định, cấp phép", working_days=Decimal(15))
            ],
        )
    )
    clerk = User.objects.create(
        username="motcua", role=Role.CLERK, agency=center, full_name="Nguyễn Thị Hồng"
    )
    intake = Intake(
        applicant=Applicant(
            name="Trần Thị Ngọc Ánh",
            id_number="001203004567",
            address="Số 12 đường Lê Lợi, phường Hội Phụ, tỉnh Sơn Hà",
            phone="0912345678",
            email="anh@example.vn",
        ),
        documents={d.id: (d.originals, d.copies) for d in procedure.documents.all()},
    )
    dossier = dossier_services.dossier_receive(actor=clerk, procedure=procedure, intake=intake)
    receipt = services.receipt_issue(
        actor=clerk, dossier=dossier, payer=services.Payer(name="Trần Thị Ngọc Ánh", address="Số 12 Lê Lợi")
    )
    return dossier, receipt


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        setup_django(folder)
        from dossiers.models import Dossier
        from receipts import papers, pdf

        if not pdf.pdf_available():
            print("WeasyPrint cannot load (Pango missing): nothing to measure.")
            return
        dossier, receipt = make_dossier()

        def intake() -> bytes:
            fresh = papers.paper_dossier(Dossier.objects.all(), dossier.code, "giay-tiep-nhan")  # as the view
            return pdf.render_pdf(papers.PAPERS["giay-tiep-nhan"].template, papers.intake_context(fresh))

        def fee_receipt() -> bytes:
            return pdf.render_pdf(papers.RECEIPT_TEMPLATE, papers.receipt_context(receipt))

        for _ in range(WARM_UP):
            intake()
            fee_receipt()
        after_warm_up = rss_mib()

        weasyprint, font_config, stylesheets, fetcher = pdf.load_weasyprint()

        def one_line_page() -> bytes:
            # The machine's pace at this moment: a page with one line of text, same fonts and sheet.
            html = '<html lang="vi"><body class="paper"><p>Giấy hẹn trả kết quả</p></body></html>'
            document = weasyprint.HTML(string=html, url_fetcher=fetcher)
            return document.write_pdf(stylesheets=stylesheets, font_config=font_config)

        papers_timed = (
            ("intake receipt (giấy tiếp nhận)", intake),
            ("fee receipt (biên lai)", fee_receipt),
            ("reference: a one-line page", one_line_page),
        )
        wall = {name: [] for name, _render in papers_timed}
        cpu = {name: [] for name, _render in papers_timed}
        for _ in range(TIMED):  # interleaved, so a slow moment of the machine hits every paper alike
            for name, render in papers_timed:
                start, start_cpu = time.perf_counter(), time.process_time()
                render()
                wall[name].append((time.perf_counter() - start) * 1000)
                cpu[name].append((time.process_time() - start_cpu) * 1000)
        results = [
            (
                name,
                statistics.median(wall[name]),
                statistics.median(cpu[name]),
                sorted(wall[name])[int(TIMED * 0.95) - 1],
            )
            for name, _render in papers_timed
        ]

        start = time.perf_counter()
        for n in range(LEAK_RENDERS):
            (intake if n % 2 else fee_receipt)()
        elapsed = time.perf_counter() - start
        after_renders = rss_mib()

        print(
            f"bench_receipts: {TIMED} timed renders of each paper, interleaved, after {WARM_UP} warm-up; "
            "target < 120 ms a receipt"
        )
        print(f"load average {os.getloadavg()[0]:.2f}")
        print("(wall time includes waiting for the CPU on a shared machine; CPU time is this process's own)")
        print(f"| {'paper':<34} | {'median ms':>9} | {'median CPU ms':>13} | {'p95 ms':>7} |")
        print(f"|{'-' * 36}|{'-' * 11}|{'-' * 15}|{'-' * 9}|")
        for name, median, median_cpu, p95 in results:
            print(f"| {name:<34} | {median:>9.1f} | {median_cpu:>13.1f} | {p95:>7.1f} |")
        growth = after_renders - after_warm_up
        print(
            f"RSS after warm-up {after_warm_up:.1f} MiB; after {LEAK_RENDERS} more renders "
            f"({elapsed:.1f} s) {after_renders:.1f} MiB: {growth:+.1f} MiB "
            f"({growth * 1024 / LEAK_RENDERS:+.1f} KiB a render)"
        )


if __name__ == "__main__":
    main()
