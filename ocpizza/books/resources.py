"""Spreadsheet import/export of the VAT rates (issue 18, F-BOOK-1), like the menu's (F-ADM-7):
French headers (fixtures/templates/taux_tva.csv|xlsx, docs/imports.md), lines matched by their
natural key (category and start date), nothing written unless the whole file is valid."""
import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from import_export import widgets
from import_export.fields import Field

from books.models import VatRate
from books.services import check_vat_rate
from product.spreadsheet_cells import is_blank, natural
from product.spreadsheet_resource import NaturalKeyInstanceLoader, SpreadsheetResource
from product.spreadsheet_widgets import ChoiceWidget, FrenchDecimalWidget, TextWidget
from product.vat import VatCategory


class FrenchDateWidget(widgets.Widget):
    """A day written "01/01/2014" (French), "2014-01-01" (ISO) or as a spreadsheet date cell."""

    def __init__(self, *, required=False):
        super().__init__(coerce_to_string=True)
        self.required = required

    def clean(self, value, row=None, **kwargs):
        if is_blank(value):
            if self.required:
                raise ValueError(_("Cette cellule est obligatoire."))
            return None
        if isinstance(value, datetime.datetime):
            return value.date()
        if isinstance(value, datetime.date):
            return value
        text = str(value).strip()
        for pattern in ("%d/%m/%Y", "%Y-%m-%d", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d %H:%M:%S"):
            try:
                return datetime.datetime.strptime(text, pattern).date()
            except ValueError:
                continue
        raise ValueError(_("« %(value)s » n'est pas une date : écrivez-la jj/mm/aaaa (par ex. 01/01/2014).") % {"value": text[:40]})

    def render(self, value, obj=None, **kwargs):
        return value.strftime("%d/%m/%Y") if value else ""


def _key(category, valid_from):
    return (category, valid_from)


class VatRateResource(SpreadsheetResource):
    categorie = Field(attribute="category", column_name="categorie", widget=ChoiceWidget(VatCategory))
    taux = Field(
        attribute="rate", column_name="taux",
        widget=FrenchDecimalWidget(max_digits=5, decimal_places=2, required=True),
    )
    du = Field(attribute="valid_from", column_name="du", widget=FrenchDateWidget(required=True))
    au = Field(attribute="valid_until", column_name="au", widget=FrenchDateWidget())
    reference = Field(attribute="note", column_name="reference", widget=TextWidget(max_length=200))

    required_columns = ("categorie", "taux", "du")
    template_name = "taux_tva"  # fixtures/templates/taux_tva.csv|xlsx, and the export file name
    key_columns = ("categorie", "du")

    class Meta:
        model = VatRate
        fields = ("categorie", "taux", "du", "au", "reference")
        import_id_fields = ("categorie", "du")
        instance_loader_class = NaturalKeyInstanceLoader
        skip_unchanged = True

    @classmethod
    def get_display_name(cls):
        return _("Taux de TVA")

    def load_existing(self, dataset):
        return {_key(rate.category, rate.valid_from): rate for rate in VatRate.objects.all()}

    def instance_key(self, row):
        try:
            category = ChoiceWidget(VatCategory).clean(row.get("categorie"))
            day = FrenchDateWidget().clean(row.get("du"))
        except ValueError:
            return None
        return _key(category, day) if category and day else None

    def _duplicate_of(self, row, line):
        # Two lines with the same category and start, however the date is written.
        key = self.instance_key(row)
        if key is None:
            return None
        first = self._lines_by_key.setdefault(key, line)
        return first if first != line else None

    def validate_row(self, instance, row, **kwargs):
        if not instance.category:
            raise ValidationError({"categorie": _("Cette cellule est obligatoire.")})
        try:
            check_vat_rate(instance)
        except ValidationError as error:
            columns = {"rate": "taux", "valid_from": "du", "valid_until": "au"}
            raise ValidationError(
                {columns.get(field, field): messages for field, messages in error.message_dict.items()}
            ) from None
