"""What the sender of a feedback item is told, through the notifications outbox: the notice rows
are written in the answering transaction and sent once it commits."""

from django.conf import settings
from django.urls import reverse

from notifications.models import Channel
from notifications.services import notification_create
from surveys.models import Feedback


def feedback_answered(feedback: Feedback) -> None:
    """Tell the sender, by SMS and e-mail where they gave them, that their feedback was answered."""
    context = {
        "code": feedback.code,
        "title": feedback.title,
        "answer": feedback.answer,
        "sender": feedback.sender_name,
        "track_url": settings.HCC_SITE_URL.rstrip("/") + reverse("surveys:feedback_track"),
        "center": settings.HCC_CENTER_NAME,
    }
    for channel, address in ((Channel.SMS, feedback.sender_phone), (Channel.EMAIL, feedback.sender_email)):
        if address:
            notification_create(
                recipient=address,
                channel=channel,
                template_code="feedback.answered",
                context=context,
                subject_ref=f"feedback:{feedback.pk}",
            )
