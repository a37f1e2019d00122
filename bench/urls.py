"""The site's URLs plus /bench/hello, the yardstick of bench/lunch_rush.py.

The hello view answers a constant without touching the database or a template: the ratio
"page throughput / hello throughput" measured in the same run on the same server says how
heavy a page is whatever the machine's speed or load.
"""
from django.http import HttpResponse
from django.urls import path

from ocpizza.urls import urlpatterns as site_urlpatterns


def hello(request):
    return HttpResponse(b"hello", content_type="text/plain")


urlpatterns = [path("bench/hello", hello, name="bench_hello"), *site_urlpatterns]
