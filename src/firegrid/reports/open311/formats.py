"""GeoReport v2 documents written as XML or JSON from the same Python values.

A document is a root element name and its content, built from plain values:

- a ``dict`` is an element with one child element per key (in order);
- ``Many(item, values)`` is a container whose children all repeat one element name;
- a scalar is a text node: ``True``/``False`` → ``true``/``false``, ``None`` → an empty element
  (JSON ``null``), an aware ``datetime`` → ISO 8601 with its offset in the local time zone.

XML is written with ``xml.etree`` after the XML declaration the spec asks for. JSON follows the
spec's *Spark convention*: the root element is dropped, a ``Many`` container always becomes an
array (even with one child), a ``dict`` an object — so ``services`` is a JSON array of objects and
``service_definition`` an object whose ``attributes`` is an array.
"""

from __future__ import annotations

import datetime
import json
import re
import xml.etree.ElementTree as ET  # noqa: S405 - we only write XML, never parse it here
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.http import HttpResponse
from django.utils import timezone

FORMATS = ("xml", "json")
CONTENT_TYPES = {
    "xml": "text/xml; charset=utf-8",
    "json": "application/json; charset=utf-8",
}
XML_DECLARATION = '<?xml version="1.0" encoding="utf-8"?>\n'
# Characters XML 1.0 cannot carry at all (C0 controls except tab, newline, carriage return).
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


@dataclass(frozen=True)
class Many:
    """A container element whose children all have the name `item` (a JSON array)."""

    item: str
    values: Sequence[Any]


def w3_datetime(value: datetime.datetime) -> str:
    """ISO 8601 as in the W3C note, with the offset: 2026-12-03T09:30:00+08:00."""
    return timezone.localtime(value).isoformat(timespec="seconds")


def _scalar_text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime.datetime):
        return w3_datetime(value)
    return _NOT_XML.sub("", str(value))


def _fill(element: ET.Element, content: Any) -> None:
    if isinstance(content, Many):
        for value in content.values:
            _fill(ET.SubElement(element, content.item), value)
    elif isinstance(content, dict):
        for name, value in content.items():
            _fill(ET.SubElement(element, name), value)
    else:
        element.text = _scalar_text(content)


def to_xml(root: str, content: Any) -> str:
    element = ET.Element(root)
    _fill(element, content)
    return XML_DECLARATION + ET.tostring(element, encoding="unicode")


def to_jsonable(content: Any) -> Any:
    """The Spark mapping of `content` (the root element itself is dropped by the caller)."""
    if isinstance(content, Many):
        return [to_jsonable(value) for value in content.values]
    if isinstance(content, dict):
        return {name: to_jsonable(value) for name, value in content.items()}
    if isinstance(content, datetime.datetime):
        return w3_datetime(content)
    return content


def to_json(content: Any) -> str:
    return json.dumps(to_jsonable(content), ensure_ascii=False)


def render(fmt: str, root: str, content: Any, *, status: int = 200) -> HttpResponse:
    """The document in `fmt` ("xml" or "json") as an HTTP response."""
    body = to_json(content) if fmt == "json" else to_xml(root, content)
    return HttpResponse(body.encode("utf-8"), status=status, content_type=CONTENT_TYPES[fmt])


def render_errors(fmt: str, errors: Sequence[tuple[int, str]], *, status: int) -> HttpResponse:
    """The spec's error array: ``errors/error/code, description`` (an unknown format gets XML,
    the format every GeoReport server must speak)."""
    items = [{"code": code, "description": description} for code, description in errors]
    return render(fmt if fmt in FORMATS else "xml", "errors", Many("error", items), status=status)
