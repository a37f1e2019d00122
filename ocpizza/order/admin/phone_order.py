"""Phone and counter orders typed by the shop (F-ORD-6): a form view of OrderAdmin."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action
from unfold.enums import ActionVariant

from ocpizza.business import add_to_form
from order import selectors
from order.admin_forms import StaffOrderForm
from order.models import Order
from order.services import place_order
from pizzeria.delivery import place_address
from pizzeria.models import Pizzeria
from product.models import Product
from product.selectors import menu_options, menu_order

# The service's names for the form's fields, when they differ.
SERVICE_FIELDS = {
    "delivery_line": "line", "delivery_postcode": "postcode", "delivery_city": "city",
    "customer_phone": "contact_phone", "customer_name": "contact_name",
}


class PhoneOrderMixin:
    actions_list = ["phone_order"]

    def has_phone_order_permission(self, request, object_id=None):
        return selectors.queue_pizzerias(request.user, selectors.KITCHEN_ROLES).exists()

    @action(description=_("Saisir une commande (téléphone, comptoir)"), url_path="new", permissions=["phone_order"],
            icon="add_call", variant=ActionVariant.PRIMARY)
    def phone_order(self, request):
        shops = selectors.queue_pizzerias(request.user, selectors.KITCHEN_ROLES).exclude(
            status=Pizzeria.Status.OPENING_SOON
        )
        products = Product.objects.filter(is_active=True).order_by(*menu_order())
        form = StaffOrderForm(request.POST or None, pizzerias=shops, products=products, options=menu_options())
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            address = None
            try:
                if data["fulfilment"] == Order.Fulfilment.DELIVERY:
                    # Placed and checked against the shop's zone; never saved in a customer's book.
                    address = place_address(pizzeria=data["pizzeria"], **self._staff_address(data)).for_order(
                        instructions=data["instructions"],
                    )
                order = place_order(
                    pizzeria=data["pizzeria"],
                    customer=data["customer"],
                    lines=data["lines"],
                    fulfilment=data["fulfilment"],
                    payment_method=Order.PaymentMethod.ON_DELIVERY,
                    channel=data["channel"],
                    address=address,
                    by=request.user,
                    contact={"name": data["contact_name"], "phone": data["contact_phone"], "email": data["contact_email"]},
                    note=data["note"],
                )
            except ValidationError as exc:
                add_to_form(form, exc, fields=SERVICE_FIELDS)
            else:
                self.message_user(
                    request,
                    _("Commande %(number)s enregistrée pour %(customer)s : %(total)s €, envoyée en cuisine.")
                    % {"number": order.number, "customer": order.customer_display, "total": order.total},
                    messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:order_order_change", args=[order.pk]))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Saisir une commande"),
            "form": form,
        }
        return TemplateResponse(request, "admin/order/order/staff_order.html", context)

    @staticmethod
    def _staff_address(data):
        """The address typed, or else the one this pizzeria last delivered to under this phone
        number (issue 13 M5): never the customer's own address book, never another shop's order."""
        if data.get("line"):
            return {"line": data.get("line", ""), "postcode": data.get("postcode", ""), "city": data.get("city", "")}
        earlier = None
        if data.get("previous") is not None:
            earlier = selectors.previous_phone_order(pizzeria=data["pizzeria"], phone=data["contact_phone"], delivered=True)
        if earlier is None:
            raise ValidationError({"line": _("Saisissez l'adresse de livraison.")})
        return {"line": earlier.delivery_line, "postcode": earlier.delivery_postcode, "city": earlier.delivery_city}
