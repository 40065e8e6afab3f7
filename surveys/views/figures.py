"""A simple staff page with the satisfaction and feedback figures per agency and period."""

from datetime import datetime, time, timedelta

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.http import require_GET

from accounts.permissions import agency_scope, can
from surveys import figures
from surveys.forms import FiguresForm
from surveys.views.feedback import _scope_agencies


@login_required
@require_GET
def figures_page(request: HttpRequest) -> HttpResponse:
    if not can(request.user, "survey.view_figures"):
        raise PermissionDenied
    today = timezone.localdate()
    agencies = _scope_agencies(request.user)
    form = FiguresForm(request.GET or {"start": today.replace(day=1), "end": today}, agencies=agencies)
    context = {"form": form, "can_manage_kiosks": can(request.user, "counter.configure")}
    if form.is_valid():
        tz = timezone.get_current_timezone()
        start = datetime.combine(form.cleaned_data["start"], time.min, tzinfo=tz)
        end = datetime.combine(form.cleaned_data["end"] + timedelta(days=1), time.min, tzinfo=tz)
        scope = agency_scope(request.user)
        agency = form.cleaned_data["agency"]
        ids = [agency.pk] if agency else (None if scope is None else list(scope))
        context.update(
            # whole days: from the monthly and daily counts, the same numbers as the ratings'
            ratings=figures.rating_totals_by_day(form.cleaned_data["start"], form.cleaned_data["end"], ids),
            indicator=figures.satisfaction_indicator(start, end, ids),
            feedback=figures.feedback_figures(start, end, ids),
        )
    return render(request, "surveys/staff/figures.html", context)
