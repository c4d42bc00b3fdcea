"""同步 page: trust the county profile (fingerprint read back by phone), register this township's key,
export to a USB stick or folder, upload, import receipts, and see what the county has not yet
acknowledged. Everything it does is a call into zongzhi_desktop.sync (also reachable by CLI)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QFileDialog,
    QFormLayout,
    QFrame,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QMessageBox,
    QPushButton,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from ..domain.errors import DomainError
from ..domain.formatting import time_text
from ..domain.roles import Perm, has_perm
from ..services import Services
from ..sync.drives import removable_drives
from ..sync.export import ExportResult, export_bundle
from ..sync.labels import table_label
from ..sync.profiles import CountyProfile
from ..sync.receipts import ReceiptResult, apply_receipt
from ..sync.resend import resend
from ..sync.restore import RestoreResult, restore_from_county
from ..sync.rotation import RotationAccepted, accept_rotation, is_rotation_file, preview_rotation
from ..sync.status import SyncStatus, TableStatus, sync_status, table_status
from ..sync.trust import (
    RegistrationResult,
    make_registration_file,
    preview_profile,
    set_upload_url,
    trust_county,
)
from ..sync.upload import UploadResult, fetch_rotations, upload

BIG = 14


def _table(name: str, headers: list[str]) -> QTableWidget:
    t = QTableWidget(0, len(headers))
    t.setObjectName(name)
    t.setHorizontalHeaderLabels(headers)
    t.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    t.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    t.verticalHeader().setVisible(False)
    t.horizontalHeader().setStretchLastSection(True)
    return t


def _row(*widgets: QWidget) -> QWidget:
    """Buttons at their natural width, left-aligned (a form row would stretch them)."""
    holder = QWidget()
    lay = QHBoxLayout(holder)
    lay.setContentsMargins(0, 0, 0, 0)
    for w in widgets:
        lay.addWidget(w)
    lay.addStretch(1)
    return holder


def _big(label: QLabel) -> QLabel:
    f = QFont(label.font())
    f.setPointSize(BIG)
    f.setBold(True)
    label.setFont(f)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    return label


class SyncPage(QWidget):
    """The 同步 page. `services` acts as the signed-in user; admin-only steps are disabled for others."""

    synced = Signal()  # after an export, upload or receipt changed the sync state
    counted = Signal()  # the per-table counts shown are the ones just read

    def __init__(self, services: Services, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("sync_page")
        self.services = services
        self.is_admin = has_perm(services.actor.role, Perm.ADMIN)
        from .runner import OperationRunner

        self.runner = getattr(parent, "runner", None) or OperationRunner(self)
        self._pending_profile: tuple[bytes, CountyProfile] | None = None
        self._pending_rotation: tuple[bytes, RotationAccepted] | None = None
        self.last_export: ExportResult | None = None
        self.last_receipt: ReceiptResult | None = None
        self.last_upload: UploadResult | None = None
        self.counting = False  # the per-table counts are being read (on the runner)
        self._count_generation = 0
        self._count_op: Any = None

        self.message = QLabel("")
        self.message.setObjectName("sync_message")
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        body = QWidget()
        layout = QVBoxLayout(body)
        layout.addWidget(self._county_box())
        layout.addWidget(self._key_box())
        layout.addWidget(self._export_box())
        layout.addWidget(self._status_box())
        layout.addStretch(1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setWidget(body)
        outer = QVBoxLayout(self)
        outer.addWidget(self.message)
        outer.addWidget(scroll)
        self.refresh()

    # -- layout -------------------------------------------------------------------------------
    def _county_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("第一步：县级配置（由县综治中心提供）"))
        self.county_label = QLabel()
        self.county_label.setObjectName("sync_county")
        self.county_fp = _big(QLabel())
        self.county_fp.setObjectName("sync_county_fingerprint")
        self.county_suite = QLabel()
        self.county_suite.setObjectName("sync_county_suite")
        self.county_suite.setWordWrap(True)
        load = QPushButton(self.tr("导入县级配置或密钥更换文件…"))
        load.setObjectName("sync_load_profile")
        load.clicked.connect(self.choose_profile)
        load.setEnabled(self.is_admin)
        # Shown only while a newly loaded profile awaits the phone check.
        self.confirm_panel = QFrame()
        self.confirm_panel.setObjectName("sync_confirm_panel")
        self.confirm_panel.setFrameShape(QFrame.Shape.StyledPanel)
        self.confirm_text = QLabel()
        self.confirm_text.setWordWrap(True)
        self.confirm_fp = _big(QLabel())
        self.confirm_fp.setObjectName("sync_profile_fingerprint")
        ok = QPushButton(self.tr("已电话逐组核对，确认信任"))
        self.confirm_button = ok
        ok.setObjectName("sync_trust_confirm")
        ok.clicked.connect(self.confirm_trust)
        cancel = QPushButton(self.tr("指纹不符，取消"))
        self.cancel_button = cancel
        cancel.setObjectName("sync_trust_cancel")
        cancel.clicked.connect(self.cancel_trust)
        row = QHBoxLayout()
        row.addWidget(ok)
        row.addWidget(cancel)
        row.addStretch(1)
        panel = QVBoxLayout(self.confirm_panel)
        panel.addWidget(self.confirm_text)
        panel.addWidget(self.confirm_fp)
        panel.addLayout(row)
        self.confirm_panel.hide()
        form = QFormLayout(box)
        form.addRow(self.tr("县级"), self.county_label)
        form.addRow(self.tr("县级指纹"), self.county_fp)
        form.addRow(self.tr("密码套件"), self.county_suite)
        form.addRow("", _row(load))
        form.addRow(self.confirm_panel)
        if not self.is_admin:
            form.addRow("", QLabel(self.tr("导入县级配置和登记密钥需要管理员账号。")))
        return box

    def _key_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("第二步：本乡镇签名密钥和登记文件"))
        self.key_fp = _big(QLabel())
        self.key_fp.setObjectName("sync_key_fingerprint")
        self.new_passphrase = QLineEdit()
        self.new_passphrase.setObjectName("sync_new_passphrase")
        self.new_passphrase_confirm = QLineEdit()
        self.new_passphrase_confirm.setObjectName("sync_new_passphrase_confirm")
        for w in (self.new_passphrase, self.new_passphrase_confirm):
            w.setEchoMode(QLineEdit.EchoMode.Password)
            w.setPlaceholderText(self.tr("生成或更换密钥时填写，至少8位"))
        reg = QPushButton(self.tr("生成登记文件…"))
        reg.setObjectName("sync_registration")
        reg.clicked.connect(lambda: self.choose_registration(new_key=False))
        rotate = QPushButton(self.tr("更换密钥…"))
        rotate.setObjectName("sync_rotate_key")
        rotate.clicked.connect(lambda: self.choose_registration(new_key=True))
        restore = QPushButton(self.tr("从县级恢复…"))
        restore.setObjectName("sync_restore")
        restore.setToolTip(self.tr("更换电脑后：用县级生成的恢复文件重建本乡镇数据，接着原来的批次和编号继续上报"))
        restore.clicked.connect(lambda: self.choose_restore())
        for b in (reg, rotate, restore):
            b.setEnabled(self.is_admin)
        row = QHBoxLayout()
        row.addWidget(reg)
        row.addWidget(rotate)
        row.addWidget(restore)
        row.addStretch(1)
        help_text = QLabel(self.tr(
            "登记文件交县综治中心登记，并电话核对上面的指纹。密钥口令保护本机保存的私钥，请牢记；"
            "口令遗失或电脑更换时点“更换密钥”，设置新口令并把新的登记文件交县级登记——"
            "此前已导出的批次仍然有效，未确认的记录会自动重新上报。"
            "换了新电脑：先导入县级配置、生成登记文件交县级登记，再用县级给的恢复文件点“从县级恢复”，"
            "不要在新电脑上从头上报。"))
        help_text.setWordWrap(True)
        help_text.setObjectName("sync_key_help")
        form = QFormLayout(box)
        form.addRow(self.tr("密钥指纹"), self.key_fp)
        form.addRow(self.tr("新密钥口令"), self.new_passphrase)
        form.addRow(self.tr("再次输入"), self.new_passphrase_confirm)
        form.addRow("", row)
        form.addRow(help_text)
        return box

    def _export_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("第三步：上报（U盘导出或网络上传）"))
        self.passphrase = QLineEdit()
        self.passphrase.setObjectName("sync_passphrase")
        self.passphrase.setEchoMode(QLineEdit.EchoMode.Password)
        self.drives = QComboBox()
        self.drives.setObjectName("sync_drives")
        self.drives.currentIndexChanged.connect(self._drive_chosen)
        refresh = QPushButton(self.tr("刷新"))
        refresh.setObjectName("sync_refresh_drives")
        refresh.clicked.connect(self.refresh_drives)
        self.target = QLineEdit()
        self.target.setObjectName("sync_target")
        self.target.setPlaceholderText(self.tr("U盘或文件夹路径"))
        browse = QPushButton(self.tr("选择文件夹…"))
        browse.setObjectName("sync_browse")
        browse.clicked.connect(self.choose_folder)
        export = QPushButton(self.tr("导出批次"))
        export.setObjectName("sync_export")
        export.clicked.connect(lambda: self.export_to(self.target.text()))
        self.url = QLineEdit()
        self.url.setObjectName("sync_url")
        self.url.setPlaceholderText("https://…:8600")
        send = QPushButton(self.tr("网络上传"))
        send.setObjectName("sync_upload")
        send.clicked.connect(self.upload_now)
        receipt = QPushButton(self.tr("导入回执文件…"))
        receipt.setObjectName("sync_receipt")
        receipt.clicked.connect(self.choose_receipt)
        resend_all = QPushButton(self.tr("全部重新上报…"))
        resend_all.setObjectName("sync_resend_all")
        resend_all.setToolTip(self.tr("县级换了数据库或数据丢失时：把本乡镇全部记录再发一次（县级重复收到的不会改变）"))
        resend_all.setEnabled(self.is_admin)
        resend_all.clicked.connect(lambda: self.resend_everything())
        drive_row = QHBoxLayout()
        drive_row.addWidget(self.drives, 1)
        drive_row.addWidget(refresh)
        target_row = QHBoxLayout()
        target_row.addWidget(self.target, 1)
        target_row.addWidget(browse)
        target_row.addWidget(export)
        url_row = QHBoxLayout()
        url_row.addWidget(self.url, 1)
        url_row.addWidget(send)
        form = QFormLayout(box)
        form.addRow(self.tr("密钥口令"), self.passphrase)
        form.addRow(self.tr("U盘"), drive_row)
        form.addRow(self.tr("导出到"), target_row)
        form.addRow(self.tr("县级服务器"), url_row)
        form.addRow(self.tr("回执"), _row(receipt, resend_all))
        self.refresh_drives()
        return box

    def _status_box(self) -> QGroupBox:
        box = QGroupBox(self.tr("上报状态"))
        self.summary = QLabel()
        self.summary.setObjectName("sync_summary")
        self.summary.setWordWrap(True)
        self.status_table = _table("sync_status_table", [self.tr("类别"), self.tr("记录数"), self.tr("未确认"),
                                                         self.tr("被县级拒收")])
        self.status_table.setMinimumHeight(300)
        header = self.status_table.horizontalHeader()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        for c in (1, 2, 3):
            header.setSectionResizeMode(c, QHeaderView.ResizeMode.ResizeToContents)
        self.rejections = _table("sync_rejections", [self.tr("类别"), self.tr("记录"), self.tr("拒收原因")])
        self.rejections.setMaximumHeight(160)
        layout = QVBoxLayout(box)
        layout.addWidget(self.summary)
        layout.addWidget(self.status_table)
        layout.addWidget(QLabel(self.tr("县级拒收的记录（修正后会在下次上报时重新发送）：")))
        layout.addWidget(self.rejections)
        return box

    # -- state --------------------------------------------------------------------------------
    def _suite_text(self, st: SyncStatus) -> str:
        """The county's cipher suite, and a warning when this township's key is of another one."""
        names = {"nacl-1": self.tr("nacl-1（Ed25519、X25519、SHA-256）"),
                 "gm-1": self.tr("gm-1（国密 SM2、SM3、SM4）")}
        if not st.county_suite:
            return "—"
        text = names.get(st.county_suite, st.county_suite)
        if st.key_suite and st.key_suite != st.county_suite:
            text += self.tr("。本乡镇签名密钥使用 {suite}，县级不会接收：请点“更换密钥”生成新密钥并重新登记").format(
                suite=st.key_suite)
        return text

    def refresh(self) -> SyncStatus:
        """Show the county, the key, the bundles awaiting receipts and the rejections (a few small
        queries), and count every synced table's unacknowledged rows on the operation runner (a pass
        over every synced row: seconds at 1,000,000 records); meanwhile the table says 正在统计…"""
        st = sync_status(self.services, tables=False)
        self.status = st
        if st.county_code:
            self.county_label.setText(f"{st.county_name}（{st.county_code}）")
            self.county_fp.setText(st.county_fingerprint or "")
        else:
            self.county_label.setText(self.tr("尚未导入县级配置文件"))
            self.county_fp.setText("—")
        self.county_suite.setText(self._suite_text(st))
        self.key_fp.setText(st.key_fingerprint or self.tr("尚未生成"))
        if st.upload_url and not self.url.text():
            self.url.setText(st.upload_url)
        current = list(st.rejections)
        self.rejections.setRowCount(len(current))
        for r, x in enumerate(current):
            for c, v in enumerate((table_label(x.table_name), x.record_id, x.reason)):
                self.rejections.setItem(r, c, QTableWidgetItem(v))
        self._count_tables()
        return st

    def _count_tables(self) -> None:
        self._count_generation += 1
        generation = self._count_generation
        if self._count_op is not None and not self._count_op.is_done:
            self._count_op.progress.cancel()  # replaced by this newer count
        self.counting = True
        self.status_table.setRowCount(1)
        self.status_table.setItem(0, 0, QTableWidgetItem(self.tr("正在统计…")))
        for c in (1, 2, 3):
            self.status_table.setItem(0, c, QTableWidgetItem(""))
        self._show_summary(None)
        services = self.services

        def done(tables: list[TableStatus]) -> None:
            if generation != self._count_generation:
                return
            self.counting = False
            self.status.tables = tables
            rows = [t for t in tables if t.total or t.unacked or t.rejected]
            self.status_table.setRowCount(len(rows))
            for r, t in enumerate(rows):
                for c, v in enumerate((t.label, str(t.total), str(t.unacked), str(t.rejected))):
                    item = QTableWidgetItem(v)
                    if c:
                        item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                    self.status_table.setItem(r, c, item)
            self._show_summary(self.status)
            self.counted.emit()

        def stopped(_error: BaseException | None = None) -> None:
            if generation == self._count_generation:
                self.counting = False
                self.status_table.setItem(0, 0, QTableWidgetItem(self.tr("统计失败")))

        op = self.runner.run(self.tr("统计上报状态"), lambda p: table_status(services, p.check), on_done=done,
                             on_error=stopped, show_progress=False, housekeeping=True)
        self._count_op = op

    def _show_summary(self, st: SyncStatus | None) -> None:
        """The line above the table; `None` while the tables are counted."""
        s = self.status
        waiting = "，".join(f"{b.sequence}（{b.rows}条）" for b in s.awaiting_receipt)
        last = time_text(s.last_receipt_at) if s.last_receipt_at else self.tr("无")
        unacked = self.tr("未确认记录共 {n} 条（下次上报将包含）").format(n=st.unacked_total) if st is not None \
            else self.tr("未确认记录：正在统计…")
        self.summary.setText(self.tr("{unacked}。最近批次序号：{seq}；最近回执：{last}。{wait}").format(
            unacked=unacked, seq=s.last_sequence, last=last,
            wait=self.tr("等待回执的批次：{w}。").format(w=waiting) if waiting else ""))

    def refresh_drives(self) -> None:
        self.drives.blockSignals(True)
        self.drives.clear()
        found = removable_drives()
        if not found:
            self.drives.addItem(self.tr("未发现U盘（可在下方选择任意文件夹）"), "")
        for d in found:
            self.drives.addItem(d.title, str(d.path))
        self.drives.blockSignals(False)
        self._drive_chosen()

    def _drive_chosen(self) -> None:
        path = self.drives.currentData()
        if path:
            self.target.setText(path)

    def say(self, text: str, *, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setProperty("error", error)
        self.message.setStyleSheet("color: #b00020; font-weight: bold;" if error else "color: #1b5e20;")

    def _run(self, title: str, fn: Callable[[], Any], done: Callable[[Any], None]) -> None:
        def fail(exc: BaseException) -> None:
            self.say(exc.message if isinstance(exc, DomainError) else f"{title}失败：{exc}", error=True)
            self.refresh()

        def ok(result: Any) -> None:
            done(result)
            self.refresh()
            self.synced.emit()

        self.say(self.tr("{t}中…").format(t=title))
        self.runner.run(title, lambda _p: fn(), on_done=ok, on_error=fail)

    # -- county profile -----------------------------------------------------------------------
    def choose_profile(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("导入县级配置或密钥更换文件"), "",
                                              self.tr("县级配置或密钥更换文件 (*.zzcounty *.zzrotate);;所有文件 (*)"))
        if path:
            self.load_profile(path)

    def load_profile(self, path: str | Path) -> None:
        """Show the profile's fingerprint for the phone check; nothing is trusted yet."""
        try:
            data = Path(path).read_bytes()
            if is_rotation_file(data):
                self.show_rotation(data)
                return
            profile = preview_profile(data)
        except OSError as e:
            self.say(self.tr("无法读取文件：{e}").format(e=e.strerror), error=True)
            return
        except DomainError as e:
            self.say(e.message, error=True)
            return
        self._pending_profile, self._pending_rotation = (data, profile), None
        self.confirm_button.setText(self.tr("已电话逐组核对，确认信任"))
        self.cancel_button.setText(self.tr("指纹不符，取消"))
        self.confirm_text.setText(self.tr(
            "县级配置：{name}（{code}）。请打电话给县综治中心，请对方念出其县级指纹，与下面的数字逐组核对；"
            "一致才能确认。").format(name=profile.county_name, code=profile.county_code))
        self.confirm_fp.setText(profile.fingerprint)
        self.confirm_panel.show()
        self.say(self.tr("请核对县级指纹后确认"))

    def show_rotation(self, data: bytes) -> None:
        """A county key rotation: both fingerprints; the old key vouches, so no phone call."""
        try:
            preview = preview_rotation(self.services, data)
        except DomainError as e:
            self.say(e.message, error=True)
            return
        if not preview.steps:
            self.say(self.tr("已信任县级最新配置，无需更换"))
            return
        self._pending_rotation, self._pending_profile = (data, preview), None
        self.confirm_text.setText(self.tr(
            "县级更换了密钥。新配置由本乡镇已信任的县级旧密钥签署证明，无需电话核对。\n原指纹：{old}\n新指纹：").format(
            old=preview.old_fingerprint))
        self.confirm_fp.setText(preview.new_fingerprint)
        self.confirm_button.setText(self.tr("接受县级新密钥"))
        self.cancel_button.setText(self.tr("暂不接受"))
        self.confirm_panel.show()
        self.say(self.tr("县级已更换密钥：请确认接受"))

    def check_server_rotation(self) -> None:
        """Fetch the county's rotation statements from its server and show them for acceptance."""
        url = self.url.text().strip() or self.status.upload_url
        if not url:
            return
        self._run(self.tr("取得县级密钥更换文件"), lambda: fetch_rotations(url), self.show_rotation)

    def confirm_trust(self) -> None:
        if self._pending_rotation is not None:
            data, preview = self._pending_rotation
            try:
                accept_rotation(self.services, data)
            except DomainError as e:
                self.say(e.message, error=True)
                return
            self._pending_rotation = None
            self.confirm_panel.hide()
            self.refresh()
            self.say(self.tr("已接受县级新密钥（指纹 {fp}）：尚未收到回执的批次将在下次导出或上传时改用新密钥加密").format(
                fp=preview.new_fingerprint))
            return
        if self._pending_profile is None:
            return
        data, profile = self._pending_profile
        try:
            trust_county(self.services, data, expected_fingerprint=profile.fingerprint)
        except DomainError as e:
            self.say(e.message, error=True)
            return
        self._pending_profile = None
        self.confirm_panel.hide()
        if profile.upload_url:
            self.url.setText(profile.upload_url)
        self.refresh()
        self.say(self.tr("已信任 {name} 的县级配置").format(name=profile.county_name))

    def cancel_trust(self) -> None:
        self._pending_profile = self._pending_rotation = None
        self.confirm_panel.hide()
        self.say(self.tr("已取消：未导入县级配置"), error=True)

    # -- key and registration -----------------------------------------------------------------
    def choose_registration(self, *, new_key: bool) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("保存登记文件"),
                                              f"{self.services.township.name}.zzreg",
                                              self.tr("乡镇登记文件 (*.zzreg)"))
        if path:
            self.write_registration(path, new_key=new_key)

    def write_registration(self, path: str | Path, *, new_key: bool = False) -> RegistrationResult | None:
        creating = new_key or self.status.key_fingerprint is None
        if creating:
            passphrase = self.new_passphrase.text()
            if passphrase != self.new_passphrase_confirm.text():
                self.say(self.tr("两次输入的新密钥口令不一致"), error=True)
                return None
        else:
            passphrase = self.passphrase.text()
        try:
            result = make_registration_file(self.services, passphrase, new_key=new_key)
            Path(path).write_bytes(result.data)
        except DomainError as e:
            self.say(e.message, error=True)
            return None
        except OSError as e:
            self.say(self.tr("无法写入登记文件：{e}").format(e=e.strerror), error=True)
            return None
        if creating:
            self.passphrase.setText(passphrase)
            self.new_passphrase.clear()
            self.new_passphrase_confirm.clear()
        self.refresh()
        self.say(self.tr("登记文件已保存到 {path}。请交县综治中心登记，并电话核对密钥指纹 {fp}。").format(
            path=path, fp=result.fingerprint))
        return result

    def choose_restore(self) -> None:
        path, _ = QFileDialog.getOpenFileName(self, self.tr("选择县级恢复文件"), self.target.text(),
                                              self.tr("县级恢复文件 (*.zzrestore);;所有文件 (*)"))
        if path:
            self.restore_from(path)

    def restore_from(self, path: str | Path) -> None:
        """Rebuild this (new, empty) installation from the county's restore file."""
        passphrase = self.passphrase.text()

        def done(r: RestoreResult) -> None:
            self.say(self.tr("已从县级恢复 {n} 条记录；批次从第 {seq} 批接着上报。").format(
                n=r.rows, seq=r.sequence + 1))

        self._run(self.tr("从县级恢复"), lambda: restore_from_county(self.services, path, passphrase), done)

    # -- export, upload, receipts -------------------------------------------------------------
    def choose_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, self.tr("选择导出文件夹"), self.target.text())
        if path:
            self.target.setText(path)

    def export_to(self, folder: str | Path) -> None:
        if not str(folder).strip():
            self.say(self.tr("请选择U盘或导出文件夹"), error=True)
            return
        passphrase = self.passphrase.text()

        def done(r: ExportResult) -> None:
            self.last_export = r
            kinds = "，".join(f"{table_label(t)} {c['rows']} 条" for t, c in r.counts.items()) or self.tr("没有新的变更")
            resent = self.tr("；同时补发未回执的批次 {s}").format(s="、".join(map(str, r.resent))) if r.resent else ""
            self.say(self.tr("已导出批次 {name}（{n} 条：{kinds}）到 {dir}，已读回校验{resent}。"
                             "县级导入后请把回执带回导入。").format(
                name=r.file_name, n=r.rows, kinds=kinds, dir=folder, resent=resent))

        self._run(self.tr("导出批次"), lambda: export_bundle(self.services, passphrase, folder), done)

    def resend_everything(self) -> None:
        """Forget every acknowledgement and write a full-state bundle (to the folder, or the outbox)."""
        folder = self.target.text().strip() or None
        answer = QMessageBox.question(self, self.tr("全部重新上报"), self.tr(
            "把本乡镇的全部记录再发给县级一次？县级换了数据库、从旧备份恢复或数据丢失时才需要。"
            "批次写到“导出到”的文件夹；未填则留在待发目录，点“网络上传”发送。"))
        if answer != QMessageBox.StandardButton.Yes:
            return
        passphrase = self.passphrase.text()

        def done(r: ExportResult) -> None:
            self.last_export = r
            where = self.tr("到 {dir}").format(dir=folder) if folder else self.tr("到待发目录（请点“网络上传”）")
            self.say(self.tr("已导出全部记录的批次 {name}（{n} 条）{where}。").format(name=r.file_name, n=r.rows,
                                                                              where=where))

        self._run(self.tr("全部重新上报"), lambda: resend(self.services, passphrase, everything=True, out_dir=folder),
                  done)

    def upload_now(self) -> None:
        url = self.url.text().strip() or None
        passphrase = self.passphrase.text()

        def work() -> UploadResult:
            if url and url != self.status.upload_url and self.is_admin:
                set_upload_url(self.services, url)
            return upload(self.services, passphrase, url)

        def done(r: UploadResult) -> None:
            self.last_upload = r
            accepted = sum(x.accepted for x in r.receipts)
            rejected = sum(x.rejected for x in r.receipts)
            self.say(self.tr("已上传批次 {seqs}：县级接收 {a} 条，拒收 {r} 条。").format(
                seqs="、".join(map(str, r.sent)), a=accepted, r=rejected), error=bool(rejected))
            if r.rotation and self.is_admin:
                self.check_server_rotation()  # shows both fingerprints for acceptance

        self._run(self.tr("网络上传"), work, done)

    def choose_receipt(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(self, self.tr("导入回执文件"), self.target.text(),
                                                self.tr("回执 (*.zzr);;所有文件 (*)"))
        for p in paths:
            self.import_receipt(p)

    def import_receipt(self, path: str | Path) -> ReceiptResult | None:
        try:
            r = apply_receipt(self.services, Path(path).read_bytes())
        except OSError as e:
            self.say(self.tr("无法读取回执：{e}").format(e=e.strerror), error=True)
            return None
        except DomainError as e:
            self.say(e.message, error=True)
            return None
        self.last_receipt = r
        self.refresh()
        self.synced.emit()
        if r.already_applied:
            self.say(self.tr("批次 {s} 的回执此前已导入，未作改变").format(s=r.sequence))
        else:
            self.say(self.tr("回执已导入：批次 {s} 县级接收 {a} 条，拒收 {r} 条").format(
                s=r.sequence, a=r.accepted, r=r.rejected), error=bool(r.rejected))
        return r
