"""A shop with legal details and a mixed basket (food at 10 %, a beer at 20 %), worked out by hand:

    2 × Margherita 10,50 € = 21,00 € TTC at 10 %: HT 19,09 € (21 / 1,1 = 19,0909…), TVA 1,91 €
    1 × Bière 4,00 € TTC at 20 %:                  HT 3,33 € (4 / 1,2 = 3,3333…),  TVA 0,67 €
    total HT 22,42 €, TVA 2,58 €, TTC 25,00 €."""
from decimal import Decimal
from io import BytesIO
from types import SimpleNamespace

from pypdf import PdfReader

from order.models import Order
from order.services import accept_order, deliver_order, finish_order
from product.models import Product
from tests.factories import OrderFactory, ProductFactory, UserFactory
from tests.factories.scenes import crew

LEGAL = {"legal_name": "Pizza Test SAS", "legal_form": "SAS au capital de 10 000 €", "siret": "91234567500108",
         "vat_number": "FR65912345675", "registered_address": "8 boulevard Beaumarchais, 75011 Paris",
         "registry": "RCS Paris 912 345 675", "invoice_prefix": "TEST"}


def pdf_text(content: bytes) -> str:
    assert content.startswith(b"%PDF-")
    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(content)).pages)


def mixed_basket(shop=None, customer=None, *, deliver=True):
    from tests.factories import PizzeriaFactory

    shop = shop or PizzeriaFactory(**LEGAL)
    people = {m.role: m.user for m in shop.memberships.select_related("user")} or crew(shop)
    customer = customer or UserFactory(first_name="Jeanne", last_name="Client")
    # One menu for every basket of the test (a second basket reuses it).
    margherita = Product.objects.filter(name="Margherita").first() or ProductFactory(name="Margherita", price=Decimal("10.50"))
    beer = Product.objects.filter(name="Bière").first() or ProductFactory(
        name="Bière", category="drink", price=Decimal("4.00"), vat_category="alcohol")
    order = OrderFactory(pizzeria=shop, customer=customer, lines=[(margherita, 2), (beer, 1)])
    if deliver:
        order = finish_order(accept_order(order, by=people["pizzaiolo"]), by=people["pizzaiolo"])
        order = deliver_order(order, by=people["pizzaiolo"], collected=Decimal("30.00"), method=Order.CollectionMethod.CASH)
    return SimpleNamespace(shop=shop, people=people, customer=customer, order=order, margherita=margherita, beer=beer)
