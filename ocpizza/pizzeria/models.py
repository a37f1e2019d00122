from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from account.roles import Role as StaffRole
from pizzeria.legal import check_vat_matches_siret, normalise_siret, validate_siret, validate_vat_number
from ocpizza.models import TimeStampedModel


class Pizzeria(TimeStampedModel):
    class Status(models.TextChoices):
        OPEN = "open", _("Ouverte")
        OPENING_SOON = "opening_soon", _("Ouverture prochaine")
        CLOSED = "closed", _("Fermée")

    name = models.CharField(_("nom"), max_length=100, unique=True)
    slug = models.SlugField(_("identifiant"), max_length=100, unique=True)
    address_line = models.CharField(_("adresse"), max_length=255)
    postcode = models.CharField(_("code postal"), max_length=10)
    city = models.CharField(_("ville"), max_length=100)
    phone = models.CharField(_("téléphone"), max_length=20, blank=True)
    latitude = models.DecimalField(_("latitude"), max_digits=9, decimal_places=6)
    longitude = models.DecimalField(_("longitude"), max_digits=9, decimal_places=6)
    delivery_radius_km = models.DecimalField(
        _("rayon de livraison (km)"), max_digits=5, decimal_places=2, default=Decimal("20")
    )
    served_postcodes = models.TextField(
        _("codes postaux desservis"),
        blank=True,
        help_text=_("Séparés par des virgules. Vide : tout le rayon de livraison est desservi."),
    )
    status = models.CharField(_("état"), max_length=20, choices=Status.choices, default=Status.OPEN)
    # Issue 17 (pizzeria.hours, pizzeria.slots): the manager's pause ends by itself at this time.
    paused_until = models.DateTimeField(_("commandes en pause jusqu'à"), null=True, blank=True)
    slot_capacity = models.PositiveSmallIntegerField(
        _("commandes par quart d'heure"), null=True, blank=True,
        help_text=_("Nombre de commandes que la cuisine prend par créneau de 15 minutes. Vide : sans limite."),
    )
    opening_date = models.DateField(
        _("date d'ouverture"), null=True, blank=True,
        help_text=_("Pour une pizzeria en ouverture prochaine : la date annoncée sur le site."),
    )

    # Legal details printed on receipts, invoices and credit notes (issue 18, F-BOOK-2): the
    # company that sells (a shop may be its own company, a franchise), set by head office.
    legal_name = models.CharField(_("raison sociale"), max_length=150, blank=True)
    legal_form = models.CharField(
        _("forme juridique"), max_length=100, blank=True, help_text=_("Ex. : SAS au capital de 50 000 €.")
    )
    siret = models.CharField(_("SIRET"), max_length=17, blank=True, validators=[validate_siret])
    vat_number = models.CharField(
        _("n° de TVA intracommunautaire"), max_length=16, blank=True, validators=[validate_vat_number]
    )
    registered_address = models.CharField(_("siège social"), max_length=255, blank=True)
    registry = models.CharField(_("immatriculation"), max_length=100, blank=True, help_text=_("Ex. : RCS Paris 912 345 678."))
    # Invoices are numbered per shop and year: "MONT-2026-000123".
    invoice_prefix = models.CharField(
        _("préfixe des factures"), max_length=6, unique=True, null=True, blank=True,
        help_text=_("2 à 6 lettres majuscules, propres à la pizzeria (ex. MONT) ; ne change plus après la première facture."),
        validators=[RegexValidator(r"^[A-Z]{2,6}$", _("2 à 6 lettres majuscules, sans accent ni espace."))],
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("pizzeria")
        verbose_name_plural = _("pizzerias")
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(condition=Q(delivery_radius_km__gt=0), name="pizzeria_radius_positive"),
            models.CheckConstraint(
                condition=Q(latitude__gte=-90, latitude__lte=90, longitude__gte=-180, longitude__lte=180),
                name="pizzeria_coordinates_valid",
            ),
        ]

    def __str__(self):
        return self.name

    def clean_fields(self, exclude=None):
        # Typed with spaces or in lower case: stored the one way receipts print and validators read.
        self.siret = normalise_siret(self.siret)
        self.vat_number = normalise_siret(self.vat_number).upper()
        self.invoice_prefix = (self.invoice_prefix or "").strip().upper() or None
        super().clean_fields(exclude=exclude)

    def clean(self):
        super().clean()
        check_vat_matches_siret(siret=self.siret, vat_number=self.vat_number)

    @property
    def served_postcode_list(self):
        return [code.strip() for code in self.served_postcodes.replace(";", ",").split(",") if code.strip()]


