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
from django.template.defaultfilters import filesizeformat, linebreaksbr
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from web.fields import widget_html
from web.numbers import format_date_time

_BADGES: dict[tuple[str, str], SafeString] = {}


class UrgencyBadges(dict):
    """The due-date mark of each urgency (``dossiers/review/_urgency.html``: a word and a symbol,
    never colour alone), rendered once a process for each urgency and language seen: the template
    and its translations change only with a release, which restarts the processes."""

    def __missing__(self, urgency: str) -> SafeString:
        key = (get_language(), urgency)
        badge = _BADGES.get(key)
        if badge is None:
            html = render_to_string("dossiers/review/_urgency.html", {"urgency": urgency}).strip()
            badge = _BADGES[key] = mark_safe(html)  # noqa: S308  # nosec B308 B703
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
    """The ``<tr>`` of each step of the reviewer's inbox (``dossiers/review/inbox.html``), read as
    values (``views.review.pages.INBOX_ROW_VALUES``), with its urgency from ``urgencies`` (same
    order)."""
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
        code = esc(step["dossier__code"])
        url = detail_url.replace("CODE", esc(quote(step["dossier__code"])))
        claimed_by = step["claimed_by_id"]
        if claimed_by is None:
            claimed = nobody
        elif claimed_by == user_id:
            claimed = you
        else:
            claimed = esc(_display_name(step))
        if step["status"] == "active":
            action = (
                f'<form method="post" action="{claim_url.replace("987654321", str(step["id"]))}">{token}'
                f'<button type="submit" class="btn btn-primary btn-sm">{claim}'
                f'<span class="visually-hidden"> {code}</span></button></form>'
            )
        else:
            action = (
                f'<a class="btn btn-outline-primary btn-sm" href="{url}">{work}'
                f'<span class="visually-hidden"> {code}</span></a>'
            )
        label = esc(step_label % {"order": step["order"], "name": step["name"]})
        rows.append(
            f'<tr class="{ROW_CLASS.get(urgency, "")}" data-urgency="{esc(urgency)}">\n'
            f'<th scope="row"><a href="{url}">{code}</a></th>\n'
            f"<td>{esc(step['dossier__procedure__name'])}</td>\n<td>{label}</td>\n"
            f'<td class="text-nowrap">{_moment(step["due_at"])}</td>\n<td>{badges[urgency]}</td>\n'
            f"<td>{claimed}</td>\n<td>{action}</td>\n</tr>\n"
        )
    return mark_safe("".join(rows))  # noqa: S308  # nosec B308 B703


def _display_name(step: dict) -> str:
    """``User.display_name`` of the step's claimant, from the row's values."""
    full = f"{step['claimed_by__first_name']} {step['claimed_by__last_name']}".strip()
    return step["claimed_by__full_name"] or full or step["claimed_by__username"]


def returns_rows(dossiers) -> SafeString:
    """The ``<tr>`` of each result waiting at the desk (``dossiers/desk/returns.html``), read as
    values (``views.desk.results.RETURNS_ROW_VALUES``)."""
    from dossiers.models import ReturnMethod

    return_url = esc(reverse("dossiers:desk_return", args=["CODE"]))
    # a translation of ours with its markup: only the code is put in, escaped
    label = _('Trả kết quả<span class="visually-hidden"> hồ sơ %(code)s</span>')
    # ``get_return_method_display()`` once a page, not a translated choice list hashed a row
    methods = {value: esc(name) for value, name in ReturnMethod.choices}
    rows = []
    for d in dossiers:
        code = esc(d["code"])
        method = methods.get(d["return_method"]) or esc(d["return_method"])
        url = return_url.replace("CODE", esc(quote(d["code"])))
        rows.append(
            f'<tr>\n<th scope="row">{code}</th>\n<td>{esc(d["procedure__name"])}</td>\n'
            f"<td>{esc(d['applicant_name'])}</td>\n<td>{format_date_time(d['result_ready_at'])}</td>\n"
            f"<td>{method}</td>\n"
            f'<td><a class="btn btn-sm btn-success" href="{url}">'
            f"{label % {'code': code}}</a></td>\n</tr>\n"
        )
    return mark_safe("".join(rows))  # noqa: S308  # nosec B308 B703


