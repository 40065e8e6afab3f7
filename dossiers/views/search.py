"""Staff search: one box for a dossier code (typed, or read from the receipt's Code 128 barcode by a
scanner that types it and presses Enter), an ID number or tax code, a phone number or a name
without diacritics, among the dossiers the person may see; and the dossiers waiting for the
applicant's supplement."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from accounts.models import Role
from accounts.permissions import require
from dossiers.selectors import dossiers_search

PAGE_SIZE = 50
QUERY_MAX = 100
WAITING = "bo-sung"  # ?cho=bo-sung: the dossiers waiting for a supplement


@login_required
@require_GET
def search(request):
    """Exactly one match opens that dossier's page at once (a scanned code); otherwise the list.
    A desk clerk's list of dossiers waiting for a supplement is their own office's."""
    require(request.user, "dossier.search")
    query = request.GET.get("q", "").strip()[:QUERY_MAX]
    waiting = request.GET.get("cho") == WAITING
    qs = dossiers_search(request.user, query, waiting_supplement=waiting)
    if waiting and request.user.role in (Role.CLERK, Role.POSTAL) and not request.user.is_superuser:
        qs = qs.filter(intake_office_id=request.user.agency_id)
    if query and not waiting:
        first_two = list(qs.values_list("code", flat=True)[:2])
        if len(first_two) == 1:
            return redirect("dossiers:detail", first_two[0])
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    keep = urlencode(
        {key: value for key, value in (("q", query), ("cho", WAITING if waiting else "")) if value}
    )
    return render(
        request,
        "dossiers/search.html",
        {"query": query, "waiting": waiting, "page": page, "keep": keep, "searched": bool(query) or waiting},
    )
