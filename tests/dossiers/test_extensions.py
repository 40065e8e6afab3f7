"""``dossiers.extensions``: the one place an app built on dossiers plugs in."""

import pytest
from django.core.exceptions import ValidationError

from dossiers import extensions, services
from dossiers.extensions import DossierExtension
from dossiers.models import Dossier, Event
from dossiers.services import Intake
from tests.factories import applicant


class Recorder(DossierExtension):
    """An app that only watches events (every other point keeps the default)."""

    def __init__(self) -> None:
        self.seen: list[tuple[str, str]] = []

    def on_event(self, event) -> None:
        self.seen.append((event.action, event.to_status))


class Refuser(DossierExtension):
    def on_event(self, event) -> None:
        raise ValidationError("refused by the extension")


@pytest.fixture
def registry(monkeypatch):
    """The registered extensions (the apps' own), restored after the test."""
    monkeypatch.setattr(extensions, "_extensions", list(extensions._extensions))
    return extensions._extensions


def _receive(world) -> Dossier:
    documents = {d.id: (1, 0) for d in world.procedure.documents.all()}
    return services.dossier_receive(
        actor=world.clerk,
        procedure=world.procedure,
        intake=Intake(applicant=applicant(), documents=documents),
    )


def test_the_apps_plug_in_at_one_place():
    kinds = {type(extension).__name__ for extension in extensions._extensions}
    assert {"DocumentStore", "NationalSync", "FeeLines"} <= kinds


def test_an_extension_sees_every_event_in_the_transaction(world, registry):
    recorder = Recorder()
    extensions.register(recorder)
    extensions.register(Recorder())  # one of a kind, however often it is registered
    dossier = _receive(world)
    assert [type(e) for e in registry].count(Recorder) == 1
    assert recorder.seen == list(Event.objects.filter(dossier=dossier).values_list("action", "to_status"))
    assert recorder.seen


def test_an_extension_that_refuses_rolls_the_action_back(world, registry):
    extensions.register(Refuser())
    with pytest.raises(ValidationError):
        _receive(world)
    assert not Dossier.objects.exists()
