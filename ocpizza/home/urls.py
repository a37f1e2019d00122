from django.urls import path

from home import views
from order.views import checkout

app_name = "home"

urlpatterns = [
    path("", views.index, name="index"),
    path("commande/", checkout, name="checkout"),  # order.views (issue 7): cart -> order
    path("pizzeria/<slug:slug>/", views.catalogue, name="catalogue"),
    path("panier/", views.cart_page, name="cart"),
    path("panier/ajouter/", views.cart_add, name="cart_add"),
    path("panier/modifier/", views.cart_update, name="cart_update"),
    path("panier/retirer/", views.cart_remove, name="cart_remove"),
    path("panier/vider/", views.cart_clear, name="cart_clear"),
]
