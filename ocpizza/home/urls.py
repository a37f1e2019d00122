from django.urls import path

from home import views
from order.views import checkout

app_name = "home"

urlpatterns = [
    path("", views.index, name="index"),
    path("commande/", checkout, name="checkout"),  # order.views (issue 7): cart -> order
]
