"""The document store's part in intake and results (``dossiers.extensions``): registered by
``DocumentsConfig.ready``."""

from dossiers.extensions import DossierExtension, ReuseOffer


class DocumentStore(DossierExtension):
    def offers(self, *, procedure, user=None, id_number: str = "", tax_code: str = "") -> list[ReuseOffer]:
        from documents.selectors import offers_for

        found = offers_for(procedure=procedure, user=user, id_number=id_number, tax_code=tax_code)
        return [
            ReuseOffer(key=str(stored.pk), document_id=document_id, label=stored.label)
            for document_id, papers in found.items()
            for stored in papers
        ]

    def after_intake(self, *, dossier, actor, reused: dict[int, str]) -> set[int]:
        from documents.services import intake_record

        return intake_record(dossier=dossier, actor=actor, reused=reused)

    def after_files(self, *, dossier, actor, files: list, kind: str) -> None:
        from documents.services import digitisations_record

        digitisations_record(dossier=dossier, actor=actor, files=files, kind=kind)

    def papers_changed(self, *, dossier) -> None:
        from documents.services import digitisation_marks_refresh

        digitisation_marks_refresh(dossier=dossier)

    def page_flags(self) -> dict:
        """The dossier page's digitised and reused papers: read when they exist."""
        from django.db.models import Exists, OuterRef

        from documents.models import Digitisation, DocumentReuse

        return {
            "digitisations": Exists(Digitisation.objects.filter(dossier=OuterRef("pk"))),
            "document_reuses": Exists(DocumentReuse.objects.filter(dossier=OuterRef("pk"))),
        }
