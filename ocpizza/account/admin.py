from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.contrib.auth.admin import GroupAdmin as DjangoGroupAdmin
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from unfold.admin import ModelAdmin, TabularInline
from unfold.decorators import action
from unfold.enums import ActionVariant
from unfold.forms import AdminPasswordChangeForm

from account.forms import StaffChangeForm, StaffCreationForm
from account.models import Address, User
from account.roles import is_head_office, manageable_staff, may_touch_user, pizzerias_of, pizzerias_with_perm
from account.services import delete_address, send_set_password_email
from pizzeria.admin_forms import ActorFormMixin, StaffMembershipForm, StaffMembershipFormSet
from pizzeria.delivery import PlacedAddress, keep_address, place_address
from ocpizza.admin_base import BusinessAdmin, HeadOfficeWriteMixin
from ocpizza.business import add_to_form
from pizzeria.models import StaffMembership
from privacy.selectors import customer_data_file
from privacy.services import ErasureRefused, erase_customer, erasure_refusal, is_erased

admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(DjangoGroupAdmin, ModelAdmin):
    pass


class AddressAdminForm(forms.ModelForm):
    """An address typed by head office follows the customers' rule (pizzeria.delivery): fields
    checked and normalised, geocoded, one default per customer. Saved through keep_address."""

    class Meta:
        model = Address
        fields = ["user", "label", "line", "postcode", "city", "is_default"]

    def clean(self):
        cleaned = super().clean()
        if self.errors or cleaned.get("DELETE"):
            return cleaned
        instance = self.instance
        if instance.pk and instance.latitude is not None and not {"line", "postcode", "city"} & set(self.changed_data):
            # Not moved: no new geocoding (saving a user re-validates every address inline).
            self.place = PlacedAddress(
                line=instance.line, postcode=instance.postcode, city=instance.city,
                latitude=instance.latitude, longitude=instance.longitude,
            )
            return cleaned
        try:
            self.place = place_address(line=cleaned.get("line"), postcode=cleaned.get("postcode"), city=cleaned.get("city"))
        except ValidationError as error:
            add_to_form(self, error)
        return cleaned

    def save(self, commit=True):
        address = super().save(commit=False)
        place = self.place
        address.line, address.postcode, address.city = place.line, place.postcode, place.city
        address.latitude, address.longitude = place.latitude, place.longitude
        if commit:
            address = keep_address(
                user=address.user, place=place, label=address.label, make_default=address.is_default, address=address
            )
        return address


class AddressFormSet(forms.BaseInlineFormSet):
    def delete_existing(self, obj, commit=True):
        if commit:
            delete_address(address=obj)  # the next address becomes the default


class AddressInline(TabularInline):
    model = Address
    form = AddressAdminForm
    formset = AddressFormSet
    extra = 0
    fields = ["label", "line", "postcode", "city", "is_default"]


