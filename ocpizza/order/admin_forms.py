"""Forms of the order back office: transition details, phone and counter orders."""
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from unfold.widgets import (
    UnfoldAdminEmailInputWidget,
    UnfoldAdminIntegerFieldWidget,
    UnfoldAdminSelectWidget,
    UnfoldAdminTextInputWidget,
    UnfoldBooleanSwitchWidget,
)

from order import rules, workflow
from order.models import Order
from order.selectors import previous_phone_order
from product.line_recipe import LineChoice


class TransitionForm(forms.Form):
    """The details a transition needs: a reason, a collected amount, whether stock goes back."""

    reason = forms.CharField(label=_("Motif"), max_length=255, required=False, widget=UnfoldAdminTextInputWidget)
    collected = forms.CharField(
        label=_("Montant encaissé (€)"), max_length=20, required=False, widget=UnfoldAdminTextInputWidget
    )
    method = forms.ChoiceField(
        label=_("Encaissé en"), choices=[("", "—"), *Order.CollectionMethod.choices], required=False,
        widget=UnfoldAdminSelectWidget,
    )
    restock = forms.BooleanField(
        label=_("Remettre les ingrédients en stock (la préparation n'a pas commencé)"), required=False,
        widget=UnfoldBooleanSwitchWidget,
    )

    # order.services names these fields after the order's columns.
    SERVICE_FIELDS = {"collected_amount": "collected", "collected_method": "method"}

    def __init__(self, *args, order, action, **kwargs):
        super().__init__(*args, **kwargs)
        self.order, self.action = order, action
        if not any(t.needs_reason for t in workflow.TRANSITIONS if t.action == action):
            del self.fields["reason"]
        else:
            self.fields["reason"].required = workflow.needs_reason(order, action)
        if not (action == "deliver" and rules.collects_at_door(order)):
            del self.fields["collected"], self.fields["method"]
        else:
            self.fields["collected"].initial = order.total
        if not (action == "cancel" and rules.may_restock(order)):
            del self.fields["restock"]

    def service_kwargs(self):
        data = self.cleaned_data
        return {
            "reason": data.get("reason", ""),
            "collected": data.get("collected") or None,
            "method": data.get("method") or None,
            "restock": bool(data.get("restock")),
        }


