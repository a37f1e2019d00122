"""A customer downloads their data (issue 18, F-BOOK-4): everything of theirs, nothing of anyone else."""
import json

import pytest
from django.urls import reverse

from order.invoices import issue_invoice
from pizzeria.models import Pizzeria
from tests.books.documents_scene import LEGAL
from tests.factories import HeadOfficeFactory
from tests.privacy.scene import two_customers
from tests.support.sessions import log_in

pytestmark = pytest.mark.django_db


def _download(client, url):
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith('attachment; filename="ocpizza-')
    assert response["Content-Type"].startswith("application/json")
    return response.content.decode("utf-8"), json.loads(response.content)


def test_the_profile_offers_the_download_and_the_file_holds_the_customers_data_only(client):
    scene = two_customers()
    Pizzeria.objects.filter(pk=scene.chain.shops["bastille"].pk).update(**LEGAL)
    invoice = issue_invoice(order=scene.alice_orders[0])
    bob_invoice = issue_invoice(order=scene.bob_orders[0])
    log_in(client, scene.alice)
    profile = client.get(reverse("account:profile")).content.decode()
    assert reverse("account:data_export") in profile and "Télécharger mes données" in profile

    text, data = _download(client, reverse("account:data_export"))

    assert data["compte"]["email"] == "alice.martin@example.test"
    assert data["compte"]["telephone"] == "06 11 22 33 44"
    assert sorted(a["adresse"] for a in data["adresses"]) == ["12 rue de la Roquette", "7 passage Thiéré"]
    numbers = [o["numero"] for o in data["commandes"]]
    assert numbers == [o.number for o in scene.alice_orders]
    first = data["commandes"][0]
    assert first["total_ttc"] == str(scene.alice_orders[0].total)
    assert [(line["produit"], line["quantite"]) for line in first["lignes"]] == [("Margherita", 2), ("Coca-Cola", 1)]
    assert first["paiements"][0]["montant"] == str(scene.alice_orders[0].total)
    assert first["instructions_de_livraison"] == "Code 4521, 3e étage, sonner Martinez"
    assert first["factures_et_avoirs"] == [{"numero": invoice.number, "emis_le": data["commandes"][0]["factures_et_avoirs"][0]["emis_le"],
                                            "total_ttc": str(invoice.total_ttc)}]
    for trace in (*scene.bob_traces, scene.bob_orders[0].number, bob_invoice.number):
        assert trace not in text


def test_head_office_downloads_a_customers_data_from_the_user_page(client):
    scene = two_customers()
    log_in(client, HeadOfficeFactory())
    change = client.get(reverse("admin:account_user_change", args=[scene.bob.pk])).content.decode()
    url = reverse("admin:account_user_detail_data_export", args=[scene.bob.pk])
    assert url in change

    text, data = _download(client, url)

    assert data["compte"]["email"] == "bob.leroy@example.test"
    assert [o["numero"] for o in data["commandes"]] == [scene.bob_orders[0].number]
    for trace in scene.alice_traces:
        assert trace not in text


def test_a_manager_cannot_export_a_customer(client):
    scene = two_customers()
    log_in(client, scene.chain.people["manager"])
    response = client.get(reverse("admin:account_user_detail_data_export", args=[scene.alice.pk]))
    assert response.status_code in (403, 404)
