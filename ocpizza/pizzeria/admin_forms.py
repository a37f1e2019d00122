"""The staff membership form (a role in a pizzeria), shared by the membership admin and the inlines
of the pizzeria and user pages. Every rule is checked on submit, not only in the dropdowns."""
from django import forms
from django.core.exceptions import ValidationError
from django.forms.models import BaseInlineFormSet
from django.utils.translation import gettext_lazy as _

from account.roles import has_shop_perm, manageable_staff, may_manage_staff
from account.services import grant_staff_access

USER_REFUSED = _(
    "Vous ne pouvez pas donner de rôle à ce compte : choisissez un membre du personnel de vos pizzerias "
    "(ni client, ni compte du siège, ni superutilisateur)."
)
ORIGINAL_REFUSED = _("Vous ne pouvez pas modifier ni retirer le rôle de ce compte.")
SHOP_REFUSED = _("Vous ne gérez pas le personnel de cette pizzeria.")


def membership_refusal(actor, membership, action):
    """Why `actor` may not `action` ("change", "delete") the saved `membership`, or None."""
    if not has_shop_perm(actor, f"pizzeria.{action}_staffmembership", membership.pizzeria_id):
        return SHOP_REFUSED
    if not may_manage_staff(actor, membership.user):
        return ORIGINAL_REFUSED
    return None


class StaffMembershipForm(forms.ModelForm):
    """A role given in a pizzeria. `actor` (the user submitting) is set by the admin per request."""

    actor = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields.get("user")
        if field is not None and self.actor is not None:
            queryset = manageable_staff(self.actor)
            if self.instance.pk:
                # An existing row keeps showing its user; changing it is checked in clean().
                queryset = queryset | field.queryset.model.objects.filter(pk=self.instance.user_id)
            field.queryset = queryset.distinct()

    def clean(self):
        data = super().clean()
        actor = self.actor
        if actor is None or self.errors or not (self.has_changed() or not self.instance.pk):
            return data
        if self.instance.pk:
            original = self._meta.model.objects.select_related("user").get(pk=self.instance.pk)
            refusal = membership_refusal(actor, original, "change")
            if refusal:
                raise ValidationError(refusal)
        # On an inline the parent is the user or the pizzeria (not saved yet on its add page).
        instance = self.instance
        user = data.get("user") if "user" in self.fields else (instance.user if instance.user_id else None)
        pizzeria = data.get("pizzeria") if "pizzeria" in self.fields else (instance.pizzeria if instance.pizzeria_id else None)
        action = "change" if self.instance.pk else "add"
        if pizzeria is not None and not has_shop_perm(actor, f"pizzeria.{action}_staffmembership", pizzeria):
            self.add_error("pizzeria" if "pizzeria" in self.fields else None, SHOP_REFUSED)
        if user is not None and user.pk is None:
            # The account created on this very page (the user add page, head office's): giving
            # it a role makes it a staff account (issue 19: unticked, the hire could not log in).
            if user.is_superuser:
                self.add_error(None, USER_REFUSED)
            else:
                user.is_staff = True
        elif user is not None and not may_manage_staff(actor, user):
            self.add_error("user" if "user" in self.fields else None, USER_REFUSED)
        return data


    def save(self, commit=True):
        membership = super().save(commit=commit)
        if commit:
            grant_staff_access(user=membership.user)
        return membership


class StaffMembershipFormSet(BaseInlineFormSet):
    """Rows ticked for deletion escape the form's clean(): check them here."""

    actor = None

    def clean(self):
        super().clean()
        if self.actor is None:
            return
        for form in self.deleted_forms:
            if form.instance.pk:
                original = form._meta.model.objects.select_related("user").get(pk=form.instance.pk)
                refusal = membership_refusal(self.actor, original, "delete")
                if refusal:
                    raise ValidationError(refusal)


class ActorFormMixin:
    """Hands request.user to StaffMembershipForm / StaffMembershipFormSet (admin and inlines)."""

    def get_form(self, request, obj=None, **kwargs):
        form = super().get_form(request, obj, **kwargs)
        form.actor = request.user  # a class built for this request by modelform_factory
        return form

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.actor = formset.form.actor = request.user
        return formset
