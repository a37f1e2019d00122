"""What a customer's data export holds (issue 18, F-BOOK-4, GDPR art. 15 and 20): the account,
the saved addresses and every order of the account with its lines and payments. Only rows that
belong to that account: the export of one customer never names another."""
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.utils import timezone

from order.models import Order


def _when(value):
    return timezone.localtime(value).isoformat() if value else None


def customer_data(*, user) -> dict:
    """The customer's data as plain values (times in Paris, amounts as text with a dot)."""
    orders = (
        Order.objects.filter(customer=user).select_related("pizzeria")
        .prefetch_related("lines", "payments", "credit_notes").select_related("invoice").order_by("created_at", "pk")
    )
    return {
        "export": {"genere_le": _when(timezone.now()), "format": "OC Pizza — données personnelles, version 1"},
        "compte": {
            "email": user.email,
            "prenom": user.first_name,
            "nom": user.last_name,
            "telephone": user.phone,
            "inscrit_le": _when(user.date_joined),
            "derniere_connexion": _when(user.last_login),
            "actif": user.is_active,
        },
        "adresses": [
            {
                "nom": address.label, "adresse": address.line, "code_postal": address.postcode,
                "ville": address.city, "pays": address.country, "par_defaut": address.is_default,
            }
            for address in user.addresses.order_by("pk")
        ],
        "commandes": [
            {
                "numero": order.number,
                "pizzeria": order.pizzeria.name,
                "passee_le": _when(order.created_at),
                "statut": order.get_status_display(),
                "mode": order.get_fulfilment_display(),
                "canal": order.get_channel_display(),
                "nom": order.customer_name,
                "telephone": order.customer_phone,
                "email": order.customer_email,
                "adresse_de_livraison": order.delivery_address,
                "instructions_de_livraison": order.delivery_instructions,
                "note": order.customer_note,
                "mode_de_paiement": order.get_payment_method_display(),
                "statut_du_paiement": order.get_payment_status_display(),
                "total_ttc": str(order.total),
                "lignes": [
                    {
                        "produit": line.product_name, "choix": line.options_label, "quantite": line.quantity,
                        "prix_unitaire_ttc": str(line.unit_price), "total_ttc": str(line.line_total),
                    }
                    for line in order.lines.all()
                ],
                "factures_et_avoirs": [
                    {"numero": doc.number, "emis_le": _when(doc.issued_at), "total_ttc": str(doc.total_ttc)}
                    for doc in [*([order.invoice] if hasattr(order, "invoice") else []), *order.credit_notes.all()]
                ],
                "paiements": [
                    {
                        "type": payment.get_kind_display(), "moyen": payment.get_provider_display(),
                        "statut": payment.get_status_display(), "montant": str(payment.amount),
                        "le": _when(payment.created_at),
                    }
                    for payment in sorted(order.payments.all(), key=lambda p: (p.created_at, p.pk))
                ],
            }
            for order in orders
        ],
    }


def customer_data_file(*, user) -> tuple[str, bytes]:
    """(file name, JSON bytes) of the customer's export, as the profile page and the admin send it."""
    content = json.dumps(customer_data(user=user), cls=DjangoJSONEncoder, ensure_ascii=False, indent=2)
    stamp = timezone.localdate().isoformat()
    return f"ocpizza-mes-donnees-{stamp}.json", content.encode("utf-8")
