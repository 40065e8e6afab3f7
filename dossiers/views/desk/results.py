"""Returning results at the desk."""

from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from dossiers import services
from dossiers.forms.desk import (
    ReturnForm,
)
from dossiers.models import FileKind
from dossiers.rows import returns_rows
from dossiers.views.desk.common import PAGE_SIZE, _allowed, _desk_dossier, _desk_dossiers, _submit, desk_view
from dossiers.workflow import Action, Status
from web import compiled

# what a row shows, read as values: no model instances (issue 25)
RETURNS_ROW_VALUES = ("code", "procedure__name", "applicant_name", "result_ready_at", "return_method")


@desk_view("dossier.return_result")
def returns(request):
    """Results ready at the user's desk, waiting longest first; find one by its code."""
    qs = _desk_dossiers(request.user).filter(status=Status.RESULT_READY).order_by("result_ready_at", "id")
    query = request.GET.get("q", "").strip()[:40]
    if query:
        qs = qs.filter(code__icontains=query)
    # counted without the procedure's join that the rows' values bring (a join PostgreSQL would
    # make for each of the office's results); both statements planned once a connection: over
    # every year's partition, their plans cost more than their runs (web.compiled)
    listed = compiled.KeptValues(qs.values(*RETURNS_ROW_VALUES), PAGE_SIZE, counted=qs)
    paginator = Paginator(listed, PAGE_SIZE)
    page = paginator.get_page(request.GET.get("page"))
    # the rows as ready HTML, not a template's loop over cells (dossiers/rows.py)
    rows = returns_rows(page.object_list)
    return render(request, "dossiers/desk/returns.html", {"page": page, "query": query, "rows": rows})


@desk_view("dossier.return_result")
@require_http_methods(["GET", "POST"])
def return_result(request, code: str):
    """Hand the result over: at the counter (who, ID checked), by post (tracking number)."""
    dossier = _desk_dossier(request, code, detailed=True)
    returns_url = reverse("dossiers:desk_returns")
    if not _allowed(request, dossier, Action.RETURN_RESULT):
        return redirect(returns_url)
    form = ReturnForm(
        request.POST or None,
        return_method=dossier.return_method,
        initial={"collected_by": dossier.applicant_name},
    )
    done = _submit(
        request,
        form,
        lambda data: services.dossier_return(actor=request.user, dossier=dossier, **data),
        done=_("Đã trả kết quả hồ sơ %(code)s.") % {"code": dossier.code},
        then=returns_url,
        refused=returns_url,
    )
    result_files = [f for f in dossier.files.all() if f.kind == FileKind.RESULT]
    return done or render(
        request, "dossiers/desk/return.html", {"dossier": dossier, "form": form, "result_files": result_files}
    )
