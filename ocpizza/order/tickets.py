"""The QR code printed on the kitchen ticket (issue 17): segno draws it as inline SVG, so the
80 mm page needs no image file and no request of its own."""
import segno


def qr_svg(url: str) -> str:
    """An SVG <svg> element encoding `url` (the order in the admin), scaled by the page's CSS."""
    return segno.make(url, error="m").svg_inline(scale=2, border=2, omitsize=True)