def _file_link(file, *, file_url: str, preview_url: str | None, view: str) -> str:
    """``dossiers/desk/_file_link.html``: the file's link, its size and, for a PDF or an image,
    the inline preview (``preview_url`` None: not offered)."""
    name = esc(file.original_name)
    link = (
        f'<a href="{file_url.replace("987654321", str(file.pk))}">{name}</a> '
        f'<span class="small text-body-secondary">({esc(filesizeformat(file.size))})</span> '
    )
    if preview_url and file.previewable:
        link += f'· <a href="{preview_url.replace("987654321", str(file.pk))}">{view % {"name": name}}</a>'
    return link


def online_queue_items(dossiers, *, request) -> SafeString:
    """The ``<article>`` of each online submission waiting at the desk
    (``dossiers/desk/online_queue.html``): who, what, the supplement asked before intake, the files,
    and the buttons the services would accept (``dossier.allowed``); ``dossiers`` are the rows of
    ``dossiers.online_queue``."""
    token = csrf_input(request)
    file_url = esc(reverse("dossiers:file", args=[987654321]))
    preview_url = (
        esc(reverse("dossiers:file_preview", args=[987654321])) if request.user.is_staff_member else None
    )
    accept_url = esc(reverse("dossiers:desk_accept", args=["CODE"]))
    supplement_url = esc(reverse("dossiers:desk_request_intake_supplement", args=["CODE"]))
    refuse_url = esc(reverse("dossiers:desk_refuse_intake", args=["CODE"]))
    # literal gettext calls, so that makemessages keeps finding the words
    words = {
        "submitted": esc(_("Nộp lúc")),
        "applicant": esc(_("Người nộp")),
        "summary": esc(_("Nội dung yêu cầu")),
        "asked": esc(_("Đã yêu cầu bổ sung")),
        "agency": esc(_("Cơ quan giải quyết")),
        "return": esc(_("Nhận kết quả")),
        "files": esc(_("Tệp đã nộp")),
        "document": esc(_("Giấy tờ")),
        "file": esc(_("Tệp")),
        "other": esc(_("Khác")),
        "no_files": esc(_("Không có tệp.")),
        "reason": esc(_("Lý do từ chối tiếp nhận")),
        "reason_help": esc(_("Người nộp sẽ thấy lý do này.")),
    }
    supplied = _("Người nộp đã bổ sung lúc %(date)s.")
    # translations of ours with their markup: only the escaped values are put in
    view = _('Xem<span class="visually-hidden"> %(name)s</span>')
    accept, supplement, refuse = _("Tiếp nhận %(code)s"), _("Yêu cầu bổ sung %(code)s"), _("Từ chối %(code)s")
    items = []
    for d in dossiers:
        pk, code, quoted = d.pk, esc(d.code), esc(quote(d.code))
        applicant = esc(d.applicant_name)
        if d.organisation_name:
            applicant += f" – {esc(d.organisation_name)}"
        applicant += " "
        if d.masked_identity:
            applicant += f"({esc(d.identity_label)} {esc(d.masked_identity)})"
        facts = [
            f'<dt class="col-sm-3">{words["submitted"]}</dt>\n'
            f'<dd class="col-sm-9">{format_date_time(d.submitted_at)}</dd>\n'
            f'<dt class="col-sm-3">{words["applicant"]}</dt>\n<dd class="col-sm-9">{applicant}</dd>\n'
        ]
        if d.request_summary:
            facts.append(
                f'<dt class="col-sm-3">{words["summary"]}</dt>\n'
                f'<dd class="col-sm-9">{linebreaksbr(d.request_summary, autoescape=True)}</dd>\n'
            )
        for asked in d.supplement_requests.all():
            if not asked.at_intake:
                continue
            line = f"{format_date_time(asked.requested_at)}: {'; '.join(esc(i) for i in asked.items)}"
            if asked.supplied_at:
                line += f"<br>{esc(supplied % {'date': format_date_time(asked.supplied_at)})}"
            facts.append(f'<dt class="col-sm-3">{words["asked"]}</dt>\n<dd class="col-sm-9">{line}</dd>\n')
        facts.append(
            f'<dt class="col-sm-3">{words["agency"]}</dt>\n'
            f'<dd class="col-sm-9">{esc(d.resolving_agency.name)}</dd>\n'
            f'<dt class="col-sm-3">{words["return"]}</dt>\n'
            f'<dd class="col-sm-9">{esc(d.return_method_label)}</dd>\n'
        )
        files = (
            "".join(
                f"<tr><td>{esc(f.document_name) if f.document_name else words['other']}</td>"
                f"<td>{_file_link(f, file_url=file_url, preview_url=preview_url, view=view)}</td></tr>\n"
                for f in d.files.all()
            )
            or f'<tr><td colspan="2">{words["no_files"]}</td></tr>\n'
        )
        buttons = []
        if "accept" in d.allowed:
            buttons.append(
                f'<a class="btn btn-success" href="{accept_url.replace("CODE", quoted)}">'
                f"{esc(accept % {'code': d.code})}</a>\n"
            )
        if "request_intake_supplement" in d.allowed:
            buttons.append(
                f'<a class="btn btn-outline-primary" href="{supplement_url.replace("CODE", quoted)}">'
                f"{esc(supplement % {'code': d.code})}</a>\n"
            )
        if "refuse_intake" in d.allowed:
            buttons.append(
                f'<form method="post" action="{refuse_url.replace("CODE", quoted)}" class="flex-grow-1">\n'
                f"{token}\n"
                f'<label for="refuse-reason-{pk}" class="form-label">{words["reason"]}</label>\n'
                f'<textarea name="reason" id="refuse-reason-{pk}" rows="2" class="form-control mb-2" '
                f'required aria-describedby="refuse-help-{pk}"></textarea>\n'
                f'<div id="refuse-help-{pk}" class="form-text mb-2">{words["reason_help"]}</div>\n'
                '<button type="submit" class="btn btn-outline-danger">'
                f"{esc(refuse % {'code': d.code})}</button>\n"
                "</form>\n"
            )
        items.append(
            f'<article class="border rounded p-3 mb-3 queue-item" aria-labelledby="dossier-{pk}-title">\n'
            f'<h2 id="dossier-{pk}-title" class="h5">{code} – {esc(d.procedure_name)}</h2>\n'
            f'<dl class="row small mb-2">\n{"".join(facts)}</dl>\n'
            '<div class="table-responsive" tabindex="0">\n<table class="table table-sm align-middle">\n'
            f"<caption>{words['files']}</caption>\n<thead>\n<tr>\n"
            f'<th scope="col">{words["document"]}</th>\n<th scope="col">{words["file"]}</th>\n'
            f"</tr>\n</thead>\n<tbody>\n{files}</tbody>\n</table>\n</div>\n"
            f'<div class="d-flex flex-wrap gap-3 align-items-start">\n{"".join(buttons)}</div>\n'
            "</article>\n"
        )
    return mark_safe("".join(items))  # noqa: S308  # nosec B308 B703


