# PyInstaller run-time hook (build.spec): what PyInstaller's own PySide6 hook does, minus importing
# PySide6.QtCore at start-up. That import loads Qt and ICU (~0.3-0.5 s of CPU) before every
# command, even `zongzhi --help`; the PySide6 wheel makes its Qt relocatable (qt.conf) itself when
# the window imports it, so only the plugin path must be set here.
import os
import sys

from _pyi_rth_utils import qt as _qt_rth_utils

_qt_rth_utils.ensure_single_qt_bindings_package("PySide6")
_qt_dir = os.path.join(sys._MEIPASS, "PySide6") if sys.platform.startswith("win") else os.path.join(
    sys._MEIPASS, "PySide6", "Qt")
os.environ["QT_PLUGIN_PATH"] = os.path.join(_qt_dir, "plugins")
if sys.platform.startswith("win"):
    os.environ["PATH"] = sys._MEIPASS + os.pathsep + os.environ.get("PATH", "")
