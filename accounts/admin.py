from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from accounts.models import AGENCY_ROLES, Consent, ContactChange, Identity, SigningAuthority, User
from accounts.phones import normalize_phone


class _StaffRulesMixin:
    """Staff of a one-stop desk or a department must belong to an agency; phones are stored
    in one form."""

    def clean_phone(self):
        phone = self.cleaned_data.get("phone", "")
        return normalize_phone(phone) if phone else ""

    def clean(self):
        data = super().clean()
        if data.get("role") in AGENCY_ROLES and not data.get("agency"):
            raise ValidationError({"agency": _("Cán bộ phải thuộc một cơ quan.")})
        return data


class StaffChangeForm(_StaffRulesMixin, UserChangeForm):
    class Meta(UserChangeForm.Meta):
        model = User


class StaffCreationForm(_StaffRulesMixin, UserCreationForm):
    class Meta(UserCreationForm.Meta):
        model = User
        fields = ["username", "full_name", "role", "agency"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = StaffChangeForm
    add_form = StaffCreationForm
    list_display = ["username", "full_name", "role", "agency", "phone", "email", "is_active"]
    list_filter = ["role", "is_active", "agency__level", "agency"]
    search_fields = ["username", "full_name", "phone", "email"]
    autocomplete_fields = ["agency"]
    fieldsets = [
        (None, {"fields": ["username", "password"]}),
        (_("Thông tin cá nhân"), {"fields": ["full_name", "phone", "email"]}),
        (_("Vai trò"), {"fields": ["role", "agency"]}),
        (_("Quyền"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Thời gian"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (
            None,
            {
                "classes": ["wide"],
                "fields": ["username", "full_name", "role", "agency", "password1", "password2"],
            },
        ),
    ]


@admin.register(Consent)
class ConsentAdmin(admin.ModelAdmin):
    """Append-only: which version of the processing notice each person agreed to, and when."""

    list_display = ["given_at", "user", "purpose", "notice_version", "dossier_code"]
    list_filter = ["purpose", "notice_version"]
    search_fields = ["user__username", "user__phone", "dossier_code"]
    list_select_related = ["user"]
    date_hierarchy = "given_at"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ContactChange)
class ContactChangeAdmin(admin.ModelAdmin):
    list_display = ["changed_at", "user", "field", "old_value", "new_value", "changed_by"]
    list_filter = ["field"]
    search_fields = ["user__username", "old_value", "new_value"]
    list_select_related = ["user", "changed_by"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Identity)
class IdentityAdmin(admin.ModelAdmin):
    """Accounts linked to a national electronic identity (VNeID). Linking a staff account is done
    here by an administrator; citizens are linked on their first VNeID login."""

    list_display = ["user", "provider", "kind", "level", "linked_at", "last_login_at"]
    list_filter = ["provider", "kind", "level"]
    search_fields = ["=id_number", "user__username", "user__full_name"]
    raw_id_fields = ["user"]
    readonly_fields = ["last_login_at"]


@admin.register(SigningAuthority)
class SigningAuthorityAdmin(admin.ModelAdmin):
    list_display = ["user", "procedure", "office", "decision", "is_active"]
    list_filter = ["is_active", "office"]
    search_fields = ["user__username", "user__full_name", "procedure__code", "procedure__name", "decision"]
    autocomplete_fields = ["procedure"]
    raw_id_fields = ["user"]
