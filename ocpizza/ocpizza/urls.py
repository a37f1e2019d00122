from django.conf import settings
from django.conf.urls.static import static
from django.contrib import admin
from django.urls import include, path

from ops.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/tableau-de-bord/", include("dashboard.urls")),
    path("admin/", admin.site.urls),
    path("compte/", include("account.urls")),
    path("", include("order.urls")),
    path("", include("home.urls")),
]
if settings.DEBUG:
    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
