"""The Stripe webhook endpoint (F-ORD-4): an integration endpoint, not a screen. It hands the
signed event to order.webhooks and answers Stripe; the customer's pages live in home.views."""
from django.http import HttpResponse, HttpResponseBadRequest, JsonResponse
from django.urls import path
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from order import webhooks


@csrf_exempt
@require_POST
def stripe_webhook(request):
    try:
        event, replayed = webhooks.handle_webhook(payload=request.body, signature=request.META.get("HTTP_STRIPE_SIGNATURE"))
    except webhooks.InvalidWebhook:
        return HttpResponseBadRequest("invalid event")
    except webhooks.WebhookMisconfigured:
        return HttpResponse("webhook not configured", status=503, content_type="text/plain")
    except webhooks.WebhookRetry:
        return HttpResponse("payment provider unreachable, send again", status=503, content_type="text/plain")
    return JsonResponse({"received": event.event_id, "replayed": replayed})


# Included by ocpizza/urls.py in the "order" namespace, next to the customer's order pages.
urlpatterns = [
    path("paiement/webhook/", stripe_webhook, name="stripe_webhook"),
]
