"""The notice as a document: DOCX read back with python-docx, PDF text extracted with pypdf."""

from __future__ import annotations

import io
from typing import Any

import docx
import pypdf
import pytest
from django.conf import settings
from django.test import override_settings

from firegrid.hazards import notice_docs
from firegrid.hazards.models import RectificationNotice

from .test_notices import NUMBER, issue, receipt


def docx_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    return "\n".join(paragraph.text for paragraph in document.paragraphs)


def pdf_text(data: bytes) -> tuple[str, int]:
    """All the text of the PDF and the number of images on its pages."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return text, sum(len(page.images) for page in reader.pages)


def test_the_docx_reads_back_with_the_number_deadline_place_and_photo(
    world: dict[str, Any],
) -> None:
    notice = issue(world)

    data = notice_docs.notice_docx(notice)

    text = docx_text(data)
    document = docx.Document(io.BytesIO(data))
    assert NUMBER in text
    assert "2026年9月30日" in text  # the deadline
    assert "2026年9月21日" in text  # the issue date
    assert "平安小卖部" in text and "王老板" in text
    assert f"1. {notice.problems}" in text and "后门堆放杂物" in notice.problems
    assert notice.legal_basis in text
    assert "社区1-1" in text  # the issuing office
    assert len(document.inline_shapes) == 1  # the photo as found
    assert document.core_properties.title.endswith(NUMBER)


def test_the_receipt_is_printed_once_recorded(world: dict[str, Any]) -> None:
    issue(world)
    before = docx_text(notice_docs.notice_docx(RectificationNotice.objects.get()))

    receipt(world, note="当面签收")
    after = docx_text(notice_docs.notice_docx(RectificationNotice.objects.get()))

    assert "2026年9月22日 10:00" not in before
    assert "2026年9月22日 10:00" in after
    assert "当面签收" in after


def test_the_pdf_holds_the_chinese_place_name_the_number_and_the_photo(
    world: dict[str, Any],
) -> None:
    notice = issue(world)
    assert notice_docs.cjk_font_available()  # fonts-wqy-microhei: installed here and by .ci/run

    data = notice_docs.notice_pdf(notice)

    text, images = pdf_text(data)
    assert data.startswith(b"%PDF-")
    assert "平安小卖部" in text
    assert NUMBER in text
    assert "2026年9月30日" in text
    assert images == 1  # the photo, read from the media storage


def test_without_a_chinese_font_the_pdf_is_refused_naming_the_package(
    world: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    notice = issue(world)
    monkeypatch.setattr(notice_docs, "cjk_font_available", lambda: False)

    with pytest.raises(notice_docs.NoticeFontMissing) as caught:
        notice_docs.notice_pdf(notice)

    assert (caught.value.status, caught.value.code) == (503, "notice_font_missing")
    assert "fonts-wqy-microhei" in str(caught.value.message)


def test_no_fc_list_means_no_font(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(notice_docs.shutil, "which", lambda name: None)

    assert notice_docs.cjk_font_available() is False


def test_the_pdf_fetches_media_files_only(world: dict[str, Any]) -> None:
    base = notice_docs.media_base_url()
    fetcher = notice_docs._media_fetcher(base)

    for url in ("https://example.org/x.jpg", f"{base}../secret.jpg", "file:///etc/passwd"):
        with pytest.raises(ValueError, match="not fetched|outside the media files"):
            fetcher.fetch(url)
    with pytest.raises(ValueError, match="unreadable image"):
        fetcher.fetch(f"{base}hazards/photos/missing.jpg")


@override_settings(
    FIREGRID_NOTICE_NUMBER_PATTERN="{office}整改〔{year}〕{number:03d}号",
    FIREGRID_NOTICE_LEGAL_BASIS="依据《郑州市消防条例》第二十条。",
)
def test_the_number_pattern_and_the_legal_basis_are_configurable(world: dict[str, Any]) -> None:
    notice = issue(world)

    text = docx_text(notice_docs.notice_docx(notice))

    assert notice.number == "社区1-1整改〔2026〕001号"
    assert "社区1-1整改〔2026〕001号" in text
    assert "依据《郑州市消防条例》第二十条。" in text


def test_the_file_name_is_the_number_with_an_ascii_fallback(world: dict[str, Any]) -> None:
    notice = issue(world)
    notice.number = "告成镇消整〔2026〕第0001号/副本"

    header = notice_docs.content_disposition(notice, "docx")

    assert header == (
        f'attachment; filename="notice-{notice.pk}.docx"; '
        "filename*=UTF-8''%E5%91%8A%E6%88%90%E9%95%87%E6%B6%88%E6%95%B4%E3%80%942026%E3%80%95"
        "%E7%AC%AC0001%E5%8F%B7_%E5%89%AF%E6%9C%AC.docx"
    )


def test_chinese_dates() -> None:
    import datetime

    assert notice_docs.chinese_date(datetime.date(2026, 1, 5)) == "2026年1月5日"
    assert settings.LANGUAGE_CODE == "zh-hans"  # the language notices are printed in