class StaffMembership(TimeStampedModel):
    """A staff member's role in one pizzeria; a user may hold several (users × roles × pizzerias)."""

    Role = StaffRole  # the one enum of staff roles (account.roles, below the pizzerias)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("employé")
    )
    pizzeria = models.ForeignKey(
        Pizzeria, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("pizzeria")
    )
    role = models.CharField(_("rôle"), max_length=20, choices=Role.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("rôle en pizzeria")
        verbose_name_plural = _("rôles en pizzeria")
        ordering = ["pizzeria__name", "role", "user__last_name"]
        constraints = [
            models.UniqueConstraint(fields=["user", "pizzeria", "role"], name="staffmembership_unique_role"),
        ]

    def __str__(self):
        return f"{self.user} — {self.get_role_display()} — {self.pizzeria}"


class Stock(TimeStampedModel):
    """Quantity of one ingredient in one pizzeria.

    `quantity` only changes through pizzeria.services (take_stock and return_stock for orders,
    count_stock for counts and imports, correct_stock for the stock page), which writes a
    StockMovement for every change: the quantity always equals the sum of its movements.
    """

    pizzeria = models.ForeignKey(Pizzeria, on_delete=models.CASCADE, related_name="stocks", verbose_name=_("pizzeria"))
    ingredient = models.ForeignKey(
        "product.Ingredient", on_delete=models.PROTECT, related_name="stocks", verbose_name=_("ingrédient")
    )
    quantity = models.DecimalField(_("quantité"), max_digits=12, decimal_places=3, default=Decimal("0"))

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("stock")
        verbose_name_plural = _("stocks")
        ordering = ["pizzeria__name", "ingredient__name"]
        constraints = [
            models.UniqueConstraint(fields=["pizzeria", "ingredient"], name="stock_unique_pizzeria_ingredient"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="stock_quantity_not_negative"),
        ]

    def __str__(self):
        return f"{self.ingredient} — {self.pizzeria}"

    @property
    def is_low(self):
        return self.quantity <= self.ingredient.low_stock_threshold


class StockMovement(models.Model):
    """An append-only ledger line: never updated, never deleted."""

    class Reason(models.TextChoices):
        ORDER = "order", _("Commande acceptée")
        ORDER_RETURN = "order_return", _("Retour de commande")
        DELIVERY = "delivery", _("Livraison de marchandise")
        CORRECTION = "correction", _("Correction manuelle")
        INVENTORY = "inventory", _("Inventaire")
        LOSS = "loss", _("Perte / casse")

    stock = models.ForeignKey(Stock, on_delete=models.PROTECT, related_name="movements", verbose_name=_("stock"))
    delta = models.DecimalField(_("variation"), max_digits=12, decimal_places=3)
    quantity_after = models.DecimalField(_("quantité après"), max_digits=12, decimal_places=3)
    reason = models.CharField(_("motif"), max_length=20, choices=Reason.choices)
    note = models.CharField(_("commentaire"), max_length=255, blank=True)
    order = models.ForeignKey(
        "order.Order",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stock_movements",
        verbose_name=_("commande"),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="stock_movements",
        verbose_name=_("par"),
    )
    created_at = models.DateTimeField(_("date"), auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        verbose_name = _("mouvement de stock")
        verbose_name_plural = _("mouvements de stock")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(delta=0), name="stockmovement_delta_not_zero"),
            models.CheckConstraint(condition=Q(quantity_after__gte=0), name="stockmovement_after_not_negative"),
        ]

    def __str__(self):
        sign = "+" if self.delta > 0 else ""
        return f"{self.stock} {sign}{self.delta} ({self.get_reason_display()})"


class OpeningHours(models.Model):
    """One weekly service of a shop: several a day, and one that closes after midnight
    (closing time not after its opening time) ends the next day. See pizzeria.hours."""

    class Weekday(models.IntegerChoices):
        MONDAY = 0, _("lundi")
        TUESDAY = 1, _("mardi")
        WEDNESDAY = 2, _("mercredi")
        THURSDAY = 3, _("jeudi")
        FRIDAY = 4, _("vendredi")
        SATURDAY = 5, _("samedi")
        SUNDAY = 6, _("dimanche")

    pizzeria = models.ForeignKey(
        Pizzeria, on_delete=models.CASCADE, related_name="opening_hours", verbose_name=_("pizzeria")
    )
    weekday = models.PositiveSmallIntegerField(_("jour"), choices=Weekday.choices)
    opens = models.TimeField(_("ouverture"))
    closes = models.TimeField(_("fermeture"), help_text=_("Avant l'ouverture : le service finit le lendemain (ex. 18:00 – 02:00)."))

    class Meta:
        verbose_name = _("horaire d'ouverture")
        verbose_name_plural = _("horaires d'ouverture")
        ordering = ["pizzeria__name", "weekday", "opens"]
        constraints = [
            models.CheckConstraint(condition=Q(weekday__gte=0, weekday__lte=6), name="openinghours_weekday_valid"),
            models.CheckConstraint(condition=~Q(opens=F("closes")), name="openinghours_not_empty"),
            models.UniqueConstraint(fields=["pizzeria", "weekday", "opens"], name="openinghours_unique_service"),
        ]

    def __str__(self):
        return f"{self.get_weekday_display()} {self.opens:%H:%M} – {self.closes:%H:%M}"