def intake_waiting_rows(dossiers) -> SafeString:
    """The ``<tr>`` of each online submission sent back for a supplement before acceptance
    (``dossiers/desk/online_queue.html``): the request asked at intake, and the refusal link when
    the service would accept it (``dossier.allowed``); ``dossiers`` are rows of
    ``dossiers.online_queue``."""
    refuse_url = esc(reverse("dossiers:desk_refuse_intake", args=["CODE"]))
    refuse = _("Từ chối %(code)s")
    rows = []
    for d in dossiers:
        code = esc(d.code)
        asked = "".join(
            f"{format_date_time(r.requested_at)}: {'; '.join(esc(i) for i in r.items)}"
            for r in d.supplement_requests.all()
            if r.at_intake
        )
        action = (
            f'<a href="{refuse_url.replace("CODE", esc(quote(d.code)))}">{esc(refuse % {"code": d.code})}</a>'
            if "refuse_intake" in d.allowed
            else ""
        )
        rows.append(
            f"<tr>\n<td>{code}</td>\n<td>{esc(d.procedure_name)}</td>\n<td>{esc(d.applicant_name)}</td>\n"
            f"<td>{asked}</td>\n<td>{action}</td>\n</tr>\n"
        )
    return mark_safe("".join(rows))  # noqa: S308  # nosec B308 B703


