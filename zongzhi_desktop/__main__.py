from zongzhi_desktop.cli import main

raise SystemExit(main())
