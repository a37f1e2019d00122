"""The customer's order pages, in the "order" namespace (order:pay, order:status...).

ocpizza/urls.py includes them together with order.webhook_views' Stripe endpoint under that one
namespace: the pages are screens (home), the webhook an integration endpoint (order)."""
from django.urls import path

from home.views import documents, orders, payment

urlpatterns = [
    # First: polled every few seconds by every customer following an order.
    path("mes-commandes/<str:number>/statut/", orders.order_status, name="status"),
    path("commande/<str:number>/paiement/", payment.pay, name="pay"),
    path("commande/<str:number>/paiement/carte/", payment.pay_card, name="pay_card"),
    path("commande/<str:number>/paiement/refus/", payment.pay_refused, name="pay_refused"),
    path("commande/<str:number>/paiement/nouvelle-carte/", payment.new_setup_intent, name="new_setup_intent"),
    path("commande/<str:number>/paiement/verifier/", payment.pay_check, name="pay_check"),
    path("commande/<str:number>/confirmation/", payment.confirmation, name="confirmation"),
    path("mes-commandes/", orders.my_orders, name="my_orders"),
    path("mes-commandes/<str:number>/", orders.order_detail, name="detail"),
    path("mes-commandes/<str:number>/verifier/", payment.recheck, name="recheck"),
    path("mes-commandes/<str:number>/modifier/", orders.change, name="change"),
    path("mes-commandes/<str:number>/annuler/", orders.cancel, name="cancel"),
    # Issue 18: the receipt, the invoice and the credit notes of an order (PDF).
    path("mes-commandes/<str:number>/ticket.pdf", documents.receipt, name="receipt"),
    path("mes-commandes/<str:number>/facture/", documents.invoice, name="invoice"),
    path("mes-commandes/<str:number>/avoir/<int:refund>/", documents.credit_note, name="credit_note"),
]
