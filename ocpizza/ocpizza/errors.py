"""Error pages (issue 13 L8, issue 19): a clean French answer with a way back, never Django's
English "Not Found" / "Forbidden" nor a raw CSRF failure.

Django turns a SuspiciousOperation raised while reading a request (body over
DATA_UPLOAD_MAX_MEMORY_SIZE, too many fields or files, a stranger's Host header...) into a 400
through `handler400`. A body that is merely too big deserves its own status, 413, and a message
saying what to do. Under /admin/ the page takes the admin's look (unfold's page without menus),
elsewhere the site's. The site's templates are rendered without the request's context
processors: the error may come before the session and the user are known.
"""
import logging

from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponse
from django.template import loader
from django.utils.translation import gettext as _

logger = logging.getLogger(__name__)

ADMIN_PREFIX = "/admin/"


def _in_admin(request):
    return request is not None and (request.path or "").startswith(ADMIN_PREFIX)


def _same_site_referer(request):
    """The page the visitor came from, when it is one of ours (a plain link: the CSP forbids
    javascript: URLs)."""
    from django.utils.http import url_has_allowed_host_and_scheme

    referer = request.META.get("HTTP_REFERER", "") if request is not None else ""
    if referer and url_has_allowed_host_and_scheme(referer, allowed_hosts={request.get_host()}):
        return referer
    return ""


def _as_visitor(request):
    """The request as an anonymous visitor's, for the admin's each_context only (issue 14).

    The error page is unfold's page without menus: it shows neither the list of apps nor the
    sidebar, yet each_context builds both for a staff user, asking every registered model's
    permissions (about 15 ms a 403 or 404 on MariaDB, the best part of the page's time). The
    page is rendered with the real request all the same (its context processors see the user),
    and comes out the same, byte for byte (tests/site/test_site_error_pages.py)."""
    import copy

    from django.contrib.auth.models import AnonymousUser

    visitor = copy.copy(request)
    visitor.user = AnonymousUser()
    return visitor


def error_page(request, status, title, message, *, back=True):
    """The error page: its title, a sentence saying what to do, a link home and one back."""
    admin = _in_admin(request)
    context = {
        "title": title,
        "message": message,
        "status": status,
        "home_url": ADMIN_PREFIX if admin else "/",
        "home_label": _("Retour à l'accueil de la gestion") if admin else _("Retour à l'accueil"),
        "back_url": _same_site_referer(request) if back else "",
    }
    if admin:
        try:
            from django.contrib import admin as django_admin

            context = {**django_admin.site.each_context(_as_visitor(request)), **context}
            html = loader.render_to_string("errors/admin_page.html", context, request=request)
            return HttpResponse(html, status=status)
        except Exception:  # the admin's context needs the database: the site's page never does
            logger.exception("admin error page failed, falling back to the site's")
    return HttpResponse(loader.render_to_string("errors/site_page.html", context), status=status)


def bad_request(request, exception, template_name="400.html"):
    if isinstance(exception, RequestDataTooBig):
        return HttpResponse(loader.render_to_string("413.html"), status=413)
    return HttpResponse(loader.render_to_string(template_name), status=400)


def permission_denied(request, exception=None):
    return error_page(
        request, 403, _("Accès refusé"),
        _("Vous n'avez pas le droit d'ouvrir cette page. Connectez-vous avec un autre compte ou revenez en arrière."),
    )


def page_not_found(request, exception=None):
    return error_page(
        request, 404, _("Page introuvable"),
        _("Cette page n'existe pas ou plus : l'adresse est peut-être mal recopiée, ou la commande a été supprimée."),
    )


def server_error(request):
    return error_page(
        request, 500, _("Erreur du serveur"),
        _("Une erreur inattendue s'est produite ; l'équipe technique est prévenue. Réessayez dans quelques instants."),
    )


def csrf_failure(request, reason=""):
    """CSRF_FAILURE_VIEW: a form sent from a page left open too long (or after a logout/login in
    another tab). Nothing was saved; reloading the page gives a fresh form."""
    return error_page(
        request, 403, _("Formulaire expiré"),
        _(
            "Ce formulaire a expiré (page restée ouverte longtemps, ou connexion changée dans un autre onglet) : "
            "rien n'a été enregistré. Revenez à la page précédente, rechargez-la et recommencez."
        ),
    )
