"""``{% rating_block dossier %}``: the rating form (or the rating given) on the citizen's own
dossier page."""

from django import template

from surveys.forms import RatingForm
from surveys.models import Rating

register = template.Library()


@register.inclusion_tag("surveys/_own_rating.html")
def rating_block(dossier) -> dict:
    rating = Rating.objects.filter(dossier=dossier).first()
    form = None if rating else RatingForm(auto_id=f"rate-{dossier.pk}-%s")
    return {"dossier": dossier, "rating": rating, "form": form}
