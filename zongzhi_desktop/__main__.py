from zongzhi_desktop.cli import entry

raise SystemExit(entry())
