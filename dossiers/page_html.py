"""The dossier page's own blocks (``dossiers/review/detail.html``), written in Python as ready HTML.

Through the template language the page's body was about half of its Python time (issue 25): some
55 ``{% translate %}`` tags, a variable lookup and an ``{% if %}`` for each fact, the steps' and
the timeline's loops, the action panel's include. Here each block is a few f-strings: every value
is escaped (``esc``), a ``{% translate %}`` is ``words[...]`` (looked up once a process and
language), a ``{% blocktranslate %}`` its message with the escaped values put in, the dates
formatted by ``web.numbers``. The HTML is the template's (whitespace aside:
tests/dossiers/test_page_html.py renders the former templates beside it). The other apps' blocks
(papers and fees, payments, digitisation, national sync) stay their template tags.
"""

from django.template.backends.utils import csrf_input
from django.template.defaultfilters import filesizeformat, floatformat, linebreaksbr
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from accounts.phones import display_phone
from dossiers.models import IdKind
from dossiers.rows import esc
from web.money import format_vnd
from web.numbers import format_date_time

_WORDS: dict[str, "Words"] = {}


class Words(dict):
    """``{% translate "…" %}`` of one language: ``words[msgid]`` is the translation, looked up once
    a process (translations change only with a release, which restarts the processes). Not
    escaped: the template language takes a literal's translation as safe, and so is it here."""

    def __missing__(self, msgid: str) -> str:
        text = self[msgid] = str(_(msgid))
        return text


def words() -> Words:
    language = get_language()
    found = _WORDS.get(language)
    if found is None:
        found = _WORDS[language] = Words()
    return found


def _num(value) -> str:
    """An integer as ``{{ value }}`` prints it (grouped past 999)."""
    return str(value) if -1000 < value < 1000 else esc(formats.localize(value))


def _time(moment) -> str:
    """``<time datetime="ISO">14:30 07/12/2026</time>`` in local time (``|date:'c'``, ``|date_time``)."""
    local = timezone.localtime(moment)
    return f'<time datetime="{local.isoformat()}">{esc(format_date_time(local))}</time>'


def _lines(text) -> str:
    """``{{ text|linebreaksbr }}``."""
    return linebreaksbr(text, autoescape=True)


def header(dossier, urgency: str, urgency_badge: str) -> str:
    """The page's ``<header>``: procedure, code, status, urgency and its alert."""
    w = words()
    procedure = dossier.procedure
    out = [
        '<header class="mb-4">\n<p class="text-body-secondary mb-1">',
        _("Thủ tục %(code)s: %(name)s") % {"code": esc(procedure.code), "name": esc(procedure.name)},
        '</p>\n<h1 id="dossier-title" class="h2">',
        _("Hồ sơ %(code)s") % {"code": esc(dossier.code)},
        '</h1>\n<p class="mb-2 d-flex flex-wrap gap-2 align-items-center">\n'
        '<span class="badge text-bg-primary fs-6 dossier-status">',
        esc(dossier.get_status_display()),
        '</span>\n<span class="small">',
        _("Mã trạng thái: %(n)s") % {"n": _num(dossier.status_code)},
        f"</span>\n{urgency_badge}\n</p>\n",
    ]
    if urgency in ("overdue", "due_today", "due_soon"):
        kind = "alert-danger" if urgency == "overdue" else "alert-warning"
        if urgency == "overdue":
            said = w[N_("Hồ sơ đã quá hạn trả kết quả.")]
        elif urgency == "due_today":
            said = w[N_("Hồ sơ đến hạn trả kết quả trong hôm nay.")]
        else:
            said = w[N_("Hồ sơ sắp trễ hạn: còn dưới một ngày làm việc.")]
        if dossier.promised_at:
            then = _("Đã có văn bản xin lỗi, hẹn lại trả kết quả lúc %(date)s.") % {
                "date": esc(format_date_time(dossier.promised_at))
            }
        else:
            then = w[N_("Cơ quan giải quyết cần gửi văn bản xin lỗi và hẹn lại ngày trả kết quả.")]
        out.append(
            f'<div class="alert {kind} border-2 mb-0" role="status">\n'
            f"<strong>{said}</strong>\n{then}\n</div>\n"
        )
    out.append("</header>\n")
    return "".join(out)