class StaffOrderForm(forms.Form):
    """A phone or counter order typed by the shop (F-ORD-6): existing customer or new contact."""

    pizzeria = forms.ModelChoiceField(label=_("Pizzeria"), queryset=None, widget=UnfoldAdminSelectWidget)
    channel = forms.ChoiceField(
        label=_("Canal"),
        choices=[(Order.Channel.PHONE, Order.Channel.PHONE.label), (Order.Channel.COUNTER, Order.Channel.COUNTER.label)],
        widget=UnfoldAdminSelectWidget,
    )
    fulfilment = forms.ChoiceField(label=_("Mode"), choices=Order.Fulfilment.choices, widget=UnfoldAdminSelectWidget)
    contact_name = forms.CharField(
        label=_("Nom du client"), max_length=150, required=False, widget=UnfoldAdminTextInputWidget,
        help_text=_("Vide pour un client qui a déjà commandé ici avec ce numéro : le nom de sa dernière commande."),
    )
    contact_phone = forms.CharField(
        label=_("Téléphone du client"), max_length=20, required=False, widget=UnfoldAdminTextInputWidget,
        help_text=_("Retrouve la dernière commande passée dans cette pizzeria avec ce numéro exact."),
    )
    contact_email = forms.EmailField(
        label=_("E-mail pour le suivi (facultatif)"), required=False, widget=UnfoldAdminEmailInputWidget
    )
    line = forms.CharField(
        label=_("Adresse de livraison"), max_length=255, required=False, widget=UnfoldAdminTextInputWidget,
        help_text=_("Vide pour reprendre l'adresse de la dernière livraison de cette pizzeria à ce numéro."),
    )
    postcode = forms.CharField(label=_("Code postal"), max_length=10, required=False, widget=UnfoldAdminTextInputWidget)
    city = forms.CharField(label=_("Ville"), max_length=100, required=False, widget=UnfoldAdminTextInputWidget)
    instructions = forms.CharField(
        label=_("Instructions de livraison"), max_length=255, required=False, widget=UnfoldAdminTextInputWidget,
        help_text=_("Pour le livreur : code, étage, « sonner deux fois »…"),
    )
    note = forms.CharField(
        label=_("Note"), max_length=255, required=False, widget=UnfoldAdminTextInputWidget,
        help_text=_("Pour la cuisine et le livreur."),
    )

    LINE_COUNT = 6

    def __init__(self, *args, pizzerias, products, options=None, **kwargs):
        super().__init__(*args, **kwargs)
        # The menu's options (issue 16): {"sizes": [(id, name)], "extras": [(id, name)],
        # "removable": [(ingredient id, name)], "halves": [(product id, name)]}; product.line_recipe
        # refuses a combination the menu does not offer, with a French message on the form.
        options = options or {}
        self.fields["pizzeria"].queryset = pizzerias
        if pizzerias.count() == 1:
            self.fields["pizzeria"].initial = pizzerias.first()
        self.products = {str(p.pk): p for p in products}
        choices = [("", "—"), *[(str(p.pk), f"{p.name} — {p.selling_price} €") for p in products]]
        for index in range(self.LINE_COUNT):
            self.fields[f"product_{index}"] = forms.ChoiceField(
                label=_("Produit %(n)s") % {"n": index + 1}, choices=choices, required=False, widget=UnfoldAdminSelectWidget
            )
            self.fields[f"quantity_{index}"] = forms.IntegerField(
                label=_("Quantité"), min_value=1, max_value=rules.MAX_LINE_QUANTITY, required=False, initial=1,
                widget=UnfoldAdminIntegerFieldWidget,
            )
            self.fields[f"size_{index}"] = forms.TypedChoiceField(
                label=_("Taille"), choices=[("", _("taille de référence")), *options.get("sizes", [])], coerce=int,
                empty_value=None, required=False, widget=UnfoldAdminSelectWidget,
            )
            self.fields[f"half_{index}"] = forms.TypedChoiceField(
                label=_("Moitié-moitié avec"), choices=[("", "—"), *options.get("halves", [])], coerce=int,
                empty_value=None, required=False, widget=UnfoldAdminSelectWidget,
            )
            self.fields[f"extras_{index}"] = forms.TypedMultipleChoiceField(
                label=_("Suppléments"), choices=options.get("extras", []), coerce=int, required=False,
                widget=forms.CheckboxSelectMultiple,
            )
            self.fields[f"remove_{index}"] = forms.TypedMultipleChoiceField(
                label=_("Sans"), choices=options.get("removable", []), coerce=int, required=False,
                widget=forms.CheckboxSelectMultiple,
            )

    def line_fields(self):
        return [
            (self[f"product_{i}"], self[f"quantity_{i}"], self[f"size_{i}"], self[f"half_{i}"], self[f"extras_{i}"], self[f"remove_{i}"])
            for i in range(self.LINE_COUNT)
        ]

    def clean(self):
        """Lines, and the caller: found only by phone number among this pizzeria's own orders
        (order.selectors.previous_phone_order, issue 13 M5); `previous` is that order or None."""
        data = super().clean()
        lines = []
        for index in range(self.LINE_COUNT):
            product_id = data.get(f"product_{index}")
            if product_id:
                choice = LineChoice(
                    product_id=int(product_id), size_id=data.get(f"size_{index}"), half_id=data.get(f"half_{index}"),
                    extra_ids=data.get(f"extras_{index}") or (), removed_ids=data.get(f"remove_{index}") or (),
                )
                lines.append((choice, data.get(f"quantity_{index}") or 1))
        if not lines:
            raise ValidationError(_("Ajoutez au moins un produit."))
        data["lines"] = lines
        data["customer"] = None
        data["previous"] = None
        phone = (data.get("contact_phone") or "").strip()
        if phone and data.get("pizzeria") is not None:
            data["previous"] = previous_phone_order(pizzeria=data["pizzeria"], phone=phone)
        previous = data["previous"]
        if previous is not None:
            # The account that ordered here under this number, so that the order shows in its
            # "Mes commandes"; its name as the shop knew it. Nothing else of the account.
            data["customer"] = previous.customer
            if not (data.get("contact_name") or "").strip():
                data["contact_name"] = previous.customer_name or (
                    previous.customer.get_full_name() if previous.customer_id else ""
                )
        if not (data.get("contact_name") or "").strip():
            self.add_error("contact_name", _("Indiquez le nom du client."))
        return data
