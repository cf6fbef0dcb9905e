"""The suite's own processes use the embedded file store (MEDIA_STORE unset): tests that age,
remove or look for stored files reach them through it, by the keys the rows store."""

from interview_contracts.media import FileMediaStore, get_media_store


def file_store() -> FileMediaStore:
    store = get_media_store()
    assert isinstance(store, FileMediaStore), "the suite's processes run the file store"
    return store