def action_panel(actions, request) -> str:
    """The panel of what the signed-in person may do (``views.review.panel.available_actions``)."""
    w = words()
    out = [
        '<section class="border rounded p-3 bg-light mb-4 no-print" aria-labelledby="actions-title">\n'
        f'<h2 id="actions-title" class="h5">{w[N_("Việc bạn có thể làm")]}</h2>\n'
    ]
    if actions:
        out.append('<ul class="list-unstyled d-grid gap-2 mb-0">\n')
        token = None
        for entry in actions:
            if not entry.href:
                continue
            step = ""
            if entry.step:
                label = _("Bước %(order)s: %(name)s") % {
                    "order": _num(entry.step.order),
                    "name": esc(entry.step.name),
                }
                step = f'<span class="d-block small fw-normal">{label}</span>'
            href = esc(entry.href)
            if entry.method == "post":
                if token is None:
                    token = csrf_input(request)
                kind = "btn-outline-danger" if entry.danger else "btn-primary"
                out.append(
                    f'<li>\n<form method="post" action="{href}">\n{token}\n'
                    f'<button type="submit" class="btn {kind} w-100 text-start">\n'
                    f"{esc(entry.label)}{step}\n</button>\n</form>\n</li>\n"
                )
            else:
                kind = "btn-outline-danger" if entry.danger else "btn-outline-primary"
                out.append(
                    f'<li>\n<a class="btn {kind} w-100 text-start" href="{href}">\n'
                    f"{esc(entry.label)}{step}\n</a>\n</li>\n"
                )
        out.append("</ul>\n")
    else:
        out.append(
            f'<p class="mb-0">{w[N_("Hiện không có thao tác nào bạn cần thực hiện với hồ sơ này.")]}</p>\n'
        )
    out.append("</section>\n")
    return "".join(out)


def _fact(w: Words, label: str, value: str, dd: str = "col-sm-8") -> str:
    return f'<dt class="col-sm-4">{w[label]}</dt>\n<dd class="{dd}">{value}</dd>\n'


def facts(dossier, urgency_badge: str, promised_badge: str) -> str:
    """The "Thông tin hồ sơ" section."""
    w = words()
    procedure = dossier.procedure
    out = [
        '<section class="mb-4" aria-labelledby="facts-title">\n'
        f'<h2 id="facts-title" class="h4">{w[N_("Thông tin hồ sơ")]}</h2>\n'
        '<dl class="row procedure-facts">\n',
        _fact(w, N_("Mã hồ sơ"), esc(dossier.code)),
        _fact(w, N_("Trạng thái"), f"{esc(dossier.get_status_display())} ({_num(dossier.status_code)})"),
        _fact(w, N_("Thủ tục"), f"{esc(procedure.code)} – {esc(procedure.name)}"),
        _fact(w, N_("Cơ quan giải quyết"), esc(dossier.resolving_agency.name)),
        _fact(w, N_("Nơi tiếp nhận"), esc(dossier.intake_office.name)),
        _fact(w, N_("Kênh nộp"), esc(dossier.get_channel_display())),
    ]
    if dossier.submitted_at:
        out.append(_fact(w, N_("Nộp lúc"), _time(dossier.submitted_at)))
    if dossier.received_at:
        out.append(_fact(w, N_("Tiếp nhận lúc"), _time(dossier.received_at)))
    if dossier.due_at:
        due = f"\n{_time(dossier.due_at)}\n{urgency_badge}\n"
    else:
        due = f"\n{w[N_('Chưa có (hồ sơ chưa được tiếp nhận)')]}\n"
    out.append(_fact(w, N_("Hẹn trả kết quả"), due))
    if dossier.promised_at:
        out.append(
            _fact(w, N_("Hẹn lại (văn bản xin lỗi)"), f"\n{_time(dossier.promised_at)}\n{promised_badge}\n")
        )
    if dossier.paused_at:
        out.append(_fact(w, N_("Tạm dừng tính thời hạn từ"), _time(dossier.paused_at)))
    if dossier.result_ready_at:
        out.append(_fact(w, N_("Có kết quả lúc"), _time(dossier.result_ready_at)))
    if dossier.result_note:
        out.append(_fact(w, N_("Kết quả giải quyết"), _lines(dossier.result_note)))
    if dossier.result_signed_by:
        out.append(_fact(w, N_("Người ký kết quả"), esc(dossier.result_signed_by.display_name)))
    if dossier.returned_at:
        returned = [f"\n{_time(dossier.returned_at)}\n"]
        if dossier.returned_to:
            name = _("Người nhận: %(name)s") % {"name": esc(dossier.returned_to)}
            returned.append(f'<div class="small">{name}</div>')
        returned.append("\n")
        if dossier.postal_tracking:
            number = _("Số hiệu bưu gửi: %(number)s") % {"number": esc(dossier.postal_tracking)}
            returned.append(f'<div class="small">{number}</div>')
        returned.append("\n")
        out.append(_fact(w, N_("Trả kết quả lúc"), "".join(returned)))
    if dossier.closing_reason:
        out.append(_fact(w, N_("Lý do từ chối, dừng, rút"), _lines(dossier.closing_reason)))
    out.append("</dl>\n</section>\n")
    return "".join(out)


