"""Product photos (issue 19): head office uploads any size, the site serves a small JPEG.

A phone's photo is 3-12 MB and 4000 px wide; a catalogue card shows it 320 px wide (640 on a
dense screen). The upload is re-encoded once, when the form is checked, with Pillow: orientation from EXIF
applied, at most PHOTO_MAX_SIZE pixels, JPEG quality PHOTO_QUALITY, metadata dropped. Nginx
then serves MEDIA_ROOT with cache headers (deploy/nginx/ocpizza.conf, 7 days; every upload gets
a new file name), and the catalogue loads it lazily.
"""
import io
from pathlib import PurePath

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

PHOTO_MAX_SIZE = (960, 600)  # the card's 16:10, twice its 480 px on a wide screen
PHOTO_QUALITY = 82
MAX_PIXELS = 40_000_000  # a 40 MP photo at most: refuses decompression bombs with a message


def resized_photo(upload):
    """A JPEG of at most PHOTO_MAX_SIZE from an uploaded image, or a French ValidationError."""
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            if image.width * image.height > MAX_PIXELS:
                raise ValidationError(_("Cette photo est trop grande (plus de 40 millions de pixels)."))
            image = ImageOps.exif_transpose(image)
            image = image.convert("RGB")
            image.thumbnail(PHOTO_MAX_SIZE, Image.Resampling.LANCZOS)
            out = io.BytesIO()
            image.save(out, "JPEG", quality=PHOTO_QUALITY, optimize=True, progressive=True)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError, ValueError) as error:
        raise ValidationError(_("Ce fichier n'est pas une image lisible (JPEG, PNG ou WebP).")) from error
    name = PurePath(upload.name).stem[:80] + ".jpg"
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")
