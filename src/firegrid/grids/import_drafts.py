"""A checked import file waiting for the user's commit (导入草稿).

The preview step keeps the uploaded file on the server and gives the page only a token, so the
commit does not post the whole file back (which would hit the request body limit far below the
50 MB upload limit) and cannot be swapped for an unchecked file.
"""

from __future__ import annotations

import datetime
import json
import secrets
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _

from firegrid.core.errors import ValidationFailed

DRAFT_DIR = "grid-imports"


def _path(user: Any, token: str) -> str:
    if not token.isalnum():
        raise ValidationFailed(_("The import form was incomplete; upload the file again."))
    return f"{DRAFT_DIR}/{user.pk}/{token}.json"


def import_draft_save(*, user: Any, collection: Any) -> str:
    token = secrets.token_hex(16)
    raw = json.dumps(collection, ensure_ascii=False).encode("utf-8")
    default_storage.save(_path(user, token), ContentFile(raw))
    return token


def import_draft_load(*, user: Any, token: str) -> Any:
    """The draft of this user (another user's token finds nothing)."""
    path = _path(user, token)
    if not default_storage.exists(path):
        raise ValidationFailed(
            _("The import form was incomplete; upload the file again."), code="draft_missing"
        )
    with default_storage.open(path, "rb") as draft:
        return json.loads(draft.read().decode("utf-8"))


def import_draft_delete(*, user: Any, token: str) -> None:
    default_storage.delete(_path(user, token))


def import_drafts_purge(
    *, older_than: datetime.timedelta, now: datetime.datetime | None = None
) -> int:
    """Delete drafts nobody committed; run hourly by the consumer. Returns how many went."""
    cutoff = (now or timezone.now()) - older_than
    removed = 0
    if not default_storage.exists(DRAFT_DIR):
        return 0
    user_dirs, _files = default_storage.listdir(DRAFT_DIR)
    for user_dir in user_dirs:
        _dirs, names = default_storage.listdir(f"{DRAFT_DIR}/{user_dir}")
        for name in names:
            path = f"{DRAFT_DIR}/{user_dir}/{name}"
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
                removed += 1
    return removed