def obligations_block(obligations) -> str:
    """The financial obligations section ("" when there are none)."""
    if not obligations:
        return ""
    w = words()
    out = [
        '<section aria-labelledby="obligations-title" class="mt-3">\n'
        f'<h2 id="obligations-title" class="h5">{w[N_("Nghĩa vụ tài chính")]}</h2>\n'
        '<p class="small text-body-secondary">'
        + w[
            N_(
                "Nộp vào ngân sách nhà nước theo thông báo của cơ quan thuế, không phải phí, lệ phí thu "
                "tại bộ phận một cửa. Thời gian chờ nộp không tính vào thời hạn giải quyết."
            )
        ]
        + '</p>\n<ul class="list-unstyled obligations">\n'
    ]
    for obligation in obligations:
        notice = _("Thông báo số %(number)s của %(authority)s") % {
            "number": esc(obligation.notice_number),
            "authority": esc(obligation.issuing_authority),
        }
        if obligation.due_date:
            notice += " · " + _("hạn nộp %(date)s") % {"date": esc(obligation.due_date.strftime("%d/%m/%Y"))}
        note = f'<div class="small">{_lines(obligation.note)}</div>' if obligation.note else ""
        if obligation.is_paid:
            paid = _("Đã nộp: chứng từ %(proof)s, xác nhận lúc %(date)s") % {
                "proof": esc(obligation.payment_proof),
                "date": esc(format_date_time(obligation.confirmed_at)),
            }
        else:
            paid = f'<span class="badge text-bg-warning">{w[N_("Chưa nộp")]}</span>'
        out.append(
            '<li class="border rounded p-2 mb-2">\n'
            f"<strong>{esc(obligation.get_kind_display())}: {esc(format_vnd(obligation.amount))}</strong>\n"
            f'<div class="small">{notice}</div>\n{note}\n<div class="small">{paid}</div>\n</li>\n'
        )
    out.append("</ul>\n</section>\n")
    return "".join(out)


