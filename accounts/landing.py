"""Where each role lands after logging in (when the login page was not sent a ``next`` page): the
page of their daily work, not their account page."""

from django.urls import reverse

from accounts.models import Role

WORK_PAGES = {
    Role.CITIZEN: "dossiers:my_dossiers",
    Role.CLERK: "dossiers:desk_intake",
    Role.POSTAL: "dossiers:desk_intake",
    Role.REVIEWER: "dossiers:inbox",
    Role.MANAGER: "dashboards:dashboard",
    Role.ADMIN: "admin:index",
}


def work_page(user) -> str:
    """The address of ``user``'s work page (a superuser without a staff role: the admin)."""
    if user.is_superuser and user.role == Role.CITIZEN:
        return reverse("admin:index")
    return reverse(WORK_PAGES.get(user.role, "accounts:home"))
