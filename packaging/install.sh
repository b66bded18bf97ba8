#!/usr/bin/env bash
# Make an unpacked Crosscheck bundle a desktop application for the current user (or a prefix).
#
#   ./install.sh [PREFIX]        default PREFIX: ~/.local  (use /usr/local as root for all users)
#   ./install.sh --uninstall [PREFIX]
#
# The bundle folder stays where it is: the command is a symlink to it, so move the folder
# first if it should live elsewhere (e.g. /opt/crosscheck).
set -euo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
uninstall=0
if [[ "${1:-}" == --uninstall ]]; then uninstall=1; shift; fi
PREFIX="${1:-$HOME/.local}"
BIN="$PREFIX/bin/crosscheck"
DESKTOP="$PREFIX/share/applications/crosscheck.desktop"
SVG="$PREFIX/share/icons/hicolor/scalable/apps/crosscheck.svg"
PNG="$PREFIX/share/icons/hicolor/256x256/apps/crosscheck.png"

if [[ $uninstall == 1 ]]; then
    rm -f "$BIN" "$DESKTOP" "$SVG" "$PNG"
else
    mkdir -p "$(dirname "$BIN")" "$(dirname "$DESKTOP")" "$(dirname "$SVG")" "$(dirname "$PNG")"
    ln -sfn "$HERE/crosscheck" "$BIN"
    install -m 644 "$HERE/crosscheck.desktop" "$DESKTOP"
    install -m 644 "$HERE/crosscheck.svg" "$SVG"
    install -m 644 "$HERE/crosscheck.png" "$PNG"
fi
# Refresh the menus' caches where the tools exist (they are optional).
if command -v update-desktop-database >/dev/null; then update-desktop-database -q "$PREFIX/share/applications" || true; fi
if command -v gtk-update-icon-cache >/dev/null; then gtk-update-icon-cache -q -t "$PREFIX/share/icons/hicolor" || true; fi
if [[ $uninstall == 1 ]]; then echo "removed Crosscheck from $PREFIX"; else
    echo "installed: $BIN -> $HERE/crosscheck, menu entry $DESKTOP"
    case ":$PATH:" in *":$PREFIX/bin:"*) ;; *) echo "note: add $PREFIX/bin to PATH for the 'crosscheck' command";; esac
fi
