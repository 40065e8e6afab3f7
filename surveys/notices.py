"""What the sender of a feedback item is told. The one function the integrator switches to the
notifications outbox once it is merged; until then it sends an e-mail with ``send_mail``."""

from django.conf import settings
from django.core.mail import send_mail
from django.utils.translation import gettext as _

from surveys.models import Feedback


def feedback_answered(feedback: Feedback) -> None:
    """Called on commit after a feedback item was answered."""
    if not feedback.sender_email:
        return  # SMS goes through the outbox once it is merged (see docs/notes.md)
    send_mail(
        subject=_("Trả lời phản ánh, kiến nghị %(code)s") % {"code": feedback.code},
        message=_("Phản ánh của bạn: %(title)s\n\nTrả lời:\n%(answer)s")
        % {"title": feedback.title, "answer": feedback.answer},
        from_email=settings.DEFAULT_FROM_EMAIL,
        recipient_list=[feedback.sender_email],
    )