def _feedback(errors) -> str:
    return "".join(f'<div class="invalid-feedback d-block">{esc(error)}</div>' for error in errors)


def _count_cell(field) -> str:
    """``dossiers/desk/_count_cell.html``: a number of copies, its label for screen readers."""
    invalid = " is-invalid" if field.errors else ""
    return (
        f'<label class="visually-hidden" for="{esc(field.id_for_label)}">{esc(field.label)}</label>\n'
        f"{widget_html(field, 'form-control form-control-sm' + invalid)}\n{_feedback(field.errors)}"
    )


def _files_cell(field) -> str:
    invalid = " is-invalid" if field.errors else ""
    return (
        f'<label class="visually-hidden" for="{esc(field.id_for_label)}">{esc(field.label)}</label>\n'
        f"{widget_html(field, 'form-control form-control-sm' + invalid)}\n{_feedback(field.errors)}"
    )


def intake_document_rows(form) -> SafeString:
    """The ``<tr>`` of each required document of the desk intake form
    (``dossiers/desk/intake.html``): ticked as received, the originals and copies counted, the
    scans, and the papers of the applicant's store it could reuse."""
    rows = form.document_rows()
    if not rows:
        return mark_safe(  # noqa: S308  # nosec B308 B703
            f'<tr><td colspan="5">{esc(_("Thủ tục chưa có danh mục thành phần hồ sơ."))}</td></tr>'
        )
    mandatory = f'<span class="badge text-bg-light border">{esc(_("bắt buộc"))}</span>'
    case_text = _("Trường hợp: %(case)s")
    reuse_legend = esc(_("Hoặc dùng lại bản trong kho dữ liệu của người nộp (không cần nộp bản giấy):"))
    out = []
    for n, row in enumerate(rows, 1):
        document, received, files = row["document"], row["received"], row["files"]
        case = (
            f'<div class="small text-body-secondary">{case_text % {"case": esc(document.case)}}</div>'
            if document.case
            else ""
        )
        reuse = ""
        if row["reuse"]:
            choices = "".join(
                f'<div class="form-check">{choice.tag()}<label class="form-check-label" '
                f'for="{esc(choice.id_for_label)}">{esc(choice.choice_label)}</label></div>'
                for choice in row["reuse"]
            )
            reuse = (
                f'\n<fieldset class="reuse mt-1 small">\n<legend class="fs-6 small fw-semibold mb-0">'
                f"{reuse_legend}</legend>\n{choices}\n</fieldset>"
            )
        out.append(
            f"<tr>\n<td>{n}</td>\n"
            f'<th scope="row" class="fw-normal">\n<div class="form-check">\n'
            f"{widget_html(received, 'form-check-input' + (' is-invalid' if received.errors else ''))}\n"
            f'<label class="form-check-label" for="{esc(received.id_for_label)}">\n'
            f"{esc(document.name)}\n{mandatory if document.mandatory else ''}\n</label>\n"
            f"{case}\n{_feedback(received.errors)}\n</div>{reuse}\n</th>\n"
            f"<td>{_count_cell(row['originals'])}</td>\n"
            f"<td>{_count_cell(row['copies'])}</td>\n"
            f"<td>\n{_files_cell(files)}\n</td>\n</tr>\n"
        )
    return mark_safe("".join(out))  # noqa: S308  # nosec B308 B703 (every value escaped above)