class SpecialDay(models.Model):
    """A date whose hours differ from the week's: closed all day (a holiday), or open at these
    hours only (an exceptional opening). See pizzeria.hours."""

    pizzeria = models.ForeignKey(
        Pizzeria, on_delete=models.CASCADE, related_name="special_days", verbose_name=_("pizzeria")
    )
    date = models.DateField(_("date"))
    closed = models.BooleanField(_("fermé toute la journée"), default=False)
    opens = models.TimeField(_("ouverture"), null=True, blank=True)
    closes = models.TimeField(_("fermeture"), null=True, blank=True)
    note = models.CharField(_("motif"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("jour particulier")
        verbose_name_plural = _("jours particuliers")
        ordering = ["pizzeria__name", "date", "opens"]
        constraints = [
            models.CheckConstraint(
                condition=Q(closed=True, opens__isnull=True, closes__isnull=True)
                | (Q(closed=False, opens__isnull=False, closes__isnull=False) & ~Q(opens=F("closes"))),
                name="specialday_closed_or_hours",
            ),
        ]

    def __str__(self):
        if self.closed:
            return f"{self.date:%d/%m/%Y} : {_('fermé')}"
        return f"{self.date:%d/%m/%Y} : {self.opens:%H:%M} – {self.closes:%H:%M}"

    def clean(self):
        if self.closed and (self.opens or self.closes):
            raise ValidationError(_("Un jour fermé n'a pas d'horaires : videz l'ouverture et la fermeture."))
        if not self.closed and (self.opens is None or self.closes is None):
            raise ValidationError(_("Indiquez l'ouverture et la fermeture, ou cochez « fermé toute la journée »."))


class ServiceSlot(models.Model):
    """The orders held in one quarter-hour of a shop: the row locked to hold capacity
    (pizzeria.slots), all or nothing, like stock rows. Order.slot points here."""

    pizzeria = models.ForeignKey(Pizzeria, on_delete=models.CASCADE, related_name="slots", verbose_name=_("pizzeria"))
    starts_at = models.DateTimeField(_("début"))
    orders = models.PositiveIntegerField(_("commandes"), default=0)

    class Meta:
        verbose_name = _("créneau")
        verbose_name_plural = _("créneaux")
        ordering = ["pizzeria__name", "starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["pizzeria", "starts_at"], name="serviceslot_unique_start"),
            models.CheckConstraint(condition=Q(orders__gte=0), name="serviceslot_orders_not_negative"),
        ]

    def __str__(self):
        return f"{self.pizzeria} {self.starts_at:%Y-%m-%d %H:%M}"


class StockReservation(models.Model):
    """What a placed order holds of one stock line until the kitchen accepts it (issue 17).

    Written only by pizzeria.services (reserve_stock, release_stock, keep_reservation), under
    the stock rows' locks. `expires_at` is set while a card payment is pending: past it the
    reservation counts for nothing (every computation ignores it) and the weekly maintenance
    deletes it; a confirmed payment or an order paid at the door holds without expiry.
    Acceptance turns it into the ledger movement (take_stock deletes it in the same transaction)."""

    stock = models.ForeignKey(Stock, on_delete=models.CASCADE, related_name="reservations", verbose_name=_("stock"))
    order = models.ForeignKey(
        "order.Order", on_delete=models.CASCADE, related_name="stock_reservations", verbose_name=_("commande")
    )
    quantity = models.DecimalField(_("quantité réservée"), max_digits=12, decimal_places=3)
    expires_at = models.DateTimeField(_("expire le"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("réservée le"), auto_now_add=True)

    class Meta:
        verbose_name = _("réservation de stock")
        verbose_name_plural = _("réservations de stock")
        ordering = ["stock", "order"]
        constraints = [
            models.CheckConstraint(condition=Q(quantity__gt=0), name="stockreservation_quantity_positive"),
            models.UniqueConstraint(fields=["order", "stock"], name="stockreservation_unique_order_stock"),
        ]

    def __str__(self):
        return f"{self.stock} : {self.quantity} ({self.order_id})"
