"""F-OM-1..6 in the admin: buttons per status and role, bulk actions, forged POSTs, queues, phone orders."""
import pytest
from django.urls import reverse

from order.models import Order
from order.services import accept_order, finish_order, place_order
from product.models import Product
from tests.support.chain_fixtures import shops, people  # noqa: F401 (fixtures: the factory-built chain)


def new_order(shop, customer, slug="margherita", qty=1, fulfilment="delivery"):
    return place_order(
        pizzeria=shop, customer=customer, lines=[(Product.objects.get(slug=slug), qty)], fulfilment=fulfilment,
        payment_method="on_delivery", channel="web", address=customer.addresses.first(), by=customer,
    )


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


@pytest.mark.django_db
def test_order_page_shows_only_allowed_buttons(shops, people, client_for):
    order = new_order(shops["bastille"], people["customer"])
    url = reverse("admin:order_order_change", args=[order.pk])
    accept_url = reverse("admin:order_order_detail_accept", args=[order.pk])
    take_url = reverse("admin:order_order_detail_take", args=[order.pk])
    page = client_for(people["pizzaiolo"]).get(url).content.decode()
    assert accept_url in page and reverse("admin:order_order_detail_refuse", args=[order.pk]) in page
    assert take_url not in page and reverse("admin:order_order_detail_finish", args=[order.pk]) not in page
    page = client_for(people["driver"]).get(url).content.decode()
    assert accept_url not in page and take_url not in page


@pytest.mark.django_db
def test_detail_button_runs_the_service_and_forged_posts_are_refused(shops, people, client_for):
    order = new_order(shops["bastille"], people["customer"])
    accept_url = reverse("admin:order_order_detail_accept", args=[order.pk])
    # A driver forging the POST: 403, nothing changes.
    assert client_for(people["driver"]).post(accept_url).status_code == 403
    # A manager of another shop: the order is not theirs.
    assert client_for(people["manager_boulogne"]).post(accept_url).status_code in (403, 404)
    order.refresh_from_db()
    assert order.status == Order.Status.TO_PREPARE
    pizzaiolo = client_for(people["pizzaiolo"])
    assert pizzaiolo.get(accept_url).status_code == 200  # confirmation page, no change on GET
    order.refresh_from_db()
    assert order.status == Order.Status.TO_PREPARE
    response = pizzaiolo.post(accept_url, {"confirm": "1"}, follow=True)
    order.refresh_from_db()
    assert order.status == Order.Status.IN_PREPARATION
    assert any("En préparation" in m for m in messages_of(response))
    # Accepting again (a stale tab) is refused with a message, not a 500.
    assert pizzaiolo.post(accept_url, {"confirm": "1"}).status_code == 403


@pytest.mark.django_db
def test_refuse_needs_a_reason_in_the_form(shops, people, client_for):
    order = new_order(shops["bastille"], people["customer"])
    url = reverse("admin:order_order_detail_refuse", args=[order.pk])
    c = client_for(people["pizzaiolo"])
    response = c.post(url, {"confirm": "1", "reason": ""})
    assert response.status_code == 200 and "motif" in response.content.decode().lower()
    order.refresh_from_db()
    assert order.status == Order.Status.TO_PREPARE
    c.post(url, {"confirm": "1", "reason": "Four en panne"})
    order.refresh_from_db()
    assert order.status == Order.Status.REFUSED and order.refusal_reason == "Four en panne"


@pytest.mark.django_db
def test_bulk_accept_reports_refused_orders_by_number(shops, people, client_for):
    shop = shops["bastille"]
    customer = people["customer"]
    fine = new_order(shop, customer)
    already = new_order(shop, customer)
    accept_order(already, by=people["pizzaiolo"])
    c = client_for(people["pizzaiolo"])
    response = c.post(
        reverse("admin:order_order_changelist"),
        {"action": "bulk_accept", "_selected_action": [fine.pk, already.pk]},
        follow=True,
    )
    texts = messages_of(response)
    fine.refresh_from_db()
    assert fine.status == Order.Status.IN_PREPARATION
    assert any(fine.number in t and "1 commande" in t for t in texts)
    assert any(already.number in t and "Refusée" in t for t in texts)


@pytest.mark.django_db
def test_bulk_action_forged_by_wrong_role_or_shop_changes_nothing(shops, people, client_for):
    order = new_order(shops["bastille"], people["customer"])
    for user in (people["driver"], people["manager_boulogne"]):
        client_for(user).post(
            reverse("admin:order_order_changelist"), {"action": "bulk_accept", "_selected_action": [order.pk]}
        )
    order.refresh_from_db()
    assert order.status == Order.Status.TO_PREPARE


