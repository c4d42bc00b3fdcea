#!/usr/bin/env bash
# Set up (first time) and start 综治桌面. An empty store gets a demo township first.
# Data lives in --data-dir DIR, else $ZONGZHI_HOME, else the user data folder (see README).
set -euo pipefail
cd "$(dirname "$0")"
. scripts/bootstrap.sh
zz_ensure_debs "${ZONGZHI_RUNTIME_PKGS[@]}"
zz_ensure_venv
# Initialized = the store file exists and holds this installation's township code.
if ! .venv/bin/python - "$@" <<'PY'
import argparse, sqlite3, sys
from zongzhi_desktop.paths import store_path
parser = argparse.ArgumentParser(add_help=False)
parser.add_argument("--data-dir")
path = store_path(parser.parse_known_args()[0].data_dir)
try:
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    ok = con.execute("SELECT 1 FROM setting WHERE key = 'township_code'").fetchone()
except sqlite3.Error:
    ok = None
sys.exit(0 if ok else 1)
PY
then
    zz_log "数据库为空，生成演示乡镇数据（zongzhi demo）"
    .venv/bin/zongzhi "$@" demo --records "${ZONGZHI_DEMO_RECORDS:-2000}"
fi
exec .venv/bin/zongzhi "$@"