def applicant(dossier, id_number: str, show_contact: bool) -> str:
    """The "Người nộp hồ sơ" section."""
    w = words()
    out = [
        '<section class="mb-4" aria-labelledby="applicant-title">\n'
        f'<h2 id="applicant-title" class="h4">{w[N_("Người nộp hồ sơ")]}</h2>\n'
        '<dl class="row procedure-facts">\n',
        _fact(w, N_("Họ và tên"), esc(dossier.applicant_name)),
    ]
    if dossier.organisation_name:
        tax = ""
        if dossier.tax_code:
            tax = " (" + _("MST %(code)s") % {"code": esc(dossier.tax_code)} + ")"
        out.append(_fact(w, N_("Tổ chức"), esc(dossier.organisation_name) + tax))
    if id_number:
        label = N_("Số hộ chiếu") if dossier.id_kind == IdKind.PASSPORT else N_("Số định danh cá nhân (CCCD)")
        value = esc(id_number)
        if dossier.nationality:
            value += f" ({w[N_('quốc tịch')]} {esc(dossier.nationality)})"
        out.append(_fact(w, label, value, dd="col-sm-8 applicant-id"))
    if show_contact:
        if dossier.phone:
            phone = f'<a href="tel:{esc(dossier.phone)}">{esc(display_phone(dossier.phone))}</a>'
        else:
            phone = "—"
        out += [
            _fact(w, N_("Số điện thoại"), phone),
            _fact(w, N_("Email"), esc(dossier.email) if dossier.email else "—"),
            _fact(w, N_("Địa chỉ"), esc(dossier.address)),
        ]
    method = esc(dossier.get_return_method_display())
    if show_contact and dossier.return_address:
        method += f": {esc(dossier.return_address)}"
    out.append(_fact(w, N_("Nhận kết quả"), method))
    if dossier.request_summary:
        out.append(_fact(w, N_("Nội dung yêu cầu"), _lines(dossier.request_summary)))
    out.append(_fact(w, N_("Số bộ hồ sơ"), _num(dossier.sets_count)))
    out.append("</dl>\n</section>\n")
    return "".join(out)


def documents_received(rows) -> str:
    """The papers received at the desk (``dossiers/_documents_received.html``'s table)."""
    w = words()
    if not rows:
        return (
            "<p>"
            + w[
                N_(
                    "Không có giấy tờ giấy nào được ghi nhận "
                    "(hồ sơ nộp bằng tệp điện tử hoặc chưa tiếp nhận)."
                )
            ]
            + "</p>\n"
        )
    body = "".join(
        f'<tr>\n<td>{esc(row.name)}</td>\n<td class="text-end">{_num(row.originals)}</td>\n'
        f'<td class="text-end">{_num(row.copies)}</td>\n</tr>\n'
        for row in rows
    )
    return (
        '<div class="table-responsive" tabindex="0">\n<table class="table table-sm align-middle">\n'
        '<caption class="visually-hidden">'
        + w[N_("Giấy tờ đã nhận tại bộ phận một cửa, số bản chính và bản sao")]
        + "</caption>\n<thead>\n<tr>\n"
        f'<th scope="col">{w[N_("Tên giấy tờ")]}</th>\n'
        f'<th scope="col" class="text-end">{w[N_("Bản chính")]}</th>\n'
        f'<th scope="col" class="text-end">{w[N_("Bản sao")]}</th>\n'
        f"</tr>\n</thead>\n<tbody>\n{body}</tbody>\n</table>\n</div>\n"
    )


def files(file_groups, user) -> str:
    """The "Tệp hồ sơ" section's groups of files."""
    w = words()
    if not file_groups:
        return f"<p>{w[N_('Hồ sơ chưa có tệp nào.')]}</p>\n"
    staff = user.is_staff_member or user.is_superuser
    file_url = esc(reverse("dossiers:file", args=[987654321]))
    preview_url = esc(reverse("dossiers:file_preview", args=[987654321]))
    original = w[N_("bản chính")]
    uploaded = w[N_("tải lên lúc")]
    out = []
    for kind, group in file_groups:
        out.append(f'<h3 class="h6 mt-3">{esc(kind.label)}</h3>\n<ul class="dossier-files">\n')
        for f in group:
            pk = str(f.pk)
            name = esc(f.original_name)
            preview = ""
            if f.previewable and staff:
                see = _('Xem<span class="visually-hidden"> %(name)s</span>') % {"name": name}
                preview = f'· <a href="{preview_url.replace("987654321", pk)}">{see}</a>'
            out.append(
                f'<li>\n<a href="{file_url.replace("987654321", pk)}">{name}</a>\n{preview}\n'
                f'<span class="small text-body-secondary">({esc(filesizeformat(f.size))}'
                f"{', ' + original if f.is_original else ''}, {uploaded} {_time(f.uploaded_at)})"
                "</span>\n</li>\n"
            )
        out.append("</ul>\n")
    return "".join(out)