class MembershipInline(ActorFormMixin, TabularInline):
    """The user's roles. Written by head office (the page saves for head office only), with the
    same checks on submit as the membership form; others read the roles of the shops they see."""

    model = StaffMembership
    form = StaffMembershipForm
    formset = StaffMembershipFormSet
    extra = 0
    fields = ["pizzeria", "role"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_head_office(request.user):
            return queryset
        return queryset.filter(pizzeria__in=pizzerias_with_perm(request.user, "pizzeria.view_staffmembership"))


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
    # A customer's data request (issue 18, F-BOOK-4): head office, the data controller, exports
    # or erases on request. Managers do not see customers' accounts at all.
    actions_detail = ["detail_data_export", "detail_erase"]

    def _data_request_user(self, request, object_id):
        user = self.get_queryset(request).filter(pk=object_id).first() if str(object_id).isdigit() else None
        if user is None or not is_head_office(request.user) or user.is_staff or user.is_superuser:
            raise Http404
        return user

    def has_detail_data_export_permission(self, request, object_id=None):
        return is_head_office(request.user)

    def has_detail_erase_permission(self, request, object_id=None):
        return is_head_office(request.user)

    @action(description=_("Exporter ses données (RGPD)"), url_path="donnees", permissions=["detail_data_export"],
            icon="download")
    def detail_data_export(self, request, object_id):
        user = self._data_request_user(request, object_id)
        filename, content = customer_data_file(user=user)
        response = HttpResponse(content, content_type="application/json; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{filename.replace("mes-donnees", f"client-{user.pk}")}"'
        response["Cache-Control"] = "no-store"
        return response

    @action(description=_("Supprimer ses données (RGPD)"), url_path="effacer", permissions=["detail_erase"],
            icon="person_remove", variant=ActionVariant.DANGER)
    def detail_erase(self, request, object_id):
        user = self._data_request_user(request, object_id)
        change_url = reverse("admin:account_user_change", args=[user.pk])
        refusal = _("Ce compte est déjà anonymisé.") if is_erased(user) else erasure_refusal(user=user)
        if request.method == "POST" and request.POST.get("confirm") and not refusal:
            try:
                erasure = erase_customer(user=user, by=request.user)
            except ErasureRefused as exc:
                refusal = exc.message
            else:
                self.message_user(
                    request,
                    _("Données du client effacées : %(orders)s commande(s) anonymisée(s), %(addresses)s adresse(s) supprimée(s).")
                    % {"orders": erasure.orders, "addresses": erasure.addresses},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(change_url)
        if refusal and request.method == "POST":
            self.message_user(request, refusal, messages.ERROR)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Supprimer les données de %(user)s") % {"user": user},
            "customer": user,
            "refusal": refusal,
            "change_url": change_url,
            "orders": user.orders.count(),
        }
        return TemplateResponse(request, "admin/account/user/erase.html", context)

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if is_head_office(request.user):
            return queryset
        # A manager sees the staff of their own shops (to staff them), and themselves.
        shops = pizzerias_of(request.user, StaffMembership.Role.MANAGER)
        return (queryset.filter(memberships__pizzeria__in=shops) | queryset.filter(pk=request.user.pk)).distinct()

    def get_search_results(self, request, queryset, search_term):
        # The user picker of a membership form (autocomplete) offers the staff the user may
        # place, and no one else: not the customers, nor other shops' staff (issue 13 M1).
        match = getattr(request, "resolver_match", None)
        if (
            match is not None
            and match.url_name == "autocomplete"
            and (request.GET.get("app_label"), request.GET.get("model_name")) == ("pizzeria", "staffmembership")
        ):
            queryset = manageable_staff(request.user)
        return super().get_search_results(request, queryset, search_term)

    # Nobody but a superuser changes a superuser: account, rights, password (issue 13 L5, M1).
    # The password page (/admin/account/user/<id>/password/) asks has_change_permission too.
    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or may_touch_user(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or may_touch_user(request.user, obj))

    def get_readonly_fields(self, request, obj=None):
        fields = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # Only a superuser makes a superuser; nobody raises their own rights.
            fields.append("is_superuser")
            if obj is not None and obj.pk == request.user.pk:
                fields += ["is_staff", "is_active", "groups"]
        return list(dict.fromkeys(fields))

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change and not obj.has_usable_password():
            send_set_password_email(user=obj, request=request)
            self.message_user(request, _("Un e-mail a été envoyé à %(email)s pour choisir son mot de passe.") % {"email": obj.email})


@admin.register(Address)
class AddressAdmin(HeadOfficeWriteMixin, BusinessAdmin):
    form = AddressAdminForm
    list_display = ["user", "line", "postcode", "city", "is_default"]
    search_fields = ["user__email", "line", "postcode", "city"]
    list_select_related = ["user"]

    # A superuser's addresses are part of the superuser (issue 13 L5): only a superuser edits them.
    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or may_touch_user(request.user, obj.user))

    def has_delete_permission(self, request, obj=None):
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or may_touch_user(request.user, obj.user))

    def save_model(self, request, obj, form, change):
        form.save(commit=True)

    def delete_model(self, request, obj):
        delete_address(address=obj)

    def delete_queryset(self, request, queryset):
        for address in queryset:
            delete_address(address=address)
