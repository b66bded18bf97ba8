"""Storing: the SQLite workspace."""

from viewer.store.workspace import (SCHEMA_VERSION, WORKSPACE_SUFFIX, Workspace, WorkspaceError,
                                    is_workspace_file)

__all__ = ["SCHEMA_VERSION", "WORKSPACE_SUFFIX", "Workspace", "WorkspaceError", "is_workspace_file"]
