"""The one place the app leans on Streamlit's internals, checked against the installed Streamlit.

Streamlit 1.67 has no public way to refuse an upload for a session (the upload route keeps any file
PUT for any live session). components/upload_guard.py wraps the runtime's uploaded-file manager's
add_file; these tests fail the moment a Streamlit release renames or stops calling what it wraps,
instead of the guard switching itself off in silence.
"""

import inspect
import re

from streamlit.runtime.memory_uploaded_file_manager import MemoryUploadedFileManager
from streamlit.runtime.runtime import Runtime
from streamlit.web.server.starlette import starlette_routes


def test_upload_route_stores_files_through_the_manager_the_guard_wraps():
    source = inspect.getsource(starlette_routes.create_upload_routes)
    assert "upload_mgr.add_file(" in source
    assert "session_id=session_id" in source


def test_runtime_exposes_the_uploaded_file_manager_with_add_file_and_remove_session_files():
    assert isinstance(inspect.getattr_static(Runtime, "uploaded_file_mgr"), property)
    assert list(inspect.signature(MemoryUploadedFileManager.add_file).parameters) == ["self", "session_id", "file"]
    assert list(inspect.signature(MemoryUploadedFileManager.remove_session_files).parameters) == ["self", "session_id"]


def test_the_server_gives_the_upload_routes_the_runtimes_manager():
    """The routes are built with the same manager object the guard finds at runtime.get_instance()."""
    from streamlit.web.server.starlette import starlette_app

    source = inspect.getsource(starlette_app)
    assert re.search(r"upload_mgr\b[^=\n]*=\s*runtime\.uploaded_file_mgr", source)
    assert re.search(r"create_upload_routes\(runtime, upload_mgr\b", source)