def steps(step_groups) -> str:
    """The "Các bước xử lý" section's table (or its note when there are no steps yet)."""
    w = words()
    if not step_groups:
        return f"<p>{w[N_('Các bước xử lý được lập khi hồ sơ được tiếp nhận.')]}</p>\n"
    parallel = f'<span class="badge text-bg-light border">{w[N_("song song")]}</span>'
    out = [
        '<div class="table-responsive" tabindex="0">\n'
        '<table class="table table-sm align-middle dossier-steps">\n'
        '<caption class="visually-hidden">'
        + w[N_("Các bước xử lý hồ sơ; các bước cùng thứ tự được thực hiện song song")]
        + "</caption>\n<thead>\n<tr>\n"
    ]
    for label in (
        N_("Bước"),
        N_("Nội dung, cơ quan"),
        N_("Trạng thái"),
        N_("Hạn xử lý"),
        N_("Người xử lý"),
        N_("Ý kiến xử lý"),
    ):
        out.append(f'<th scope="col">{w[label]}</th>\n')
    out.append("</tr>\n</thead>\n")
    for order, rows in step_groups:
        many = len(rows) > 1
        out.append(f'<tbody class="{"border-start border-4" if many else ""}">\n')
        for row in rows:
            step = row.step
            due = _time(step.due_at) if step.due_at else "—"
            claimed = esc(step.claimed_by.display_name) if step.claimed_by else "—"
            note = _lines(step.note) or "—"
            out.append(
                f'<tr>\n<th scope="row">\n{_num(order)}\n{parallel if many else ""}\n</th>\n'
                f"<td>{esc(step.name)}"
                f'<div class="small text-body-secondary">{esc(step.agency.name)}</div></td>\n'
                f"<td>{esc(step.get_status_display())}</td>\n<td>\n{due}\n{row.badge}\n</td>\n"
                f"<td>{claimed}</td>\n<td>{note}</td>\n</tr>\n"
            )
        out.append("</tbody>\n")
    out.append("</table>\n</div>\n")
    return "".join(out)


def supplements(pairs) -> str:
    """The supplement requests section ("" when there are none)."""
    if not pairs:
        return ""
    w = words()
    out = [
        '<section class="mb-4" aria-labelledby="supplements-title">\n'
        f'<h2 id="supplements-title" class="h4">{w[N_("Yêu cầu bổ sung")]}</h2>\n'
    ]
    for request, step in pairs:
        asked = _("Yêu cầu lúc %(date)s") % {"date": esc(format_date_time(request.requested_at))}
        where = f" – {esc(step.agency.name)}" if step else ""
        items = "".join(f"<li>{esc(item)}</li>" for item in request.items)
        if request.supplied_at:
            note = f"– {esc(request.supplied_note)}" if request.supplied_note else ""
            state = (
                '<p class="mb-0">\n<span class="badge text-bg-success"><span aria-hidden="true">✓ </span>'
                f"{w[N_('Đã bổ sung')]}</span>\n{_time(request.supplied_at)}\n{note}\n</p>\n"
            )
        else:
            state = (
                '<p class="mb-0"><span class="badge text-bg-warning border border-dark">'
                f"{w[N_('Chưa bổ sung')]}</span></p>\n"
            )
        out.append(
            '<div class="border rounded p-3 mb-3 supplement-request">\n<p class="mb-2">\n'
            f'{asked}{where}\n</p>\n<ol class="mb-2">\n{items}\n</ol>\n{state}</div>\n'
        )
    out.append("</section>\n")
    return "".join(out)


