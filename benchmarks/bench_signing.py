"""Benchmark: the signed intake receipt against the unsigned one (goal: signed within 1.5×).

Standalone: ``.venv/bin/python benchmarks/bench_signing.py`` (``make bench`` runs it too). It
builds a throw-away SQLite database and a demo certificate chain in a temporary folder, receives
one dossier (``bench_receipts.make_dossier``), then, after a warm-up, times interleaved:

- the unsigned intake receipt as the view makes it without a certificate (fetch, context, PDF);
- the signed one as the view makes it the first time (the same, plus the signature block, the
  PAdES signature and storing the file; its stored row is removed each time so every round signs);
- the signed one asked for again (same content: served from the stored file);
- a result PDF uploaded by an agency, signed with pyHanko's stamp and QR code;
- the verification page's check of a stored signature.

Prints a table and writes it to ``benchmarks/results-signing.md``. BENCH_RENDERS sets the rounds.
"""

import datetime
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_receipts import ROOT, make_dossier, setup_django  # noqa: E402

WARM_UP = 5
TIMED = int(os.environ.get("BENCH_RENDERS", "40"))
GOAL = 1.5


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        os.environ["MEDIA_ROOT"] = f"{folder}/media"
        setup_django(folder)
        from django.conf import settings

        from dossiers.models import Dossier
        from receipts import papers, pdf, signing
        from receipts.demo_signing import make_demo_chain
        from receipts.models import SignedPaper
        from receipts.services.signing import paper_sign

        if not pdf.pdf_available():
            print("WeasyPrint cannot load (Pango missing): nothing to measure.")
            return
        dossier, _receipt = make_dossier()
        chain = make_demo_chain(Path(folder) / "chain", [("", "Trung tâm PVHCC"), ("SXD", "Sở Xây dựng")])
        password = (chain / "password.txt").read_text().strip()
        slug = "giay-tiep-nhan"
        paper = papers.PAPERS[slug]

        def context():
            fresh = papers.paper_dossier(Dossier.objects.all(), dossier.code, slug)
            return fresh, papers.intake_context(fresh)

        def unsigned() -> bytes:
            _fresh, ctx = context()
            return pdf.render_pdf(paper.template, ctx)

        def forget() -> None:
            SignedPaper.objects.all().delete()  # untimed: the next round signs anew

        def sign() -> bytes:
            fresh, ctx = context()
            row = paper_sign(
                actor=None,
                dossier=fresh,
                agency=fresh.intake_office,
                template=paper.template,
                context=ctx,
                title=paper.title,
                slug=slug,
            )
            with row.file.open("rb") as handle:
                return handle.read()

        foreign = pdf.html_to_pdf("<p>Giấy phép xây dựng số 12/GPXD, cấp cho bà Trần Thị Ngọc Ánh</p>")[0]

        def sign_foreign() -> bytes:
            return signing.sign_pdf(
                foreign, key=signing.signing_key("SXD"), reason="Kết quả", verify_url="http://x/y/"
            )

        settings.HCC_SIGNING_KEYS = {
            "": (str(chain / "CENTER.p12"), password),
            "SXD": (str(chain / "SXD.p12"), password),
        }
        settings.HCC_SIGNING_TRUST_ROOTS = [str(chain / "root-ca.pem")]
        stored = sign()
        assert signing.check_pdf(stored).status == "valid"

        def check() -> signing.Verdict:
            return signing.check_pdf(stored)

        timed = (  # (name, prepare untimed, run timed)
            ("intake receipt, unsigned", None, unsigned),
            ("intake receipt, signed (first time)", forget, sign),
            ("intake receipt, signed, asked again", None, sign),
            ("uploaded result PDF, stamp + QR", None, sign_foreign),
            ("verification: check a signature", None, check),
        )
        for _ in range(WARM_UP):
            for _name, prepare, run in timed:
                if prepare:
                    prepare()
                run()
        wall = {name: [] for name, _prepare, _run in timed}
        cpu = {name: [] for name, _prepare, _run in timed}
        for _ in range(TIMED):
            for name, prepare, run in timed:
                if prepare:
                    prepare()
                start, start_cpu = time.perf_counter(), time.process_time()
                run()
                wall[name].append((time.perf_counter() - start) * 1000)
                cpu[name].append((time.process_time() - start_cpu) * 1000)
        med = {name: statistics.median(values) for name, values in wall.items()}
        med_cpu = {name: statistics.median(values) for name, values in cpu.items()}
        ratio = med["intake receipt, signed (first time)"] / med["intake receipt, unsigned"]
        ratio_cpu = med_cpu["intake receipt, signed (first time)"] / med_cpu["intake receipt, unsigned"]
        lines = [
            f"| {'what':<38} | {'median ms':>9} | {'median CPU ms':>13} | {'p95 ms':>7} |",
            f"|{'-' * 40}|{'-' * 11}|{'-' * 15}|{'-' * 9}|",
        ]
        for name, values in wall.items():
            p95 = sorted(values)[max(0, int(TIMED * 0.95) - 1)]
            lines.append(f"| {name:<38} | {med[name]:>9.1f} | {med_cpu[name]:>13.1f} | {p95:>7.1f} |")
        verdict = "met" if ratio <= GOAL else "NOT met"
        summary = (
            f"Signed / unsigned intake receipt: {ratio:.2f}× wall, {ratio_cpu:.2f}× CPU "
            f"(goal ≤ {GOAL}×: {verdict})."
        )
        load = os.getloadavg()[0]
        print(f"bench_signing: {TIMED} interleaved rounds after {WARM_UP} warm-up; load average {load:.2f}")
        print("\n".join(lines))
        print(summary)
        stamp = datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M UTC")
        report = ROOT / "benchmarks" / "results-signing.md"
        report.write_text(
            "# Signing benchmark results\n\n"
            f"`benchmarks/bench_signing.py` on {stamp}: {TIMED} interleaved rounds, SQLite, the demo "
            f"chain (ECDSA P-256), no timestamp server, load average {load:.2f} on 2 shared cores.\n\n"
            + "\n".join(lines)
            + f"\n\n{summary}\n",
            encoding="utf-8",
        )


if __name__ == "__main__":
    main()
