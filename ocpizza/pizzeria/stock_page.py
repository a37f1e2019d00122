"""The stock page of one pizzeria (F-ADM-1): every ingredient with quantity, unit, threshold and
low-stock flag, how many of each product can still be made, and corrections through the ledger."""
from decimal import Decimal, InvalidOperation

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from unfold.decorators import action
from unfold.widgets import UnfoldAdminSelectWidget, UnfoldAdminTextInputWidget

from account.roles import has_shop_perm, is_head_office, pizzerias_with_perm
from ocpizza.business import add_to_form
from pizzeria.models import Pizzeria, StockMovement
from pizzeria.selectors import stock_overview
from pizzeria.services import MANUAL_REASONS, MAX_QUANTITY, correct_stock
from product.models import Ingredient


class StockCorrectionForm(forms.Form):
    MODES = [("delta", _("Ajouter / retirer")), ("counted", _("Quantité comptée"))]

    ingredient = forms.ModelChoiceField(label=_("Ingrédient"), queryset=None, widget=UnfoldAdminSelectWidget)
    mode = forms.ChoiceField(label=_("Saisie"), choices=MODES, widget=UnfoldAdminSelectWidget)
    value = forms.CharField(
        label=_("Quantité"), max_length=20, widget=UnfoldAdminTextInputWidget,
        help_text=_("En unité de l'ingrédient ; négative pour retirer (ex. -250)."),
    )
    reason = forms.ChoiceField(
        label=_("Motif"),
        choices=[(r.value, r.label) for r in MANUAL_REASONS],
        widget=UnfoldAdminSelectWidget,
    )
    note = forms.CharField(label=_("Commentaire"), max_length=255, required=False, widget=UnfoldAdminTextInputWidget)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["ingredient"].queryset = Ingredient.objects.select_related("unit").order_by("name")

    def clean_value(self):
        raw = (self.cleaned_data["value"] or "").replace(",", ".").replace(" ", "")
        try:
            value = Decimal(raw)
        except InvalidOperation:
            raise ValidationError(_("Saisissez un nombre, par exemple 2,5 ou -250."))
        if not value.is_finite():
            raise ValidationError(_("Saisissez un nombre, par exemple 2,5 ou -250."))
        if abs(value) > MAX_QUANTITY:
            raise ValidationError(_("Quantité invraisemblable."))
        if value != value.quantize(Decimal("0.001")):
            raise ValidationError(_("Au plus 3 décimales."))
        return value


class StockPageAdminMixin:
    """Adds admin/pizzeria/stock/shop/ to the stock admin (admin:pizzeria_stock_shop_stock), a button on its list."""

    actions_list = ["shop_stock"]

    def has_shop_stock_permission(self, request, object_id=None):
        return request.user.has_perm("pizzeria.view_stock")

    @action(description=_("Stock par pizzeria"), url_path="shop", permissions=["shop_stock"], icon="inventory")
    def shop_stock(self, request):
        return self.shop_stock_view(request)

    def shop_stock_view(self, request):
        if not request.user.has_perm("pizzeria.view_stock"):
            raise PermissionDenied
        # The shops where the user's role THERE reads the stock (a driver in one shop who cooks
        # in another sees the other's stock only).
        shops = Pizzeria.objects.all()
        if not is_head_office(request.user):
            shops = shops.filter(pk__in=pizzerias_with_perm(request.user, "pizzeria.view_stock", "pizzeria.change_stock"))
        shops = list(shops.exclude(status="closed").order_by("name"))
        if not shops:
            raise PermissionDenied
        shop = next((s for s in shops if s.slug == request.GET.get("shop")), shops[0])
        can_correct = has_shop_perm(request.user, "pizzeria.add_stockmovement", shop)
        form = StockCorrectionForm(request.POST or None)
        if request.method == "POST":
            if not can_correct:
                raise PermissionDenied
            if form.is_valid():
                data = form.cleaned_data
                try:
                    movement = correct_stock(
                        pizzeria=shop, ingredient=data["ingredient"], by=request.user, reason=data["reason"],
                        note=data["note"],
                        **({"delta": data["value"]} if data["mode"] == "delta" else {"counted": data["value"]}),
                    )
                except ValidationError as exc:
                    add_to_form(form, exc)
                else:
                    if movement is None:
                        self.message_user(request, _("Le compte correspond déjà au stock : rien à corriger."), messages.INFO)
                    else:
                        self.message_user(
                            request,
                            _("%(ingredient)s : %(delta)s, nouveau stock %(after)s %(unit)s.")
                            % {
                                "ingredient": data["ingredient"].name,
                                "delta": f"{movement.delta.normalize():+f}",
                                "after": f"{movement.quantity_after.normalize():f}",
                                "unit": data["ingredient"].unit.symbol,
                            },
                            messages.SUCCESS,
                        )
                    return HttpResponseRedirect(f"{request.path}?shop={shop.slug}")
        stocks, products = stock_overview(pizzeria=shop)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Stock — %(shop)s") % {"shop": shop.name},
            "shops": shops,
            "shop": shop,
            "stocks": stocks,
            "low_count": sum(1 for s in stocks if s.is_low),
            "products": products,
            "form": form if can_correct else None,
            "movements_url": reverse("admin:pizzeria_stockmovement_changelist") + f"?stock__pizzeria__id__exact={shop.pk}",
            "page_url": reverse("admin:pizzeria_stock_shop_stock"),
            "reason_labels": dict(StockMovement.Reason.choices),
        }
        return TemplateResponse(request, "admin/pizzeria/stock/shop.html", context)
