"""A post that must take effect once: the answer kept for a repeat."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class SubmittedRequest(models.Model):
    """A post that must take effect once (``dossiers/once.py``): an intake form's one-time token, or
    an API call's ``Idempotency-Key``, with the answer it got, so a repeat (a double click, a
    retried request) gets that answer instead of doing it again. Kept 24 hours."""

    class Kind(models.TextChoices):
        FORM = "form", _("biểu mẫu")
        API = "api", _("API")

    kind = models.CharField(max_length=8, choices=Kind.choices)
    # The form's token, or "<user id>:<Idempotency-Key>" (keys are the client's: one per user).
    key = models.CharField(max_length=300)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    # What was posted (method, path and, for JSON, the body's digest): a key reused for another
    # request is refused.
    fingerprint = models.CharField(max_length=64, blank=True)
    status_code = models.PositiveSmallIntegerField(default=0)
    location = models.CharField(max_length=2000, blank=True)
    body = models.BinaryField(blank=True, default=b"")
    content_type = models.CharField(max_length=100, blank=True)
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["kind", "key"], name="submitted_request_once")]

    def __str__(self) -> str:
        return f"{self.kind} {self.key} → {self.status_code}"
