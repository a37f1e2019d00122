from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.templatetags.static import static as static_url
from django.http import HttpResponsePermanentRedirect
from django.urls import include, path, reverse

from home import order_urls
from ops.health import healthz
from order import webhook_views


def admin_login(request, extra_context=None):
    """The admin login, landing on the role's own screen (account:landing: the dashboard, the
    kitchen or the delivery queue): unfold's login form carries no hidden `next`."""
    if "next" not in request.GET and "next" not in request.POST:
        request.GET = request.GET.copy()
        request.GET["next"] = reverse("account:landing")
    return admin.site.login(request, extra_context)


urlpatterns = [
    path("admin/login/", admin_login),
    path("healthz", healthz, name="healthz"),
    # Browsers ask for /favicon.ico whatever the page says: the same icon, no 404 in every log.
    # Resolved per request: the static manifest may not exist yet when the URLs are imported
    # (a management command before collectstatic).
    path("favicon.ico", lambda request: HttpResponsePermanentRedirect(static_url("home/favicon.svg"))),
    path("admin/tableau-de-bord/", include("dashboard.urls")),
    path("admin/", admin.site.urls),
    path("compte/", include("home.account_urls")),
    # One "order" namespace (order:pay, order:stripe_webhook...): the customer's order pages are
    # screens (home.order_urls), the Stripe webhook an integration endpoint (order.webhook_views).
    path("", include((webhook_views.urlpatterns + order_urls.urlpatterns, "order"))),
    path("", include("home.urls")),
]
# French error pages in the site's look, or the admin's under /admin/, each with a way back
# (ocpizza/errors.py); the CSRF failure page is settings.CSRF_FAILURE_VIEW.
handler400 = "ocpizza.errors.bad_request"
handler403 = "ocpizza.errors.permission_denied"
handler404 = "ocpizza.errors.page_not_found"
handler500 = "ocpizza.errors.server_error"

if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
