"""Storing: the SQLite workspace."""

from viewer.store.workspace import SCHEMA_VERSION, Workspace, WorkspaceError

__all__ = ["SCHEMA_VERSION", "Workspace", "WorkspaceError"]
