import os
import time

from dossiers.tasks import purge_abandoned_uploads


def test_abandoned_submission_folders_are_purged(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.SESSION_COOKIE_AGE = 3600
    old = tmp_path / "tmp" / "old"
    fresh = tmp_path / "tmp" / "fresh"
    for folder in (old, fresh):
        folder.mkdir(parents=True)
        (folder / "a.pdf").write_bytes(b"%PDF-1.4")
    past = time.time() - 7200
    for path in (old / "a.pdf", old):
        os.utime(path, (past, past))
    assert purge_abandoned_uploads.delay().get() == 1  # eager in tests, as in the embedded default
    assert not old.exists()
    assert (fresh / "a.pdf").exists()
