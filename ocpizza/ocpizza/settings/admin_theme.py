"""The admin's theme and sidebar (django-unfold)."""
from django.templatetags.static import static
from django.urls import reverse_lazy
from django.utils.translation import gettext_lazy as _

UNFOLD = {
    "SITE_TITLE": _("OC Pizza"),
    "SITE_HEADER": _("OC Pizza — gestion"),
    "SITE_SYMBOL": "local_pizza",
    # The site's icon in the admin's tabs too (issue 19: every page logged a favicon 404).
    "SITE_FAVICONS": [
        {"rel": "icon", "type": "image/svg+xml", "href": lambda request: static("home/favicon.svg")},
    ],
    # French labels for unfold's scroll areas (issue 19: "scrollable content" for screen readers).
    "SCRIPTS": [lambda request: static("ocpizza/admin-fr.js")],
    "SHOW_HISTORY": True,
    "SHOW_VIEW_ON_SITE": False,
    "DASHBOARD_CALLBACK": "dashboard.views.dashboard_callback",
    "COLORS": {
        "primary": {
            "50": "254 242 242", "100": "254 226 226", "200": "254 202 202", "300": "252 165 165",
            "400": "248 113 113", "500": "239 68 68", "600": "220 38 38", "700": "185 28 28",
            "800": "153 27 27", "900": "127 29 29", "950": "69 10 10",
        },
    },
    "SIDEBAR": {
        "show_search": True,
        "show_all_applications": True,
        "navigation": [
            {
                "title": _("Service"),
                "separator": False,
                "items": [
                    {"title": _("Tableau de bord"), "icon": "dashboard", "link": reverse_lazy("admin:index")},
                    {
                        "title": _("Commandes"),
                        "icon": "receipt_long",
                        "link": reverse_lazy("admin:order_order_changelist"),
                        "permission": "dashboard.utils.can_view_orders",
                    },
                    {
                        "title": _("Cuisine"),
                        "icon": "skillet",
                        "link": reverse_lazy("admin:order_kitchen"),
                        "permission": "dashboard.utils.can_use_kitchen",
                    },
                    {
                        "title": _("Livraisons"),
                        "icon": "two_wheeler",
                        "link": reverse_lazy("admin:order_drivers"),
                        "permission": "dashboard.utils.can_use_driver_queue",
                    },
                ],
            },
            {
                "title": _("Magasins et stock"),
                "separator": True,
                "items": [
                    {
                        "title": _("Pizzerias"),
                        "icon": "storefront",
                        "link": reverse_lazy("admin:pizzeria_pizzeria_changelist"),
                        "permission": "dashboard.utils.can_view_pizzerias",
                    },
                    {
                        "title": _("Stock"),
                        "icon": "inventory_2",
                        "link": reverse_lazy("admin:pizzeria_stock_changelist"),
                        "permission": "dashboard.utils.can_view_stock",
                    },
                    {
                        "title": _("Mouvements de stock"),
                        "icon": "swap_vert",
                        "link": reverse_lazy("admin:pizzeria_stockmovement_changelist"),
                        "permission": "dashboard.utils.can_view_stock",
                    },
                    {
                        "title": _("Équipes"),
                        "icon": "badge",
                        "link": reverse_lazy("admin:pizzeria_staffmembership_changelist"),
                        "permission": "dashboard.utils.can_view_memberships",
                    },
                ],
            },
            {
                "title": _("Carte"),
                "separator": True,
                "items": [
                    {
                        "title": _("Produits"),
                        "icon": "local_pizza",
                        "link": reverse_lazy("admin:product_product_changelist"),
                        "permission": "dashboard.utils.can_view_products",
                    },
                    {
                        "title": _("Ingrédients"),
                        "icon": "egg",
                        "link": reverse_lazy("admin:product_ingredient_changelist"),
                        "permission": "dashboard.utils.can_view_products",
                    },
                    {
                        "title": _("Aide-mémoire"),
                        "icon": "sticky_note_2",
                        "link": reverse_lazy("admin:product_reminder_changelist"),
                        "permission": "dashboard.utils.can_view_products",
                    },
                ],
            },
            {
                "title": _("Utilisateurs"),
                "separator": True,
                "items": [
                    {
                        "title": _("Utilisateurs"),
                        "icon": "people",
                        "link": reverse_lazy("admin:account_user_changelist"),
                        "permission": "dashboard.utils.is_head_office",
                    },
                ],
            },
        ],
    },
}