@pytest.mark.django_db
def test_bulk_refuse_asks_for_a_reason_first(shops, people, client_for):
    order = new_order(shops["bastille"], people["customer"])
    c = client_for(people["pizzaiolo"])
    url = reverse("admin:order_order_changelist")
    response = c.post(url, {"action": "bulk_refuse", "_selected_action": [order.pk]})
    assert response.status_code == 200 and order.number in response.content.decode()
    order.refresh_from_db()
    assert order.status == Order.Status.TO_PREPARE
    c.post(url, {"action": "bulk_refuse", "_selected_action": [order.pk], "confirm_reason": "1", "reason": "Rupture"})
    order.refresh_from_db()
    assert order.status == Order.Status.REFUSED and order.refusal_reason == "Rupture"


@pytest.mark.django_db
def test_row_buttons_follow_status_and_role(shops, people, client_for):
    order = new_order(shops["bastille"], people["customer"])
    accept_order(order, by=people["pizzaiolo"])
    finish_order(order, by=people["pizzaiolo"])
    page = client_for(people["driver"]).get(reverse("admin:order_order_changelist")).content.decode()
    assert reverse("admin:order_order_detail_take", args=[order.pk]) in page
    assert reverse("admin:order_order_detail_accept", args=[order.pk]) not in page


@pytest.mark.django_db
def test_kitchen_queue_shows_recipe_and_reminders_and_accepts(shops, people, client_for):
    from product.models import Reminder

    shop = shops["bastille"]
    order = new_order(shop, people["customer"], "reine", 2)
    Reminder.objects.create(product=Product.objects.get(slug="reine"), author=people["pizzaiolo"],
                            title="Jambon", content="Le jambon après cuisson")
    c = client_for(people["pizzaiolo"])
    page = c.get(reverse("admin:order_kitchen")).content.decode()
    assert order.number in page and "Le jambon après cuisson" in page and "Mozzarella" in page
    partial = c.get(reverse("admin:order_kitchen_partial") + "?shop=bastille").content.decode()
    assert order.number in partial and "<html" not in partial
    c.post(reverse("admin:order_queue_act", args=[order.pk, "accept"]), {"kind": "kitchen"})
    order.refresh_from_db()
    assert order.status == Order.Status.IN_PREPARATION
    # A driver has no kitchen; a Boulogne manager does not see Bastille's.
    assert client_for(people["driver"]).get(reverse("admin:order_kitchen")).status_code == 403
    boulogne_page = client_for(people["manager_boulogne"]).get(reverse("admin:order_kitchen") + "?shop=bastille")
    assert order.number not in boulogne_page.content.decode()
    forged = client_for(people["manager_boulogne"]).post(
        reverse("admin:order_queue_act", args=[order.pk, "finish"]), {"kind": "kitchen"})
    assert forged.status_code == 404


@pytest.mark.django_db
def test_driver_queue_collects_after_failed_card(shops, people, client_for):
    shop = shops["bastille"]
    order = new_order(shop, people["customer"])
    accept_order(order, by=people["pizzaiolo"])
    finish_order(order, by=people["pizzaiolo"])
    c = client_for(people["driver"])
    page = c.get(reverse("admin:order_drivers")).content.decode()
    assert order.number in page and "google.com/maps" in page and str(order.total).replace(".", ",") in page
    act = lambda name, **data: c.post(reverse("admin:order_queue_act", args=[order.pk, name]), {"kind": "drivers", **data}, follow=True)
    act("take")
    act("card_failed")
    order.refresh_from_db()
    assert order.payment_status == Order.PaymentStatus.FAILED
    assert "carte refusé" in c.get(reverse("admin:order_drivers")).content.decode().lower()
    response = act("deliver", collected="1", method="cash")
    assert any("inférieur" in m for m in messages_of(response))
    act("deliver", collected=str(order.total).replace(".", ","), method="cash")
    order.refresh_from_db()
    assert order.status == Order.Status.DELIVERED and order.collected_method == "cash"


@pytest.mark.django_db
def test_phone_order_for_new_contact(shops, people, client_for):
    c = client_for(people["pizzaiolo"])
    url = reverse("admin:order_order_phone_order")
    assert c.get(url).status_code == 200
    margherita = Product.objects.get(slug="margherita")
    data = {
        "pizzeria": shops["bastille"].pk, "channel": "counter", "fulfilment": "pickup",
        "contact_name": "Paul Durand", "contact_phone": "0611223344",
        "product_0": margherita.pk, "quantity_0": 2,
    }
    response = c.post(url, data, follow=True)
    order = Order.objects.get(customer_name="Paul Durand")
    assert order.channel == "counter" and order.status == Order.Status.TO_PREPARE
    assert order.total == margherita.selling_price * 2 and order.created_by == people["pizzaiolo"]
    # Nothing chosen: a clear error, no order.
    response = c.post(url, {**data, "product_0": "", "contact_name": "Vide"})
    assert "Ajoutez au moins un produit" in response.content.decode()
    assert not Order.objects.filter(customer_name="Vide").exists()
    # Unavailable product (Montmartre has no mozzarella) is refused by name.
    montmartre_manager = client_for(people["manager"])
    response = montmartre_manager.post(url, {**data, "pizzeria": shops["montmartre"].pk, "contact_name": "Z"})
    assert "indisponible" in response.content.decode()


