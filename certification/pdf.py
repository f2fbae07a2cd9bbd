"""認定証 (certificate) as an A4 PDF, rendered by WeasyPrint from an HTML template.

Fonts: Noto Sans / Serif CJK JP (Debian's fonts-noto-cjk); without them Japanese glyphs
would be empty boxes. The QR code (an inline SVG data URI, no file on disk) points at the
public verification page.
"""

import base64
import io

import qrcode
import qrcode.image.svg
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation

from accounts.fiscal import era_code, fiscal_year_label, wareki_date

from .credentials.reissue import certificate_holder_name
from .models import Certification


def certificate_number(cert: Certification) -> str:
    """e.g. R6-1A2B3C4D: the 年度 in the era (`accounts.fiscal.era_code`) and the first 8
    hex digits of the UUID."""
    return f"{era_code(cert.fiscal_year)}-{cert.public_id.hex[:8].upper()}"


def verify_url(cert: Certification) -> str:
    return settings.SITE_URL.rstrip("/") + reverse(
        "certification:verify", kwargs={"public_id": cert.public_id}
    )


def qr_data_uri(text: str) -> str:
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, border=1)
    buffer = io.BytesIO()
    image.save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


def render_certificate(cert: Certification) -> bytes:
    """The PDF bytes of `cert` (always in Japanese: it is an official document)."""
    from weasyprint import HTML  # heavy import, only when a certificate is made

    with translation.override("ja"):
        awarded_on = cert.decided_on  # 認定日 is the 決裁日
        url = verify_url(cert)
        html = render_to_string(
            "certification/certificate_pdf.html",
            {
                "cert": cert,
                "name": certificate_holder_name(cert),
                "level": cert.get_level_display(),
                "year": fiscal_year_label(cert.fiscal_year),
                "number": certificate_number(cert),
                "awarded_on": wareki_date(awarded_on),
                "issuer": settings.CERTIFICATE_ISSUER,
                "city": settings.CITY_NAME,
                "verify_url": url,
                "qr": qr_data_uri(url),
                "revoked": cert.status == Certification.Status.REVOKED,
            },
        )
    return HTML(string=html, base_url=settings.SITE_URL).write_pdf()
