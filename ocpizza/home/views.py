from django.shortcuts import render

from pizzeria.models import Pizzeria


def index(request):
    pizzerias = Pizzeria.objects.exclude(status=Pizzeria.Status.CLOSED).order_by("name")
    return render(request, "home/index.html", {"pizzerias": pizzerias})
