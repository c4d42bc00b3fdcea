"""What a user whose key passphrase is lost should do (docs/bundle-format.md §14), told with every
wrong-passphrase message so the way out is on the screen, not only in the manual."""

from __future__ import annotations

TOWNSHIP_KEY_LOST = ("如口令已遗忘：运行 zongzhi sync register-file --new-key -o 登记文件（或“同步”页→更换密钥），"
                     "设置新口令并生成新密钥，再请县级电话核对指纹后登记新的登记文件；"
                     "尚未确认的记录会随下一批次重新发送，数据不会丢失")
COUNTY_KEY_LOST = ("县级密钥口令无法找回，也没有后门：请核对大小写和输入法后重试；如确已遗忘，"
                   "按 docs/county-hub.md“县级密钥口令遗忘”一节重建县级密钥和配置文件，"
                   "各乡镇重新信任新配置文件并登记（乡镇未确认的记录会重新发送）")
CITY_KEY_LOST = ("市级密钥口令无法找回，也没有后门：请核对大小写和输入法后重试；如确已遗忘，"
                 "按 docs/city-hub.md“市级密钥口令遗忘”一节重建市级密钥和配置文件，"
                 "各县重新信任新配置文件并登记（县级未确认的乡镇批次会重新转报）")
