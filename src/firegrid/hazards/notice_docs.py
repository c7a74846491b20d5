"""The rectification notice (整改通知书) as a document: DOCX (python-docx) and PDF (WeasyPrint).

Pure rendering of a notice as issued: nothing here writes. Both formats print the same text, built
once by `notice_content`, in the site's language (a notice is served on a Chinese premises, so it
does not follow the reader's language). The PDF needs a CJK font (WenQuanYi Micro Hei, Debian
package fonts-wqy-microhei); without one it would print empty boxes, so it refuses with a message
naming the package. Images are read from the media storage by a fetcher that fetches nothing else.
"""

from __future__ import annotations

import io
import posixpath
import shutil
import subprocess  # noqa: S404 - runs fontconfig's fc-list, a fixed argument list
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from django.conf import settings
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from firegrid.core.errors import ApplicationError

from .models import RectificationNotice
from .selectors_notices import notice_photos

FONT_PACKAGE = "fonts-wqy-microhei"
FONT_FAMILY = "WenQuanYi Micro Hei"
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
PDF_TYPE = "application/pdf"
CONTENT_TYPES = {"docx": DOCX_TYPE, "pdf": PDF_TYPE}
PHOTOS_MAX = 9  # photos printed on one notice
PHOTO_SIDE_PX = 1200  # photos are scaled down to this before they go into a document


class NoticeFontMissing(ApplicationError):
    """The server lacks a Chinese font, so no PDF can be made (the DOCX still can)."""

    code = "notice_font_missing"
    status = 503


@dataclass
class NoticeContent:
    """Every line a notice prints, in order, shared by the DOCX and the PDF."""

    title: str
    number: str
    addressee: str
    address: str
    intro: str
    problems: list[str]
    photos_label: str
    photos: list[str]  # storage names of the photos as found
    legal_basis: str
    deadline: str
    office: str
    issued_on: str
    seal: str
    inspector_line: str
    receiver_line: str
    receipt: list[str] = field(default_factory=list)


def chinese_date(value: Any) -> str:
    """2026年9月30日: the way a Chinese document writes a date, whatever the reader's language."""
    return f"{value.year}年{value.month}月{value.day}日"


def notice_content(notice: RectificationNotice) -> NoticeContent:
    with translation.override(settings.LANGUAGE_CODE):
        receipt: list[str] = []
        if notice.received_at is not None:
            when = timezone.localtime(notice.received_at)
            receipt.append(
                _("Signed for by %(name)s on %(date)s.")
                % {"name": notice.received_by_name, "date": f"{chinese_date(when)} {when:%H:%M}"}
            )
            if notice.receipt_note:
                receipt.append(_("Note: %(note)s") % {"note": notice.receipt_note})
        photos = [photo.image.name for photo in notice_photos(notice)][:PHOTOS_MAX]
        return NoticeContent(
            title=_("Fire Hazard Rectification Notice"),
            number=notice.number,
            addressee=_("%(place)s (person responsible: %(person)s):")
            % {"place": notice.place_name, "person": notice.responsible_name},
            address=_("Address: %(address)s") % {"address": notice.place_address}
            if notice.place_address
            else "",
            intro=_("On inspection, the following fire hazards were found at your premises:"),
            problems=[line.strip() for line in notice.problems.splitlines() if line.strip()],
            photos_label=_("Photos of the hazards as found:") if photos else "",
            photos=photos,
            legal_basis=notice.legal_basis,
            deadline=_("Rectify the hazards above by %(date)s.")
            % {"date": chinese_date(notice.deadline)},
            office=notice.office.name,
            issued_on=chinese_date(timezone.localtime(notice.issued_at)),
            seal=_("(seal)"),
            inspector_line=_("Inspector (signature): ________________  Date: ____________"),
            receiver_line=_(
                "Received by the person responsible of the inspected premises (signature): "
                "________________  Date: ____________"
            ),
            receipt=receipt,
        )


def scaled_photo(name: str, side: int = PHOTO_SIDE_PX) -> bytes | None:
    """A photo from the media storage, upright, at most `side` pixels, as JPEG; None if it is
    missing or unreadable (a lost file must not stop a notice from printing)."""
    try:
        with default_storage.open(name, "rb") as stream:
            opened = Image.open(stream)
            image = ImageOps.exif_transpose(opened) or opened
            image.thumbnail((side, side))
            out = io.BytesIO()
            image.convert("RGB").save(out, format="JPEG", quality=85)
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    return out.getvalue()


# DOCX ----------------------------------------------------------------------------------------