def timeline(rows) -> str:
    """The "Quá trình giải quyết" section."""
    w = words()
    out = [
        '<section class="mb-4" aria-labelledby="timeline-title">\n'
        f'<h2 id="timeline-title" class="h4">{w[N_("Quá trình giải quyết")]}</h2>\n'
        '<div class="table-responsive" tabindex="0">\n'
        '<table class="table table-sm align-middle dossier-timeline">\n'
        f'<caption class="visually-hidden">{w[N_("Nhật ký hồ sơ, theo thời gian")]}</caption>\n'
        "<thead>\n<tr>\n"
    ]
    for label in (N_("Thời gian"), N_("Thao tác"), N_("Người thực hiện"), N_("Cơ quan"), N_("Ghi chú")):
        out.append(f'<th scope="col">{w[label]}</th>\n')
    out.append("</tr>\n</thead>\n<tbody>\n")
    system = w[N_("Hệ thống")]
    for row in rows:
        event = row.event
        status = _("→ %(status)s") % {"status": esc(row.status_label)}
        actor = esc(event.actor.display_name) if event.actor else system
        agency = esc(event.agency.name) if event.agency else "—"
        note = [_lines(event.note) if event.note else "", "\n"]
        if row.items:
            note.append(
                '<ul class="mb-0">' + "".join(f"<li>{esc(item)}</li>" for item in row.items) + "</ul>"
            )
        note.append("\n")
        if row.amount:
            note.append(
                "<div>" + _("Số tiền: %(amount)s") % {"amount": esc(format_vnd(row.amount))} + "</div>"
            )
        note.append("\n")
        if row.paused_hours is not None:
            hours = floatformat(row.paused_hours, "-1")
            paused = _("Tạm dừng tính thời hạn: %(hours)s giờ làm việc") % {"hours": esc(hours)}
            if row.due_at:
                paused += "; " + _("hạn mới %(date)s") % {"date": esc(format_date_time(row.due_at))}
            note.append(f"<div>{paused}</div>")
        note.append("\n")
        if row.new_date:
            note.append(
                "<div>" + _("Hẹn lại: %(date)s") % {"date": esc(format_date_time(row.new_date))} + "</div>"
            )
        out.append(
            f'<tr>\n<td class="text-nowrap">{_time(event.at)}</td>\n'
            f'<td>{esc(row.label)}<div class="small text-body-secondary">{status}</div></td>\n'
            f"<td>{actor}</td>\n<td>{agency}</td>\n<td>\n{''.join(note)}\n</td>\n</tr>\n"
        )
    out.append("</tbody>\n</table>\n</div>\n</section>\n")
    return "".join(out)


def page(context: dict, request) -> dict[str, SafeString]:
    """The page's blocks from the view's ``context``: ``top`` (header, actions, facts,
    obligations, applicant) and ``bottom`` (papers received, files, steps, supplements,
    timeline); the other apps' blocks go between them in the template."""
    dossier = context["dossier"]
    w = words()
    top = (
        header(dossier, context["urgency"], context["urgency_badge"])
        + '<div class="row">\n<div class="col-12 col-lg-4 order-lg-2">\n'
        + action_panel(context["actions"], request)
        + '</div>\n<div class="col-12 col-lg-8 order-lg-1">\n'
        + facts(dossier, context["urgency_badge"], context["promised_badge"])
        + obligations_block(context["obligations"])
        + applicant(dossier, context["id_number"], context["show_contact"])
        + "</div>\n</div>\n"
    )
    bottom = (
        '<section class="mb-4" aria-labelledby="documents-title">\n'
        f'<h2 id="documents-title" class="h4">{w[N_("Giấy tờ đã nhận")]}</h2>\n'
        + documents_received(context["documents_received"])
        + "</section>\n"
        '<section class="mb-4" aria-labelledby="files-title">\n'
        f'<h2 id="files-title" class="h4">{w[N_("Tệp hồ sơ")]}</h2>\n'
        + files(context["file_groups"], request.user)
        + "</section>\n"
        '<section class="mb-4" aria-labelledby="steps-title">\n'
        f'<h2 id="steps-title" class="h4">{w[N_("Các bước xử lý")]}</h2>\n'
        + steps(context["step_groups"])
        + "</section>\n"
        + supplements(context["supplements"])
        + timeline(context["timeline"])
    )
    return {"top": mark_safe(top), "bottom": mark_safe(bottom)}  # noqa: S308  # nosec B308 B703
