"""Forms of the public site: the cart's delivery address (F-ORD-3) and checkout (F-ORD-5, F-ORD-3):
fulfilment, address, payment method, and when (as soon as possible or a slot, issue 17).

Prices and totals are not fields: they come from the cart, recomputed on the server."""
from datetime import datetime

from django import forms
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from order.models import Order

NEW_ADDRESS = "new"
ASAP = "asap"


class CheckoutForm(forms.Form):
    number = forms.CharField(widget=forms.HiddenInput)
    fulfilment = forms.ChoiceField(
        label=_("Livraison ou retrait"), choices=Order.Fulfilment.choices, widget=forms.RadioSelect,
        initial=Order.Fulfilment.DELIVERY,
    )
    saved_address = forms.ChoiceField(label=_("Adresse de livraison"), required=False, widget=forms.RadioSelect)
    line = forms.CharField(label=_("Numéro et rue"), max_length=255, required=False)
    postcode = forms.CharField(label=_("Code postal"), max_length=10, required=False)
    city = forms.CharField(label=_("Ville"), max_length=100, required=False)
    instructions = forms.CharField(
        label=_("Instructions pour le livreur"), max_length=255, required=False,
        help_text=_("Code d'entrée, étage…"),
    )
    save_address = forms.BooleanField(label=_("Enregistrer cette adresse"), required=False)
    phone = forms.CharField(label=_("Téléphone (pour le livreur)"), max_length=20, required=False)
    payment_method = forms.ChoiceField(
        label=_("Paiement"),
        choices=[
            (Order.PaymentMethod.CARD_ONLINE, _("Carte bancaire en ligne")),
            (Order.PaymentMethod.ON_DELIVERY, _("À la livraison ou au retrait (espèces ou carte)")),
        ],
        widget=forms.RadioSelect,
        initial=Order.PaymentMethod.CARD_ONLINE,
    )
    note = forms.CharField(label=_("Remarque pour la pizzeria"), max_length=255, required=False)
    when = forms.ChoiceField(
        label=_("Quand ?"), required=False,
        error_messages={"invalid_choice": _("Ce créneau n'est plus proposé : choisissez-en un autre.")},
    )

    def __init__(self, *args, user, offer=None, checked_address=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # The times the shop offers now (order.booking.Offer): "as soon as possible" while it
        # takes orders, then every slot; the value of a slot is its start in ISO format (UTC).
        choices = []
        if offer is not None:
            if offer.asap:
                choices.append((ASAP, gettext("Dès que possible")))
            for start in offer.slots:
                local = timezone.localtime(start)
                choices.append((start.isoformat(), date_format(local, "l j F, H:i")))
        self.fields["when"].choices = choices
        self.fields["when"].initial = choices[0][0] if choices else ""
        self.addresses = {str(a.pk): a for a in user.addresses.all()}
        choices = [(pk, str(a)) for pk, a in self.addresses.items()]
        self.fields["saved_address"].choices = [*choices, (NEW_ADDRESS, _("Une autre adresse"))]
        default = next((pk for pk, a in self.addresses.items() if a.is_default), None)
        self.fields["saved_address"].initial = default or NEW_ADDRESS
        if checked_address:
            # The address checked in the cart ("Livraison possible") is the one proposed here
            # (issue 19: the saved default replaced it, and without one it was typed twice).
            saved = str(checked_address.get("address_id") or "")
            if saved in self.addresses:
                self.fields["saved_address"].initial = saved
            else:
                self.fields["saved_address"].initial = NEW_ADDRESS
                for name in ("line", "postcode", "city"):
                    self.fields[name].initial = checked_address.get(name, "")
        if getattr(user, "phone", ""):
            self.fields["phone"].initial = user.phone

    def clean_when(self):
        """None for "as soon as possible", else the slot's start (an aware datetime)."""
        choices = [value for value, _label in self.fields["when"].choices]
        if not choices:
            raise forms.ValidationError(gettext("Cette pizzeria ne propose aucun créneau dans les prochains jours."))
        value = self.cleaned_data.get("when") or choices[0]
        return None if value == ASAP else datetime.fromisoformat(value)

    def address_fields(self):
        """(line, postcode, city) of the chosen saved address or of the one typed; checked, for a
        delivery, by pizzeria.delivery.place_address (errors on these fields)."""
        data = self.cleaned_data
        saved = self.addresses.get(data.get("saved_address") or "")
        if saved is not None:
            return saved.line, saved.postcode, saved.city
        return data["line"], data["postcode"], data["city"]

    def typed_new_address(self):
        """Whether the customer typed an address rather than picking a saved one."""
        return (self.cleaned_data.get("saved_address") or NEW_ADDRESS) == NEW_ADDRESS


class DeliveryForm(forms.Form):
    address = forms.TypedChoiceField(label=_("Adresse enregistrée"), required=False, coerce=int, empty_value=None)
    line = forms.CharField(label=_("Numéro et rue"), max_length=255, required=False)
    postcode = forms.CharField(label=_("Code postal"), max_length=10, required=False)
    city = forms.CharField(label=_("Ville"), max_length=100, required=False)
    save = forms.BooleanField(label=_("Enregistrer cette adresse dans mon compte"), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.saved = list(user.addresses.all()) if user is not None and user.is_authenticated else []
        self.fields["address"].choices = [("", gettext("Saisir une autre adresse"))] + [(a.pk, str(a)) for a in self.saved]
        self.fields["line"].widget.attrs["autocomplete"] = "address-line1"
        self.fields["postcode"].widget.attrs.update({"autocomplete": "postal-code", "inputmode": "numeric"})
        self.fields["city"].widget.attrs["autocomplete"] = "address-level2"
        if not self.saved:
            del self.fields["address"]
        else:
            # The boxes are prefilled with the address proposed (the saved default): what the
            # customer types over them wins over the list (issue 19: the default stayed selected
            # and was checked instead of the address typed). The prefill travels with the form,
            # so that "typed" means changed from it.
            for name in ("line", "postcode", "city"):
                self.fields[name].show_hidden_initial = True
        if user is None or not user.is_authenticated:
            del self.fields["save"]

    def clean(self):
        cleaned = super().clean()
        chosen = cleaned.get("address")
        typed = any(name in self.changed_data for name in ("line", "postcode", "city"))
        if chosen and not typed:
            address = next(a for a in self.saved if a.pk == chosen)
            cleaned.update(line=address.line, postcode=address.postcode, city=address.city, saved_address=address)
        return cleaned
