"""The product form of the admin (issue 19): a price that jumps asks for confirmation; a photo
is resized on upload."""
from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.formats import number_format
from django.utils.translation import gettext_lazy as _

from product.models import Product, is_price_jump
from product.photos import resized_photo


class ProductForm(forms.ModelForm):
    confirm_price = forms.BooleanField(
        label=_("Je confirme ce prix"),
        required=False,
        help_text=_("À cocher seulement si le prix change de plus de 3 fois (vérifiez la virgule)."),
    )

    class Meta:
        model = Product
        fields = "__all__"

    def clean_image(self):
        image = self.cleaned_data.get("image")
        if isinstance(image, UploadedFile):
            # Any size from head office's camera; the site serves a small JPEG (product/photos.py).
            return resized_photo(image)
        return image

    def clean(self):
        data = super().clean()
        old = self.instance.price if self.instance.pk else None
        new = data.get("price")
        if is_price_jump(old, new) and not data.get("confirm_price"):
            self.add_error(
                "price",
                _(
                    "Le prix passe de %(old)s € à %(new)s € : c'est plus de 3 fois plus ou moins. Vérifiez la virgule, "
                    "puis cochez « Je confirme ce prix » pour enregistrer."
                ) % {"old": number_format(old, 2, force_grouping=True), "new": number_format(new, 2, force_grouping=True)},
            )
        return data
