"""Collected static files are readable by every user: the image collects them as root and serves
them as the unprivileged ``hcc`` (uploads stay 0640)."""

import stat

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages


def test_static_files_are_world_readable_and_uploads_are_not(tmp_path):
    config = settings.STORAGES["staticfiles"]
    static = storages.create_storage(
        {
            "BACKEND": config["BACKEND"],
            "OPTIONS": {**config.get("OPTIONS", {}), "location": tmp_path / "static"},
        }
    )
    name = static.save("css/site.css", ContentFile(b"body{}"))
    assert stat.S_IMODE((tmp_path / "static" / name).stat().st_mode) == 0o644
    assert stat.S_IMODE((tmp_path / "static" / "css").stat().st_mode) == 0o755

    uploads = storages.create_storage(
        {"BACKEND": settings.STORAGES["default"]["BACKEND"], "OPTIONS": {"location": tmp_path / "media"}}
    )
    name = uploads.save("scan.pdf", ContentFile(b"%PDF-1.4"))
    assert stat.S_IMODE((tmp_path / "media" / name).stat().st_mode) == 0o640
