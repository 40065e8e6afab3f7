import hashlib

from django.conf import settings
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.urls import NoReverseMatch, reverse

from procedures.filters import ProcedureFilter
from procedures.models import Procedure, RequiredDocument
from procedures.selectors import catalog_version, procedure_detail, procedures_public
from web.pagecache import anonymous_page

PAGE_SIZE = 20


def catalog(request):
    """The public catalog and its search. For anonymous visitors the page comes from the cache
    while the catalog has not changed (``catalog_version``): the same search, the same page."""
    key = "catalog:" + catalog_version() + ":" + hashlib.sha256(request.get_full_path().encode()).hexdigest()
    return anonymous_page(request, key, lambda: _catalog(request), timeout=settings.HCC_CATALOG_CACHE_SECONDS)


def _catalog(request):
    filterset = ProcedureFilter(request.GET or None, queryset=procedures_public())
    qs = filterset.qs if filterset.is_bound and filterset.is_valid() else procedures_public()
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "procedures/catalog.html",
        {
            "filter": filterset,
            "page": page,
            "page_range": page.paginator.get_elided_page_range(page.number, on_each_side=1, on_ends=1),
            "query_string": query.urlencode(),
        },
    )


def detail(request, code: str):
    try:
        procedure = procedure_detail(code)
    except Procedure.DoesNotExist as exc:
        raise Http404 from exc
    return render(
        request,
        "procedures/detail.html",
        {
            "procedure": procedure,
            "fee_total": sum(fee.amount for fee in procedure.fees.all()),
            "submit_url": _submit_url(procedure) if procedure.accepts_online else "",
        },
    )


def _submit_url(procedure: Procedure) -> str:
    """The online submission page of ``procedure``, once the dossiers app provides one."""
    try:
        return reverse("dossiers:submit_start", args=[procedure.code])
    except NoReverseMatch:
        return ""


def form_template(request, pk: int):
    """Download the blank form of a required document (public: forms are published)."""
    document = get_object_or_404(RequiredDocument, pk=pk, procedure__is_active=True)
    if not document.form_template:
        raise Http404
    return FileResponse(document.form_template.open("rb"), as_attachment=True)
