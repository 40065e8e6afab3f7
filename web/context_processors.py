from django.conf import settings


def site(request):
    return {"center_name": settings.HCC_CENTER_NAME}
