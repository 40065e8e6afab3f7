"""Dossiers (hồ sơ), their files, routed steps and the append-only event log.

One module per entity; every name is importable from ``dossiers.models`` as before (migrations
name ``dossiers.models.dossier_file_path``)."""

from dossiers.models.counters import DossierCounter, RegisterCounter
from dossiers.models.dossier import (
    ApplicantKind,
    Channel,
    Dossier,
    DossierKey,
    IdKind,
    ReturnMethod,
    applicant_search_key,
    mask_id_number,
)
from dossiers.models.events import Event, EventQuerySet
from dossiers.models.files import PREVIEWABLE, DocumentReceived, DossierFile, FileKind, dossier_file_path
from dossiers.models.guidance import GuidanceKind, IntakeGuidance
from dossiers.models.obligations import FinancialObligation, ObligationKind
from dossiers.models.steps import Step, StepStatus, SupplementRequest
from dossiers.models.submitted import SubmittedRequest

__all__ = [
    "ApplicantKind",
    "Channel",
    "DocumentReceived",
    "Dossier",
    "DossierCounter",
    "DossierFile",
    "DossierKey",
    "Event",
    "EventQuerySet",
    "FileKind",
    "FinancialObligation",
    "GuidanceKind",
    "IdKind",
    "IntakeGuidance",
    "ObligationKind",
    "RegisterCounter",
    "ReturnMethod",
    "Step",
    "StepStatus",
    "SubmittedRequest",
    "SupplementRequest",
    "dossier_file_path",
    "PREVIEWABLE",
    "applicant_search_key",
    "mask_id_number",
]
