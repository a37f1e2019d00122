from django.urls import path

from home.views import cart, catalogue, checkout

app_name = "home"

urlpatterns = [
    path("", catalogue.index, name="index"),
    path("commande/", checkout.checkout, name="checkout"),
    path("pizzeria/<slug:slug>/", catalogue.catalogue, name="catalogue"),
    path("panier/", cart.cart_page, name="cart"),
    path("panier/ajouter/", cart.cart_add, name="cart_add"),
    path("panier/modifier/", cart.cart_update, name="cart_update"),
    path("panier/retirer/", cart.cart_remove, name="cart_remove"),
    path("panier/vider/", cart.cart_clear, name="cart_clear"),
]
