"""Queue figures for the office's clerks and managers: tickets, waiting and service times
(median, 90th percentile) and no-shows by service, counter, day or office."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.permissions import agency_scope, require
from counters.figures import queue_figures
from counters.forms import FiguresForm
from counters.selectors import queue_offices


@login_required
@require_GET
def figures(request):
    require(request.user, "counter.view_figures")
    scope = agency_scope(request.user)
    offices = queue_offices()
    if scope is not None:
        offices = offices.filter(pk__in=list(scope))
    offices = list(offices)
    today = timezone.localdate().strftime("%d/%m/%Y")
    form = FiguresForm(request.GET or {"day_from": today, "day_to": today, "by": "service"}, offices=offices)
    rows, total = [], None
    if form.is_valid():
        data = form.cleaned_data
        chosen = [int(data["office"])] if data["office"] else [o.pk for o in offices]
        rows, total = queue_figures(
            offices=chosen, day_from=data["day_from"], day_to=data["day_to"], by=data["by"]
        )
    return render(request, "counters/figures.html", {"form": form, "rows": rows, "total": total})