def web_delivery(shop, customer, phone, line, postcode="75011", city="Paris"):
    return place_order(
        pizzeria=shop, customer=customer, lines=[(Product.objects.get(slug="marinara"), 1)], fulfilment="delivery",
        payment_method="on_delivery", channel="web", address={"line": line, "postcode": postcode, "city": city},
        by=customer, contact={"phone": phone},
    )


def without_tokens(html):
    import re

    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", html)


@pytest.mark.django_db
def test_phone_order_finds_the_caller_by_phone_among_this_shops_orders_only(shops, people, client_for):
    """Issue 13 M5: the caller is found by the exact phone number of an earlier order of *this*
    pizzeria; the address is that order's, never the customer's address book, never another shop's."""
    customer = people["customer"]
    saved = customer.addresses.order_by("-is_default", "pk").first()
    assert saved is not None and saved.line != "12 rue de la Roquette"
    earlier = web_delivery(shops["bastille"], customer, "07 98 76 54 32", "12 rue de la Roquette")
    c = client_for(people["pizzaiolo"])
    url = reverse("admin:order_order_phone_order")
    base = {"pizzeria": shops["bastille"].pk, "channel": "phone", "fulfilment": "delivery",
            "product_0": Product.objects.get(slug="margherita").pk, "quantity_0": 1}
    # The number written another way: same caller, the address this shop delivered to.
    response = c.post(url, {**base, "contact_phone": "+33 7.98.76.54.32"})
    assert response.status_code == 302, response.context["form"].errors
    order = Order.objects.filter(channel="phone").latest("pk")
    assert order.customer == customer and order.customer_name == earlier.customer_name
    assert (order.delivery_line, order.delivery_postcode) == ("12 rue de la Roquette", "75011")
    assert order.delivery_line != saved.line and order.delivery_latitude is not None
    # An address typed wins over the earlier one.
    c.post(url, {**base, "contact_phone": "0798765432", "line": "3 rue de Lappe", "postcode": "75011", "city": "Paris"})
    assert Order.objects.filter(channel="phone").latest("pk").delivery_line == "3 rue de Lappe"

    # Boulogne never served this number: nothing is found there, the address must be typed.
    boulogne = client_for(people["manager_boulogne"])
    count = Order.objects.count()
    response = boulogne.post(url, {**base, "pizzeria": shops["boulogne"].pk, "contact_phone": "0798765432"})
    assert response.status_code == 200
    assert "contact_name" in response.context["form"].errors  # no earlier order: no name either
    response = boulogne.post(url, {**base, "pizzeria": shops["boulogne"].pk, "contact_phone": "0798765432",
                                   "contact_name": "Inconnu"})
    assert "Saisissez l&#x27;adresse de livraison" in response.content.decode()
    assert Order.objects.count() == count
    assert "12 rue de la Roquette" not in response.content.decode()
    # Boulogne's manager cannot even pick Bastille to look there.
    response = boulogne.post(url, {**base, "contact_phone": "0798765432"})
    assert response.status_code == 200 and "pizzeria" in response.context["form"].errors
    assert Order.objects.count() == count


@pytest.mark.django_db
def test_phone_order_never_looks_a_customer_up_by_email(shops, people, client_for):
    """Issue 13 M5: typing an e-mail copies no saved address and says nothing about accounts."""
    customer = people["customer"]
    saved = customer.addresses.order_by("-is_default", "pk").first()
    c = client_for(people["pizzaiolo"])
    url = reverse("admin:order_order_phone_order")
    base = {"pizzeria": shops["bastille"].pk, "channel": "phone", "fulfilment": "delivery",
            "product_0": Product.objects.get(slug="marinara").pk, "quantity_0": 1}
    count = Order.objects.count()
    known = c.post(url, {**base, "customer_email": customer.email, "contact_email": customer.email})
    unknown = c.post(url, {**base, "customer_email": "personne@example.com", "contact_email": "personne@example.com"})
    assert known.status_code == unknown.status_code == 200
    assert Order.objects.count() == count  # no name, no address: nothing found through the e-mail
    page = known.content.decode()
    assert saved.line not in page and customer.last_name not in page
    # The same answer whether the e-mail has an account or not (only the e-mail typed differs).
    assert without_tokens(page).replace(customer.email, "X") == without_tokens(unknown.content.decode()).replace(
        "personne@example.com", "X"
    )
    # With a name and the address typed, the order is a contact's: not attached to the account.
    c.post(url, {**base, "contact_name": "Jean", "contact_phone": "0700000000", "contact_email": customer.email,
                 "line": "3 rue de Lappe", "postcode": "75011", "city": "Paris"})
    order = Order.objects.latest("pk")
    assert order.customer is None and order.delivery_line == "3 rue de Lappe"
    assert not customer.orders.filter(pk=order.pk).exists()


