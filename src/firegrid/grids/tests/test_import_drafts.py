import datetime

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone

from firegrid.conftest import small_collection
from firegrid.core.errors import ValidationFailed
from firegrid.grids.import_drafts import (
    import_draft_load,
    import_draft_save,
    import_drafts_purge,
)


@pytest.fixture
def user(db):
    return get_user_model().objects.create_user(username="office", password="x-for-tests")


def test_a_saved_draft_loads_back_unchanged_for_its_owner_only(user):
    other = get_user_model().objects.create_user(username="other", password="x-for-tests")
    token = import_draft_save(user=user, collection=small_collection())

    assert import_draft_load(user=user, token=token) == small_collection()
    with pytest.raises(ValidationFailed) as missing:
        import_draft_load(user=other, token=token)
    assert missing.value.code == "draft_missing"


def test_purge_removes_only_drafts_older_than_the_lifetime(user):
    token = import_draft_save(user=user, collection=small_collection())
    lifetime = datetime.timedelta(hours=24)

    assert import_drafts_purge(older_than=lifetime) == 0
    assert import_draft_load(user=user, token=token) == small_collection()

    later = timezone.now() + datetime.timedelta(hours=25)
    assert import_drafts_purge(older_than=lifetime, now=later) == 1
    with pytest.raises(ValidationFailed):
        import_draft_load(user=user, token=token)
