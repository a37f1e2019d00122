from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline
from unfold.forms import AdminPasswordChangeForm

from account.forms import StaffChangeForm, StaffCreationForm
from account.models import Address, User
from account.roles import is_head_office, pizzerias_of
from account.services import send_set_password_email
from pizzeria.admin_mixins import BusinessAdmin, HeadOfficeWriteMixin
from pizzeria.models import StaffMembership

admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin, ModelAdmin):
    pass


class AddressInline(TabularInline):
    model = Address
    extra = 0
    fields = ["label", "line", "postcode", "city", "is_default"]


class MembershipInline(TabularInline):
    model = StaffMembership
    extra = 0
    fields = ["pizzeria", "role"]


@admin.register(User)
class UserAdmin(HeadOfficeWriteMixin, DjangoUserAdmin, BusinessAdmin):
    form = StaffChangeForm
    add_form = StaffCreationForm
    change_password_form = AdminPasswordChangeForm
    ordering = ["last_name", "first_name", "email"]
    list_display = ["email", "first_name", "last_name", "is_staff", "is_active", "last_login"]
    list_filter = ["is_staff", "is_superuser", "is_active", "groups", "memberships__role"]
    search_fields = ["email", "first_name", "last_name", "phone"]
    inlines = [MembershipInline, AddressInline]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Identité"), {"fields": ["first_name", "last_name", "phone"]}),
        (_("Droits"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"fields": ["email", "first_name", "last_name", "phone", "is_staff", "password1", "password2"]}),
    ]
    readonly_fields = ["last_login", "date_joined"]
    filter_horizontal = ["groups"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_head_office(request.user):
            return queryset
        # A manager sees the staff of their own shops (to staff them), and themselves.
        shops = pizzerias_of(request.user, "manager")
        return (queryset.filter(memberships__pizzeria__in=shops) | queryset.filter(pk=request.user.pk)).distinct()

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change and not obj.has_usable_password():
            send_set_password_email(user=obj, request=request)
            self.message_user(request, _("Un e-mail a été envoyé à %(email)s pour choisir son mot de passe.") % {"email": obj.email})


@admin.register(Address)
class AddressAdmin(HeadOfficeWriteMixin, BusinessAdmin):
    list_display = ["user", "line", "postcode", "city", "is_default"]
    search_fields = ["user__email", "line", "postcode", "city"]
    list_select_related = ["user"]
