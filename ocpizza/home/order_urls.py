from django.urls import path

from order import views

app_name = "order"

urlpatterns = [
    path("paiement/webhook/", views.stripe_webhook, name="stripe_webhook"),
    path("commande/<str:number>/paiement/", views.pay, name="pay"),
    path("commande/<str:number>/paiement/carte/", views.pay_card, name="pay_card"),
    path("commande/<str:number>/paiement/refus/", views.pay_refused, name="pay_refused"),
    path("commande/<str:number>/paiement/nouvelle-carte/", views.new_setup_intent, name="new_setup_intent"),
    path("commande/<str:number>/paiement/verifier/", views.pay_check, name="pay_check"),
    path("commande/<str:number>/confirmation/", views.confirmation, name="confirmation"),
    path("mes-commandes/", views.my_orders, name="my_orders"),
    path("mes-commandes/<str:number>/", views.order_detail, name="detail"),
    path("mes-commandes/<str:number>/statut/", views.order_status, name="status"),
    path("mes-commandes/<str:number>/verifier/", views.recheck, name="recheck"),
    path("mes-commandes/<str:number>/modifier/", views.change, name="change"),
    path("mes-commandes/<str:number>/annuler/", views.cancel, name="cancel"),
]
