"""The rows of the lists staff live in all day, made in Python as ready HTML (issue 25).

A list page of 25 rows rendered cell by cell through the template language cost 15–20 ms of
Python a request (a variable lookup, a filter, an ``{% include %}`` and a ``{% blocktranslate %}``
per cell, two dates a row), against about 1 ms for the whole of a plain Django answer. Here each
row is one f-string: every value is escaped, the translated words and the links are
looked up once a page, the dates formatted by ``web.numbers``. The page's template keeps its
headings, captions, filters and paging; what a row says and how it reads to a screen reader is
unchanged (tests/dossiers/test_review_pages.py, tests/dossiers/test_desk_pages.py check it).
"""

from html import escape as _escape
from urllib.parse import quote

from django.template.backends.utils import csrf_input
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from web.numbers import format_date_time


class UrgencyBadges(dict):
    """The due-date mark of each urgency (``dossiers/review/_urgency.html``: a word and a symbol,
    never colour alone), rendered once a page for each urgency seen."""

    def __missing__(self, urgency: str) -> SafeString:
        html = render_to_string("dossiers/review/_urgency.html", {"urgency": urgency}).strip()
        badge = mark_safe(html)  # noqa: S308  # nosec B308 B703 (a template's output, escaped there)
        self[urgency] = badge
        return badge


def esc(value) -> str:
    """The value as HTML text: Django's ``escape`` without its lazy-string wrapper, which costs more
    than the escaping on a list of 25 rows."""
    return _escape(str(value))


def _moment(value) -> str:
    """``<time datetime="ISO">14:30 07/12/2026</time>`` in local time, or a dash."""
    if value is None:
        return "—"
    local = timezone.localtime(value)
    return f'<time datetime="{local.isoformat()}">{format_date_time(local)}</time>'


ROW_CLASS = {"overdue": "table-danger", "due_today": "table-warning"}


def inbox_rows(steps, *, request, urgencies: list[str]) -> SafeString:
    """The ``<tr>`` of each step of the reviewer's inbox (``dossiers/review/inbox.html``), with
    its urgency from ``urgencies`` (same order)."""
    user_id = request.user.pk
    badges = UrgencyBadges()
    detail_url = esc(reverse("dossiers:detail", args=["CODE"]))
    claim_url = esc(reverse("dossiers:step_action", args=[987654321, "claim"]))
    token = csrf_input(request)
    you = esc(_("Bạn"))
    nobody = f'<span class="text-body-secondary">{esc(_("Chưa có người nhận"))}</span>'
    claim = esc(_("Nhận xử lý"))
    work = esc(_("Xử lý"))
    step_label = _("Bước %(order)s: %(name)s")
    rows = []
    for step, urgency in zip(steps, urgencies, strict=True):
        dossier = step.dossier
        code = esc(dossier.code)
        url = detail_url.replace("CODE", esc(quote(dossier.code)))
        if step.claimed_by_id is None:
            claimed = nobody
        elif step.claimed_by_id == user_id:
            claimed = you
        else:
            claimed = esc(step.claimed_by.display_name)
        if step.status == "active":
            action = (
                f'<form method="post" action="{claim_url.replace("987654321", str(step.pk))}">{token}'
                f'<button type="submit" class="btn btn-primary btn-sm">{claim}'
                f'<span class="visually-hidden"> {code}</span></button></form>'
            )
        else:
            action = (
                f'<a class="btn btn-outline-primary btn-sm" href="{url}">{work}'
                f'<span class="visually-hidden"> {code}</span></a>'
            )
        label = esc(step_label % {"order": step.order, "name": step.name})
        rows.append(
            f'<tr class="{ROW_CLASS.get(urgency, "")}" data-urgency="{esc(urgency)}">\n'
            f'<th scope="row"><a href="{url}">{code}</a></th>\n'
            f"<td>{esc(dossier.procedure.name)}</td>\n<td>{label}</td>\n"
            f'<td class="text-nowrap">{_moment(step.due_at)}</td>\n<td>{badges[urgency]}</td>\n'
            f"<td>{claimed}</td>\n<td>{action}</td>\n</tr>\n"
        )
    return mark_safe("".join(rows))  # noqa: S308  # nosec B308 B703 (every value escaped above)


def returns_rows(dossiers) -> SafeString:
    """The ``<tr>`` of each result waiting at the desk (``dossiers/desk/returns.html``)."""
    return_url = esc(reverse("dossiers:desk_return", args=["CODE"]))
    # a translation of ours with its markup: only the code is put in, escaped
    label = _('Trả kết quả<span class="visually-hidden"> hồ sơ %(code)s</span>')
    rows = []
    for d in dossiers:
        code = esc(d.code)
        rows.append(
            f'<tr>\n<th scope="row">{code}</th>\n<td>{esc(d.procedure.name)}</td>\n'
            f"<td>{esc(d.applicant_name)}</td>\n<td>{format_date_time(d.result_ready_at)}</td>\n"
            f"<td>{esc(d.get_return_method_display())}</td>\n"
            f'<td><a class="btn btn-sm btn-success" href="{return_url.replace("CODE", esc(quote(d.code)))}">'
            f"{label % {'code': code}}</a></td>\n</tr>\n"
        )
    return mark_safe("".join(rows))  # noqa: S308  # nosec B308 B703 (every value escaped above)