def notice_docx(notice: RectificationNotice) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Cm, Pt

    content = notice_content(notice)
    document = Document()
    document.core_properties.title = f"{content.title} {content.number}"
    normal = document.styles["Normal"]
    normal.font.size = Pt(12)
    _east_asian_font(normal.element, "宋体")

    def paragraph(text: str, *, align: Any = None, bold: bool = False, size: float = 0) -> Any:
        para = document.add_paragraph()
        run = para.add_run(text)
        run.bold = bold
        if size:
            run.font.size = Pt(size)
        if align is not None:
            para.alignment = align
        return para

    title = paragraph(content.title, align=WD_ALIGN_PARAGRAPH.CENTER, bold=True, size=20)
    _east_asian_font(title.runs[0]._element, "黑体")
    paragraph(content.number, align=WD_ALIGN_PARAGRAPH.CENTER)
    paragraph(content.addressee, bold=True)
    if content.address:
        paragraph(content.address)
    paragraph(content.intro)
    for index, problem in enumerate(content.problems, start=1):
        paragraph(f"{index}. {problem}")
    if content.photos:
        paragraph(content.photos_label)
        for name in content.photos:
            data = scaled_photo(name)
            if data is None:
                continue
            width, height = Image.open(io.BytesIO(data)).size
            size = {"width": Cm(12)} if width * 2 >= height * 3 else {"height": Cm(8)}
            document.add_picture(io.BytesIO(data), **size)
    paragraph(content.legal_basis)
    paragraph(content.deadline, bold=True)
    paragraph(f"{content.office}{content.seal}", align=WD_ALIGN_PARAGRAPH.RIGHT)
    paragraph(content.issued_on, align=WD_ALIGN_PARAGRAPH.RIGHT)
    paragraph(content.inspector_line)
    paragraph(content.receiver_line)
    for line in content.receipt:
        paragraph(line)
    for section in document.sections:
        section.top_margin = section.bottom_margin = Cm(2.5)
        section.left_margin = section.right_margin = Cm(2.5)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _east_asian_font(element: Any, name: str) -> None:
    """Word picks Chinese glyphs from the eastAsia font of a run or style, not from its name."""
    from docx.oxml.ns import qn

    element.get_or_add_rPr().get_or_add_rFonts().set(qn("w:eastAsia"), name)


# PDF -----------------------------------------------------------------------------------------


def cjk_font_available() -> bool:
    """Whether fontconfig knows a font with Chinese glyphs (`fc-list :lang=zh`)."""
    program = shutil.which("fc-list")
    if program is None:
        return False
    try:
        found = subprocess.run(  # noqa: S603 - fixed arguments, no shell
            [program, ":lang=zh", "family"], capture_output=True, text=True, timeout=20, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return False
    return found.returncode == 0 and bool(found.stdout.strip())


def font_missing_message() -> str:
    return _(
        "No Chinese font is installed on the server, so the notice cannot be made as PDF. "
        "Install the package %(package)s (apt-get install %(package)s) or download the DOCX."
    ) % {"package": FONT_PACKAGE}


def media_base_url() -> str:
    return Path(settings.MEDIA_ROOT).resolve().as_uri().rstrip("/") + "/"


def notice_pdf(notice: RectificationNotice) -> bytes:
    if not cjk_font_available():
        raise NoticeFontMissing(font_missing_message(), details={"package": FONT_PACKAGE})
    from weasyprint import HTML

    content = notice_content(notice)
    with translation.override(settings.LANGUAGE_CODE):
        html = render_to_string(
            "hazards/notice_pdf.html", {"notice": content, "font_family": FONT_FAMILY}
        )
    base_url = media_base_url()
    document = HTML(string=html, base_url=base_url, url_fetcher=_media_fetcher(base_url))
    return bytes(document.write_pdf())


def _media_fetcher(base_url: str) -> Any:
    """A WeasyPrint fetcher that serves files of the media storage under `base_url` (scaled when
    they are photos) and refuses everything else: a notice never reaches out to the network."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class MediaFetcher(URLFetcher):
        def fetch(self, url: str, headers: Any = None) -> Any:
            if not url.startswith(base_url):
                raise ValueError(f"not fetched: {url}")
            name = posixpath.normpath(unquote(url[len(base_url) :].split("?")[0]))
            if name.startswith(("/", "..")):
                raise ValueError(f"outside the media files: {url}")
            data = scaled_photo(name)
            if data is None:
                raise ValueError(f"unreadable image: {name}")
            return URLFetcherResponse(url, data, {"Content-Type": "image/jpeg"})

    return MediaFetcher(allowed_protocols=("file",))


# Files ---------------------------------------------------------------------------------------


def notice_file(notice: RectificationNotice, fmt: str) -> tuple[bytes, str, str]:
    """(content, content type, Content-Disposition) of the notice as `docx` or `pdf`."""
    data = notice_pdf(notice) if fmt == "pdf" else notice_docx(notice)
    return data, CONTENT_TYPES[fmt], content_disposition(notice, fmt)


def content_disposition(notice: RectificationNotice, fmt: str) -> str:
    """An ASCII fallback name and the number as the UTF-8 name (RFC 6266 / RFC 5987)."""
    name = notice.number.replace("/", "_").replace("\\", "_")
    return (
        f'attachment; filename="notice-{notice.pk}.{fmt}"; '
        f"filename*=UTF-8''{quote(f'{name}.{fmt}', safe='')}"
    )