@pytest.mark.django_db
def test_phone_order_delivery_checks_the_zone(shops, people, client_for):
    c = client_for(people["pizzaiolo"])
    url = reverse("admin:order_order_phone_order")
    base = {"pizzeria": shops["bastille"].pk, "channel": "phone", "fulfilment": "delivery",
            "product_0": Product.objects.get(slug="marinara").pk, "quantity_0": 1}
    # A new contact far away (Marseille): refused with the zone's message, nothing created.
    count = Order.objects.count()
    response = c.post(url, {**base, "contact_name": "Loin", "contact_phone": "0600000000",
                            "line": "1 quai du Port", "postcode": "13002", "city": "Marseille"})
    assert response.status_code == 200 and "Île-de-France" in response.content.decode()
    # No address at all for a new contact.
    response = c.post(url, {**base, "contact_name": "Sans adresse", "contact_phone": "0600000000"})
    assert response.status_code == 200
    assert Order.objects.count() == count


@pytest.mark.django_db
def test_kitchen_sees_what_is_missing_and_may_refuse(shops, people, client_for):
    from pizzeria.services import count_stock
    from product.models import Ingredient

    shop = shops["bastille"]
    order = new_order(shop, people["customer"], "margherita", 2)
    mozza = Ingredient.objects.get(name="Mozzarella")
    count_stock(pizzeria=shop, ingredient=mozza, counted=100)
    needed = 2 * Product.objects.get(slug="margherita").recipe_lines.get(ingredient=mozza).quantity
    assert needed > 100
    c = client_for(people["pizzaiolo"])
    response = c.post(reverse("admin:order_queue_act", args=[order.pk, "accept"]), {"kind": "kitchen"}, follow=True)
    text = " ".join(messages_of(response))
    assert "Stock insuffisant" in text
    assert f"Mozzarella : {needed.normalize():f} {mozza.unit.symbol} nécessaires, 100 disponibles" in text
    order.refresh_from_db()
    assert order.status == Order.Status.TO_PREPARE
    c.post(reverse("admin:order_queue_act", args=[order.pk, "refuse"]), {"kind": "kitchen", "reason": "Plus de mozzarella"})
    order.refresh_from_db()
    assert order.status == Order.Status.REFUSED


@pytest.mark.django_db
def test_sidebar_offers_each_queue_to_the_right_people(people, client_for):
    kitchen, drivers = reverse("admin:order_kitchen"), reverse("admin:order_drivers")
    pages = {role: client_for(people[role]).get(reverse("admin:index")).content.decode()
             for role in ("pizzaiolo", "driver", "manager")}
    assert f'href="{kitchen}"' in pages["pizzaiolo"] and f'href="{drivers}"' not in pages["pizzaiolo"]
    assert f'href="{drivers}"' in pages["driver"] and f'href="{kitchen}"' not in pages["driver"]
    assert f'href="{kitchen}"' in pages["manager"] and f'href="{drivers}"' in pages["manager"]


@pytest.mark.django_db
def test_phone_delivery_instructions_and_note_reach_the_driver(shops, people, client_for):
    """Issue 19: the phone form has a delivery-instructions field; both it and the note show on
    the driver's card."""
    c = client_for(people["manager"])
    url = reverse("admin:order_order_phone_order")
    marinara = Product.objects.get(slug="marinara")
    response = c.post(url, {
        "pizzeria": shops["bastille"].pk, "channel": "phone", "fulfilment": "delivery",
        "contact_name": "Léa Martin", "contact_phone": "0611223399",
        "line": "10 rue de Lappe", "postcode": "75011", "city": "Paris",
        "instructions": "Code 1234, 3e étage", "note": "Sonner deux fois",
        "product_0": marinara.pk, "quantity_0": 1,
    })
    assert response.status_code == 302, response.content.decode()[-1500:]
    order = Order.objects.get(customer_name="Léa Martin")
    assert order.delivery_instructions == "Code 1234, 3e étage"
    Order.objects.filter(pk=order.pk).update(status=Order.Status.READY)
    html = c.get(reverse("admin:order_drivers") + "?shop=bastille").content.decode()
    assert "Code 1234, 3e étage" in html and "Sonner deux fois" in html
