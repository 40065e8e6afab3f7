"""The privacy tests use the dossier tests' province and routed dossier."""

from tests.dossiers.conftest import case, world  # noqa: F401
