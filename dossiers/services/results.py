"""Results: approval by the last step, on-the-spot resolution, return to the applicant, and
whether a result came early, on time or late."""

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.permissions import on_the_spot_signers
from dossiers import punctuality as punctuality_rule
from dossiers import statistics
from dossiers.files import FileUpload
from dossiers.models import (
    Dossier,
    FileKind,
    ReturnMethod,
    Step,
    StepStatus,
)
from dossiers.permissions import check_action
from dossiers.services.common import (
    DossierError,
    _finish,
    _locked,
    _locked_step,
    _now,
    _require_text,
    _store_files,
    _transition,
)
from dossiers.workflow import Action


@transaction.atomic
def step_approve(
    *, actor: User, step: Step, result_note: str, files: list[FileUpload] | None = None
) -> Dossier:
    """The last step approves: the result is ready."""
    result_note = _require_text(result_note, "result_note", _("Vui lòng ghi kết quả giải quyết."))
    dossier, step = _locked_step(step)
    to = check_action(actor=actor, dossier=dossier, action=Action.APPROVE, step=step)
    _finish(step, actor=actor, note=result_note)
    _store_files(dossier, files or [], actor=actor, kind=FileKind.RESULT)
    dossier.result_note = result_note
    dossier.result_ready_at = _now()
    _transition(dossier, to, actor=actor, action=Action.APPROVE, note=result_note, step=step)
    return dossier


@transaction.atomic
def dossier_return(
    *,
    actor: User,
    dossier: Dossier,
    collected_by: str = "",
    id_checked: bool = False,
    postal_tracking: str = "",
) -> Dossier:
    """The desk hands the result over: at the counter (who collected it, ID checked) or by post
    (tracking number)."""
    dossier = _locked(dossier)
    to = check_action(actor=actor, dossier=dossier, action=Action.RETURN_RESULT)
    if dossier.return_method == ReturnMethod.POST:
        postal_tracking = _require_text(
            postal_tracking, "postal_tracking", _("Vui lòng nhập số hiệu bưu gửi.")
        )
    elif dossier.return_method == ReturnMethod.COUNTER:
        collected_by = _require_text(collected_by, "collected_by", _("Vui lòng ghi người nhận kết quả."))
        if not id_checked:
            raise DossierError({"id_checked": [_("Cần kiểm tra giấy tờ tùy thân của người nhận.")]})
    dossier.returned_at = _now()
    dossier.closed_at = dossier.returned_at
    dossier.returned_to = collected_by.strip()
    dossier.postal_tracking = postal_tracking.strip()
    _transition(
        dossier,
        to,
        actor=actor,
        action=Action.RETURN_RESULT,
        collected_by=dossier.returned_to,
        postal_tracking=dossier.postal_tracking,
        id_checked=id_checked,
    )
    return dossier


@transaction.atomic
def dossier_resolve_on_the_spot(
    *, actor: User, dossier: Dossier, result_note: str, signed_by: User | None = None
) -> Dossier:
    """On-the-spot procedures: the clerk who received the dossier records the result at the desk,
    signed by a person authorised for that procedure at that desk (``signed_by``; the clerk
    themselves when omitted, if they hold the authority). Decree 61/2018 art. 15 as amended by
    Decree 107/2021: the result resolved on the spot is signed by the competent person there."""
    result_note = _require_text(result_note, "result_note", _("Vui lòng ghi kết quả giải quyết."))
    dossier = _locked(dossier)
    to = check_action(actor=actor, dossier=dossier, action=Action.APPROVE_ON_THE_SPOT)
    signer = signed_by or actor
    if (
        not on_the_spot_signers(procedure=dossier.procedure, office=dossier.intake_office)
        .filter(pk=signer.pk)
        .exists()
    ):
        raise DossierError(
            {
                "signed_by": [
                    _("%(name)s không được ủy quyền ký kết quả thủ tục này tại bộ phận một cửa %(office)s.")
                    % {"name": signer.display_name, "office": dossier.intake_office.name}
                ]
            }
        )
    at = _now()
    for step in dossier.steps.exclude(status=StepStatus.DONE):
        step.status = StepStatus.DONE
        step.finished_at = at
        step.finished_by = signer
        step.save()
    dossier.result_note = result_note
    dossier.result_ready_at = at
    dossier.result_signed_by = signer
    # the result handed over at the desk on paper: no file (``dossiers.extensions``)
    _store_files(dossier, [], actor=actor, kind=FileKind.RESULT)
    _transition(
        dossier,
        to,
        actor=actor,
        action=Action.APPROVE_ON_THE_SPOT,
        note=result_note,
        signed_by=signer.display_name,
        signed_by_id=signer.pk,
    )
    return dossier


def punctuality(dossier: Dossier) -> str | None:
    """early / on_time / late for a resolved dossier with a due date (``dossiers.punctuality``),
    else None."""
    if not dossier.due_at:
        return None
    return punctuality_rule.outcome(dossier.result_ready_at, dossier.due_at)


@transaction.atomic
def dossier_note_opinion(*, dossier: Dossier, unsatisfied: bool = False, feedback: bool = False) -> Dossier:
    """What the citizen said of the service, for Decision 766's satisfaction index: an unsatisfied
    rating, or a feedback item about this dossier (called by ``surveys`` in the transaction that
    records it). Marks are never taken back; the statistics' rollup moves in this transaction. Not
    a move of the dossier, so no event (the rating or the feedback item is the record)."""
    dossier = _locked(dossier)
    changed = []
    if unsatisfied and not dossier.rated_unsatisfied:
        dossier.rated_unsatisfied = True
        changed.append("rated_unsatisfied")
    if feedback and not dossier.has_feedback:
        dossier.has_feedback = True
        changed.append("has_feedback")
    if changed:
        statistics.dossier_changed(dossier)
        dossier.save(update_fields=[*changed, "updated_at"])
    return dossier


DIGITISATION_MARKS = ("papers_digitised", "result_digitised", "papers_reused")


@transaction.atomic
def dossier_note_digitisation(
    *, dossier: Dossier, papers_digitised: bool, result_digitised: bool, papers_reused: bool
) -> Dossier:
    """Whether the dossier's papers and its result are digital and whether it reused stored papers,
    as ``documents`` reads them from its records (Decision 766/QĐ-TTg group 6; called in the
    transaction that changes those records). The stored row moves, the statistics' rollup with
    it, and ``dossier`` (the caller's instance, which it may save again later) gets the same marks.
    Unlike the opinions, a mark can be taken back (a result's signature revoked). No event: the
    digitisation and reuse rows are the record."""
    marks = {
        "papers_digitised": bool(papers_digitised),
        "result_digitised": bool(result_digitised),
        "papers_reused": bool(papers_reused),
    }
    stored = Dossier.objects.filter(pk=dossier.pk)
    now = stored.values(*DIGITISATION_MARKS).get()
    changed = {name: value for name, value in marks.items() if now[name] != value}
    if changed:
        statistics.bulk_change(stored, **changed)
    for name, value in marks.items():
        setattr(dossier, name, value)
    return dossier
