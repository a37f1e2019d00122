"""Two customers of a small chain with finished orders (delivered and paid in cash, picked up,
cancelled), history rows and saved addresses: what the data-rights tests export and erase."""
from decimal import Decimal
from types import SimpleNamespace

from order.models import Order
from order.services import accept_order, cancel_order, deliver_order, finish_order, take_order
from tests.factories import AddressFactory, OrderFactory, UserFactory
from tests.factories.scenes import small_chain


def finished_delivery(chain, customer, lines):
    people = chain.people
    order = OrderFactory(
        pizzeria=chain.shops["bastille"], customer=customer, lines=lines,
        fulfilment=Order.Fulfilment.DELIVERY, address=customer.addresses.first(),
    )
    order = accept_order(order, by=people["pizzaiolo"])
    order = finish_order(order, by=people["pizzaiolo"])
    order = take_order(order, by=people["driver"])
    return deliver_order(order, by=people["driver"], collected=order.total, method="cash")


def finished_pickup(chain, customer, lines):
    people = chain.people
    order = OrderFactory(pizzeria=chain.shops["bastille"], customer=customer, lines=lines)
    order = finish_order(accept_order(order, by=people["pizzaiolo"]), by=people["pizzaiolo"])
    return deliver_order(order, by=people["pizzaiolo"], collected=order.total, method="card")


def two_customers():
    chain = small_chain()
    menu = chain.menu
    alice = UserFactory(email="alice.martin@example.test", first_name="Alice", last_name="Martinez", phone="06 11 22 33 44",
                        with_address=False)
    AddressFactory(user=alice, line="12 rue de la Roquette", label="Maison")
    AddressFactory(user=alice, line="7 passage Thiéré", label="Bureau", is_default=False)
    bob = UserFactory(email="bob.leroy@example.test", first_name="Bob", last_name="Leroyer", phone="07 99 88 77 66",
                      with_address=False)
    AddressFactory(user=bob, line="40 rue Keller")
    alice_orders = [
        finished_delivery(chain, alice, [(menu.margherita, 2), (menu.cola, 1)]),
        finished_pickup(chain, alice, [(menu.reine, 1)]),
        cancel_order(OrderFactory(pizzeria=chain.shops["bastille"], customer=alice, lines=[(menu.marinara, 1)]),
                     by=alice, reason="Erreur"),
    ]
    # Staff edited a contact detail: an extra history row of the order with the person in it.
    first = alice_orders[0]
    first.delivery_instructions = "Code 4521, 3e étage, sonner Martinez"
    first.customer_note = "Sans oignons pour Alice"
    first.save()
    bob_orders = [finished_delivery(chain, bob, [(menu.reine, 3)])]
    return SimpleNamespace(chain=chain, menu=menu, alice=alice, bob=bob, alice_orders=alice_orders, bob_orders=bob_orders,
                           alice_traces=("alice.martin", "Martinez", "06 11 22 33 44", "Roquette", "Thiéré",
                                         # The door code with its word: four digits alone turn up
                                         # in a SHA-256 hash of the journal now and then.
                                         "Code 4521", "Sans oignons"),
                           bob_traces=("bob.leroy", "Leroyer", "07 99 88 77 66", "Keller"))


def money(value):
    return Decimal(str(value))
