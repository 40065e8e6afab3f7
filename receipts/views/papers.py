"""The printed papers of a dossier and the dossier register of an office."""

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.permissions import can, require
from dossiers.models import IntakeGuidance
from receipts import pdf, selectors
from receipts.forms import RegisterForm
from receipts.papers import PAPERS, PaperNotApplicable, guidance_context, paper_context
from receipts.spreadsheets import XLSX_TYPE, to_xlsx
from receipts.views.common import dossier_view, serve_paper


@require_GET
@dossier_view("paper.view")
def paper(request, dossier, slug: str, as_pdf: bool = False):
    if slug not in PAPERS:
        raise Http404
    try:
        context = paper_context(slug, dossier)
    except PaperNotApplicable as exc:
        raise Http404 from exc
    return serve_paper(
        request,
        PAPERS[slug].template,
        context,
        as_pdf=as_pdf,
        filename=f"{slug}-{dossier.code}",
        html_url=reverse("receipts:paper", args=[dossier.code, slug]),
        pdf_url=reverse("receipts:paper_pdf", args=[dossier.code, slug]),
        back_url=reverse("dossiers:detail", args=[dossier.code]),
        sign={
            "dossier": dossier,
            "agency": context["header"]["agency"],
            "title": PAPERS[slug].title,
            "slug": slug,
        },
    )


@require_GET
@login_required
def guidance_paper(request, code: str, as_pdf: bool = False):
    """Form 02 or 03 of a walk-in dossier the desk did not receive: for the staff of that desk."""
    if not can(request.user, "dossier.receive"):
        raise Http404
    guidance = (
        IntakeGuidance.objects.select_related("office__parent", "procedure", "created_by")
        .filter(code=code)
        .first()
    )
    if guidance is None or (not request.user.is_superuser and guidance.office_id != request.user.agency_id):
        raise Http404
    context = guidance_context(guidance)
    return serve_paper(
        request,
        context["paper"].template,
        context,
        as_pdf=as_pdf,
        filename=f"{context['paper'].slug}-{guidance.code}",
        html_url=reverse("receipts:guidance", args=[guidance.code]),
        pdf_url=reverse("receipts:guidance_pdf", args=[guidance.code]),
        back_url=reverse("dossiers:desk_intake") + f"?procedure={guidance.procedure.code}",
    )


REGISTER_COLUMNS = [
    "STT",
    "Mã hồ sơ",
    "Tên thủ tục hành chính",
    "Số lượng hồ sơ (bộ)",
    "Tên cá nhân, tổ chức",
    "Địa chỉ, số điện thoại",
    "Cơ quan chủ trì giải quyết",
    "Nhận hồ sơ",
    "Hẹn trả kết quả",
    "Chuyển hồ sơ đến cơ quan giải quyết",
    "Có kết quả",
    "Trả kết quả",
    "Trạng thái",
]


def _moment(value, fmt="%d/%m/%Y %H:%M") -> str:
    return timezone.localtime(value).strftime(fmt) if value else ""


def _register_body(dossiers) -> list[list]:
    return [
        [
            d.register_number or "",
            d.code,
            d.procedure.name,
            d.sets_count,
            d.organisation_name or d.applicant_name,
            ", ".join(part for part in (d.address, d.phone) if part),
            d.resolving_agency.name,
            _moment(d.received_at),
            _moment(d.due_at),
            _moment(d.first_step),
            _moment(d.result_ready_at),
            _moment(d.returned_at),
            d.get_status_display(),
        ]
        for d in dossiers
    ]


@login_required
@require_GET
def register(request):
    """The dossier register (sổ theo dõi hồ sơ) of an office for a period: page, PDF and XLSX."""
    require(request.user, "register.view")
    offices = selectors.register_offices(request.user)
    today = timezone.localdate()
    form = RegisterForm(
        request.GET or None,
        offices=offices,
        initial={"office": offices.first(), "start": today.replace(day=1), "end": today},
    )
    if not form.is_bound or not form.is_valid():
        return render(request, "receipts/register.html", {"form": form})
    office, start, end = (form.cleaned_data[k] for k in ("office", "start", "end"))
    dossiers = selectors.register_rows(office, start, end)
    body = _register_body(dossiers)
    name = f"so-theo-doi-{office.code}-{start:%Y%m%d}-{end:%Y%m%d}"
    output = request.GET.get("format")
    if output == "xlsx":
        response = HttpResponse(to_xlsx("Sổ theo dõi", [REGISTER_COLUMNS, *body]), content_type=XLSX_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
        return response
    context = {
        "office": office,
        "header": {"parent": office.parent.name if office.parent_id else "", "agency": office, "desk": True},
        "start": start,
        "end": end,
        "columns": REGISTER_COLUMNS,
        "body": body,
        "limited": len(dossiers) >= selectors.REGISTER_LIMIT,
        "today": today,
    }
    query = request.GET.copy()
    query.pop("format", None)
    if output == "pdf":
        return serve_paper(
            request,
            "receipts/papers/register.html",
            context,
            as_pdf=True,
            filename=name,
            html_url=f"{reverse('receipts:register')}?{query.urlencode()}&format=html",
            pdf_url="",
            back_url=f"{reverse('receipts:register')}?{query.urlencode()}",
        )
    if output == "html":
        return serve_paper(
            request,
            "receipts/papers/register.html",
            context,
            as_pdf=False,
            filename=name,
            html_url="",
            pdf_url=f"{reverse('receipts:register')}?{query.urlencode()}&format=pdf",
            back_url=f"{reverse('receipts:register')}?{query.urlencode()}",
        )
    return render(
        request,
        "receipts/register.html",
        {**context, "form": form, "query": query.urlencode(), "pdf_available": pdf.pdf_available()},
    )
