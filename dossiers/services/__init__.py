"""Every change of a dossier: one transaction each, the dossier row locked, an Event written in
the same transaction, the move checked against ``dossiers.workflow``.

Callers import from here: ``from dossiers import services; services.dossier_receive(...)``.
"""

from dossiers.services.common import Applicant, DossierError, Intake
from dossiers.services.guidance import (
    dossier_request_intake_supplement,
    dossier_supply_intake,
    intake_guidance_record,
)
from dossiers.services.intake import (
    dossier_accept,
    dossier_receive,
    dossier_refuse_intake,
    dossier_submit,
    dossier_withdraw,
    missing_mandatory_documents,
    next_dossier_code,
    office_receives,
    procedure_accepts,
    resolving_agency_for,
)
from dossiers.services.processing import (
    dossier_apologize,
    dossier_confirm_payment,
    dossier_request_payment,
    dossier_request_supplement,
    dossier_stop,
    dossier_supply,
    step_claim,
    step_forward,
    step_refuse,
    step_send_back,
)
from dossiers.services.results import (
    dossier_note_digitisation,
    dossier_note_opinion,
    dossier_resolve_on_the_spot,
    dossier_return,
    punctuality,
    step_approve,
)

__all__ = [
    "Applicant",
    "DossierError",
    "Intake",
    "dossier_accept",
    "dossier_apologize",
    "dossier_confirm_payment",
    "dossier_receive",
    "dossier_note_digitisation",
    "dossier_note_opinion",
    "dossier_refuse_intake",
    "dossier_request_intake_supplement",
    "dossier_supply_intake",
    "intake_guidance_record",
    "dossier_request_payment",
    "dossier_request_supplement",
    "dossier_resolve_on_the_spot",
    "dossier_return",
    "dossier_stop",
    "dossier_submit",
    "dossier_supply",
    "dossier_withdraw",
    "missing_mandatory_documents",
    "next_dossier_code",
    "office_receives",
    "procedure_accepts",
    "punctuality",
    "resolving_agency_for",
    "step_approve",
    "step_claim",
    "step_forward",
    "step_refuse",
    "step_send_back",
]
