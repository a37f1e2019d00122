from django.http import HttpResponse
from django.urls import path


def hello(request):
    return HttpResponse(b"hello", content_type="text/plain")


urlpatterns = [path("bench/hello", hello)]
