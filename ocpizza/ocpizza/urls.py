from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path, reverse

from home import order_urls
from ops.health import healthz
from order import webhook_views


def admin_login(request, extra_context=None):
    """The admin login, landing on the admin: unfold's login form carries no hidden `next`,
    so without one staff would land on LOGIN_REDIRECT_URL, the public site."""
    if "next" not in request.GET and "next" not in request.POST:
        request.GET = request.GET.copy()
        request.GET["next"] = reverse("admin:index")
    return admin.site.login(request, extra_context)


urlpatterns = [
    path("admin/login/", admin_login),
    path("healthz", healthz, name="healthz"),
    path("admin/tableau-de-bord/", include("dashboard.urls")),
    path("admin/", admin.site.urls),
    path("compte/", include("home.account_urls")),
    # One "order" namespace (order:pay, order:stripe_webhook...): the customer's order pages are
    # screens (home.order_urls), the Stripe webhook an integration endpoint (order.webhook_views).
    path("", include((webhook_views.urlpatterns + order_urls.urlpatterns, "order"))),
    path("", include("home.urls")),
]
# French answers to what any client can send (ocpizza/errors.py); 500.html is Django's default name.
handler400 = "ocpizza.errors.bad_request"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
