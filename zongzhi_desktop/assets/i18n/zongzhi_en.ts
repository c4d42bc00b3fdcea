<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en" sourcelanguage="zh_CN">
<context>
    <name>AccountTab</name>
    <message>
        <source>当前用户：{name}（{user}），角色：{role}</source>
        <translation>Signed in: {name} ({user}), role: {role}</translation>
    </message>
    <message>
        <source>修改密码</source>
        <translation>Change password</translation>
    </message>
    <message>
        <source>当前密码</source>
        <translation>Current password</translation>
    </message>
    <message>
        <source>新密码（至少8位）</source>
        <translation>New password (at least 8 characters)</translation>
    </message>
    <message>
        <source>确认新密码</source>
        <translation>Confirm new password</translation>
    </message>
    <message>
        <source>界面语言</source>
        <translation>Interface language</translation>
    </message>
    <message>
        <source>语言</source>
        <translation>Language</translation>
    </message>
    <message>
        <source>当前密码不正确</source>
        <translation>The current password is wrong</translation>
    </message>
    <message>
        <source>两次输入的新密码不一致</source>
        <translation>The two new passwords differ</translation>
    </message>
    <message>
        <source>密码已修改</source>
        <translation>Password changed</translation>
    </message>
    <message>
        <source>重新启动综治桌面后生效</source>
        <translation>Takes effect after restarting Zongzhi Desktop</translation>
    </message>
</context>
<context>
    <name>AdminPage</name>
    <message>
        <source>管理员账户</source>
        <translation>Administrator account</translation>
    </message>
    <message>
        <source>管理员负责用户、字典和系统设置。录入员和审核员账户可在“设置”中添加。</source>
        <translation>The administrator manages users, code tables and settings. Clerk and reviewer accounts are added under Settings.</translation>
    </message>
    <message>
        <source>管理员</source>
        <translation>Administrator</translation>
    </message>
    <message>
        <source>用户名</source>
        <translation>User name</translation>
    </message>
    <message>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>密码（至少8位）</source>
        <translation>Password (at least 8 characters)</translation>
    </message>
    <message>
        <source>确认密码</source>
        <translation>Confirm password</translation>
    </message>
</context>
<context>
    <name>App</name>
    <message>
        <source>无法打开数据库：{error}
日志：{log}</source>
        <translation>Cannot open the database: {error}
Log: {log}</translation>
    </message>
    <message>
        <source>已自动备份：{file}</source>
        <translation>Backed up automatically: {file}</translation>
    </message>
    <message>
        <source>数据库检查发现损坏</source>
        <translation>The database check found damage</translation>
    </message>
    <message>
        <source>每日备份时的完整性检查发现数据库损坏：{error}
请保存手头的工作后关闭程序；下次启动时会提示从备份恢复。</source>
        <translation>The integrity check of the daily backup found the database damaged: {error}
Save your work and close the program; at the next start it will offer to restore from a backup.</translation>
    </message>
    <message>
        <source>每日自动备份</source>
        <translation>Daily automatic backup</translation>
    </message>
    <message>
        <source>加载拼音</source>
        <translation>Loading pinyin</translation>
    </message>
</context>
<context>
    <name>AttachmentsTab</name>
    <message>
        <source>文件名</source>
        <translation>File name</translation>
    </message>
    <message>
        <source>大小</source>
        <translation>Size</translation>
    </message>
    <message>
        <source>说明</source>
        <translation>Note</translation>
    </message>
    <message>
        <source>添加人</source>
        <translation>Added by</translation>
    </message>
    <message>
        <source>添加时间</source>
        <translation>Added at</translation>
    </message>
    <message>
        <source>上一页</source>
        <translation>Previous page</translation>
    </message>
    <message>
        <source>下一页</source>
        <translation>Next page</translation>
    </message>
    <message>
        <source>添加附件…</source>
        <translation>Add attachment…</translation>
    </message>
    <message>
        <source>添加扫描件、照片或签字的协议书（{key}）；也可以把文件拖到这里。单个不超过 {mb} MB</source>
        <translation>Add scans, photos or signed agreements ({key}); you can also drop files here. At most {mb} MB each</translation>
    </message>
    <message>
        <source>另存为…</source>
        <translation>Save as…</translation>
    </message>
    <message>
        <source>作废所选附件…</source>
        <translation>Void selected attachment…</translation>
    </message>
    <message>
        <source>把文件拖到此处即可添加</source>
        <translation>Drop files here to attach them</translation>
    </message>
    <message>
        <source>“{name}”（{type}）不能在此预览，可另存后用其他软件打开</source>
        <translation>“{name}” ({type}) cannot be previewed here; save it and open it with another program</translation>
    </message>
    <message>
        <source>正在加载…</source>
        <translation>Loading…</translation>
    </message>
    <message>
        <source>打开附件</source>
        <translation>Open attachment</translation>
    </message>
    <message>
        <source>没有附件</source>
        <translation>No attachments</translation>
    </message>
    <message>
        <source>第 {n} / {total} 页</source>
        <translation>Page {n} of {total}</translation>
    </message>
    <message>
        <source>添加附件</source>
        <translation>Add attachment</translation>
    </message>
    <message>
        <source>附件另存为</source>
        <translation>Save attachment as</translation>
    </message>
    <message>
        <source>作废附件“{name}”</source>
        <translation>Void attachment “{name}”</translation>
    </message>
    <message>
        <source>作废后附件不再列出，但文件保留，并记入修改历史。</source>
        <translation>A voided attachment is no longer listed, but the file is kept and the change is recorded in the history.</translation>
    </message>
</context>
<context>
    <name>BatchesDialog</name>
    <message>
        <source>台账导入批次</source>
        <translation>Ledger import batches</translation>
    </message>
    <message>
        <source>批次</source>
        <translation>Batch</translation>
    </message>
    <message>
        <source>导入时间</source>
        <translation>Imported at</translation>
    </message>
    <message>
        <source>台账</source>
        <translation>Ledger</translation>
    </message>
    <message>
        <source>文件</source>
        <translation>File</translation>
    </message>
    <message>
        <source>条数</source>
        <translation>Records</translation>
    </message>
    <message>
        <source>导入人</source>
        <translation>Imported by</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>撤销原因（必填）</source>
        <translation>Reason for undoing (required)</translation>
    </message>
    <message>
        <source>撤销所选批次</source>
        <translation>Undo the selected batch</translation>
    </message>
    <message>
        <source>撤销会作废该批次导入的全部记录（不删除，留有审计记录）。</source>
        <translation>Undoing voids every record of the batch (nothing is deleted; it is audited).</translation>
    </message>
    <message>
        <source>撤销导入需要审核权限。</source>
        <translation>Undoing an import needs the reviewer&apos;s permission.</translation>
    </message>
    <message>
        <source>已撤销：{reason}</source>
        <translation>Undone: {reason}</translation>
    </message>
    <message>
        <source>有效</source>
        <translation>Valid</translation>
    </message>
    <message>
        <source>撤销导入</source>
        <translation>Undo import</translation>
    </message>
    <message>
        <source>已撤销批次 {b}：作废 {n} 条记录</source>
        <translation>Batch {b} undone: {n} records voided</translation>
    </message>
</context>
<context>
    <name>CodesTab</name>
    <message>
        <source>代码</source>
        <translation>Code</translation>
    </message>
    <message>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>代码（小写字母、数字、下划线）</source>
        <translation>Code (lower-case letters, digits, underscore)</translation>
    </message>
    <message>
        <source>新增或改名</source>
        <translation>Add or rename</translation>
    </message>
    <message>
        <source>停用/启用</source>
        <translation>Disable/enable</translation>
    </message>
    <message>
        <source>代码一经使用不可修改；改名只改变显示名称，已登记的记录自动显示新名称。</source>
        <translation>Codes never change once used; renaming changes only the label, and registered records show the new label.</translation>
    </message>
    <message>
        <source>停用</source>
        <translation>Disabled</translation>
    </message>
    <message>
        <source>启用</source>
        <translation>Active</translation>
    </message>
    <message>
        <source>字典</source>
        <translation>Code tables</translation>
    </message>
</context>
<context>
    <name>ColumnsPage</name>
    <message>
        <source>第2步：表头和列对应</source>
        <translation>Step 2: header and columns</translation>
    </message>
    <message>
        <source>表头已自动识别，表头上方的标题、填报单位等行会跳过。请核对每一列对应的字段；台账中没有的列可在右侧填写固定值。</source>
        <translation>The header was found automatically; the title and reporting-unit rows above it are skipped. Check the field of every column; for a column the ledger lacks, enter a fixed value on the right.</translation>
    </message>
    <message>
        <source>台账表头</source>
        <translation>Ledger header</translation>
    </message>
    <message>
        <source>对应字段</source>
        <translation>Field</translation>
    </message>
    <message>
        <source>字段</source>
        <translation>Field</translation>
    </message>
    <message>
        <source>固定值（该列缺失或为空时使用）</source>
        <translation>Fixed value (used when the column is missing or empty)</translation>
    </message>
    <message>
        <source>载入映射文件…</source>
        <translation>Load mapping file…</translation>
    </message>
    <message>
        <source>保存映射文件…</source>
        <translation>Save mapping file…</translation>
    </message>
    <message>
        <source>正在识别表头…</source>
        <translation>Finding the header…</translation>
    </message>
    <message>
        <source>识别表头</source>
        <translation>Finding the header</translation>
    </message>
    <message>
        <source>工作表“{s}”：未找到表头，将跳过</source>
        <translation>Sheet “{s}”: no header found, it will be skipped</translation>
    </message>
    <message>
        <source>工作表“{s}”：表头在第{r}行，跳过上方{n}行</source>
        <translation>Sheet “{s}”: header in row {r}, the {n} rows above it are skipped</translation>
    </message>
    <message>
        <source>；无年份的日期按{y}年</source>
        <translation>; dates without a year are taken as {y}</translation>
    </message>
    <message>
        <source>（不导入）</source>
        <translation>(not imported)</translation>
    </message>
    <message>
        <source>保存映射文件</source>
        <translation>Save mapping file</translation>
    </message>
    <message>
        <source>映射文件 (*.json)</source>
        <translation>Mapping files (*.json)</translation>
    </message>
    <message>
        <source>载入映射文件</source>
        <translation>Load mapping file</translation>
    </message>
</context>
<context>
    <name>CountyBoard</name>
    <message>
        <source>各乡镇上报情况</source>
        <translation>Reporting by township</translation>
    </message>
    <message>
        <source>按周</source>
        <translation>By week</translation>
    </message>
    <message>
        <source>按月</source>
        <translation>By month</translation>
    </message>
    <message>
        <source>刷新</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <source>导入批次文件…</source>
        <translation>Import bundle files…</translation>
    </message>
    <message>
        <source>导入乡镇用U盘送来的批次文件（.zzb），回执写在批次文件旁</source>
        <translation>Import bundle files (.zzb) brought by townships on USB sticks; receipts are written next to them</translation>
    </message>
    <message>
        <source>按时</source>
        <translation>On time</translation>
    </message>
    <message>
        <source>迟报</source>
        <translation>Late</translation>
    </message>
    <message>
        <source>未报</source>
        <translation>Missing</translation>
    </message>
    <message>
        <source>待报</source>
        <translation>Pending</translation>
    </message>
    <message>
        <source>不要求</source>
        <translation>Not expected</translation>
    </message>
    <message>
        <source>乡镇(街道)</source>
        <translation>Township</translation>
    </message>
    <message>
        <source>最近接收</source>
        <translation>Last received</translation>
    </message>
    <message>
        <source>缺失批次</source>
        <translation>Missing bundles</translation>
    </message>
    <message>
        <source>{label}（{start}—{end}），{deadline} 前收到为按时</source>
        <translation>{label} ({start}–{end}); on time if received before {deadline}</translation>
    </message>
    <message>
        <source>批次 {seq}，{when} 收到</source>
        <translation>bundle {seq}, received {when}</translation>
    </message>
    <message>
        <source>从未收到</source>
        <translation>never received</translation>
    </message>
    <message>
        <source>断链于 {seqs}</source>
        <translation>chain broken at {seqs}</translation>
    </message>
    <message>
        <source>序号重复 {seqs}</source>
        <translation>duplicate sequence {seqs}</translation>
    </message>
    <message>
        <source>上报率</source>
        <translation>Reporting rate</translation>
    </message>
    <message>
        <source>及时率</source>
        <translation>Timeliness rate</translation>
    </message>
    <message>
        <source>{label}：应报 {expected} 个，按时 {on_time}，迟报 {late}，未报 {missing}，待报 {pending}；上报率 {rate}，及时率 {timely}</source>
        <translation>{label}: {expected} expected, {on_time} on time, {late} late, {missing} missing, {pending} pending; reporting rate {rate}, timeliness rate {timely}</translation>
    </message>
    <message>
        <source>导入批次文件</source>
        <translation>Import bundle files</translation>
    </message>
    <message>
        <source>批次文件 (*.zzb)</source>
        <translation>Bundle files (*.zzb)</translation>
    </message>
    <message>
        <source>{file}：拒收 — {reason}</source>
        <translation>{file}: refused — {reason}</translation>
    </message>
    <message>
        <source>回执已写入 {path}</source>
        <translation>Receipt written to {path}</translation>
    </message>
    <message>
        <source>回执无法写入（{err}）</source>
        <translation>Receipt could not be written ({err})</translation>
    </message>
    <message>
        <source>重复导入，县级数据未改变</source>
        <translation>Imported before; county data unchanged</translation>
    </message>
    <message>
        <source>接收 {accepted} 条，拒收 {rejected} 条</source>
        <translation>{accepted} rows accepted, {rejected} rejected</translation>
    </message>
    <message>
        <source>{file}：乡镇 {town} 批次 {seq}：{head}；{where}</source>
        <translation>{file}: township {town} bundle {seq}: {head}; {where}</translation>
    </message>
    <message>
        <source>期末后 </source>
        <translation>within </translation>
    </message>
    <message>
        <source> 日内为按时</source>
        <translation> days = on time</translation>
    </message>
    <message>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <source>修改按时上报的期限（记入审计日志）</source>
        <translation>Change the on-time window (recorded in the audit log)</translation>
    </message>
    <message>
        <source>期末次日0时后导出的批次覆盖该期；期末后 {days} 日内县级收到为按时（右上角可改）。尚未到期的“待报”乡镇不计入上报率和及时率。双击乡镇查看其记录。</source>
        <translation>A bundle exported after 00:00 of the day after the period covers it; received within {days} days of the period&apos;s end counts as on time (change it at the top right). Townships still pending are not counted in the reporting and timely rates. Double-click a township to see its records.</translation>
    </message>
    <message>
        <source>按时上报期限</source>
        <translation>On-time window</translation>
    </message>
    <message>
        <source>已保存：期末后 {days} 日内收到为按时</source>
        <translation>Saved: received within {days} days of the period&apos;s end is on time</translation>
    </message>
    <message>
        <source>正在导入 {file}（{n}/{total}）…</source>
        <translation>Importing {file} ({n}/{total})…</translation>
    </message>
    <message>
        <source>已取消：其余文件未导入</source>
        <translation>Cancelled: the remaining files were not imported</translation>
    </message>
    <message>
        <source>正在导入批次文件…</source>
        <translation>Importing bundle files…</translation>
    </message>
</context>
<context>
    <name>CountyListPage</name>
    <message>
        <source>全部乡镇(街道)</source>
        <translation>All townships</translation>
    </message>
    <message>
        <source>乡镇(街道)</source>
        <translation>Township</translation>
    </message>
    <message>
        <source>县级汇总数据，只读</source>
        <translation>County data, read-only</translation>
    </message>
    <message>
        <source>全部村(社区)</source>
        <translation>All villages</translation>
    </message>
</context>
<context>
    <name>CountyReportPage</name>
    <message>
        <source>填写内容（打印在报表上，不保存）</source>
        <translation>Written parts (printed on the sheet, not saved)</translation>
    </message>
    <message>
        <source>{number}&#x3000;{pages}页&#x3000;全县汇总（全部乡镇），数字按县级当前数据计算</source>
        <translation>{number}&#x3000;{pages} page(s)&#x3000;county summary (all townships), figures from the county&apos;s current data</translation>
    </message>
</context>
<context>
    <name>CountyUnlockDialog</name>
    <message>
        <source>综治桌面 — 县级</source>
        <translation>Zongzhi Desktop — County</translation>
    </message>
    <message>
        <source>{name}综治中心（县级数据库）</source>
        <translation>{name} governance centre (county database)</translation>
    </message>
    <message>
        <source>县级代码 {code}，配置指纹 {fp}</source>
        <translation>County code {code}, profile fingerprint {fp}</translation>
    </message>
    <message>
        <source>县级密钥口令</source>
        <translation>County key passphrase</translation>
    </message>
    <message>
        <source>打开</source>
        <translation>Open</translation>
    </message>
    <message>
        <source>退出</source>
        <translation>Quit</translation>
    </message>
    <message>
        <source>县级数据库（已加密）</source>
        <translation>County database (encrypted)</translation>
    </message>
    <message>
        <source>数据库 {path} 已加密，用县级密钥口令打开</source>
        <translation>The database {path} is encrypted; the county key passphrase opens it</translation>
    </message>
</context>
<context>
    <name>CountyWindow</name>
    <message>
        <source>综治桌面 — {county}综治中心（县级）</source>
        <translation>Zongzhi Desktop — {county} governance centre (county)</translation>
    </message>
    <message>
        <source>上报情况</source>
        <translation>Reporting</translation>
    </message>
    <message>
        <source>县级（只读查看）</source>
        <translation>County (read-only)</translation>
    </message>
    <message>
        <source>县：{name}（{code}），乡镇 {n} 个</source>
        <translation>County: {name} ({code}), {n} townships</translation>
    </message>
    <message>
        <source>数据库：{size}</source>
        <translation>Database: {size}</translation>
    </message>
    <message>
        <source>最近接收：{when}</source>
        <translation>Last received: {when}</translation>
    </message>
    <message>
        <source>尚未收到批次</source>
        <translation>No bundle received yet</translation>
    </message>
    <message>
        <source>已导出 {n} 条记录到 {path}</source>
        <translation>Exported {n} records to {path}</translation>
    </message>
</context>
<context>
    <name>Dashboard</name>
    <message>
        <source>今日新登记的{kind}</source>
        <translation>{kind} registered today</translation>
    </message>
    <message>
        <source>今日办结（化解、销号、完成）的{kind}</source>
        <translation>{kind} concluded today</translation>
    </message>
    <message>
        <source>在办的{kind}</source>
        <translation>Open {kind}</translation>
    </message>
    <message>
        <source>已逾期的{kind}</source>
        <translation>Overdue {kind}</translation>
    </message>
    <message>
        <source>7日内到期的{kind}</source>
        <translation>{kind} due within 7 days</translation>
    </message>
    <message>
        <source>在办的高风险矛盾纠纷</source>
        <translation>Open high-risk disputes</translation>
    </message>
    <message>
        <source>在办的易引发命案矛盾纠纷</source>
        <translation>Open disputes with homicide risk</translation>
    </message>
    <message>
        <source>化解时限已过或{days}日内到期的领导包案</source>
        <translation>Case packages past their target date or due within {days} days</translation>
    </message>
    <message>
        <source>{start}至{end}新登记的{kind}</source>
        <translation>{kind} registered {start} to {end}</translation>
    </message>
    <message>
        <source>{start}至{end}办结（化解）的{kind}</source>
        <translation>{kind} concluded {start} to {end}</translation>
    </message>
</context>
<context>
    <name>DashboardPage</name>
    <message>
        <source>刷新</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <source>今日与在办</source>
        <translation>Today and open</translation>
    </message>
    <message>
        <source>今日新登记</source>
        <translation>New today</translation>
    </message>
    <message>
        <source>今日办结</source>
        <translation>Concluded today</translation>
    </message>
    <message>
        <source>在办</source>
        <translation>Open</translation>
    </message>
    <message>
        <source>已逾期</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <source>7日内到期</source>
        <translation>Due in 7 days</translation>
    </message>
    <message>
        <source>重点关注</source>
        <translation>Watch list</translation>
    </message>
    <message>
        <source>高风险在办纠纷</source>
        <translation>Open high-risk disputes</translation>
    </message>
    <message>
        <source>易引发命案在办纠纷</source>
        <translation>Open homicide-risk disputes</translation>
    </message>
    <message>
        <source>包案临近化解时限</source>
        <translation>Packages near target date</translation>
    </message>
    <message>
        <source>类型</source>
        <translation>Kind</translation>
    </message>
    <message>
        <source>编号</source>
        <translation>No.</translation>
    </message>
    <message>
        <source>事项</source>
        <translation>Matter</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>期限</source>
        <translation>Deadline</translation>
    </message>
    <message>
        <source>提示</source>
        <translation>Due</translation>
    </message>
    <message>
        <source>纠纷名称</source>
        <translation>Dispute</translation>
    </message>
    <message>
        <source>当事人</source>
        <translation>Parties</translation>
    </message>
    <message>
        <source>风险</source>
        <translation>Risk</translation>
    </message>
    <message>
        <source>易引发命案</source>
        <translation>Homicide risk</translation>
    </message>
    <message>
        <source>包案事项</source>
        <translation>Case package</translation>
    </message>
    <message>
        <source>包案领导</source>
        <translation>Leader</translation>
    </message>
    <message>
        <source>化解时限</source>
        <translation>Target date</translation>
    </message>
    <message>
        <source>近12周新增与办结</source>
        <translation>New and concluded, last 12 weeks</translation>
    </message>
    <message>
        <source>{township}综治中心 · {today}</source>
        <translation>{township} governance centre · {today}</translation>
    </message>
    <message>
        <source>已逾期 {n}</source>
        <translation>Overdue {n}</translation>
    </message>
    <message>
        <source>7日内到期 {n}</source>
        <translation>Due in 7 days {n}</translation>
    </message>
    <message>
        <source>高风险/命案风险 {n}</source>
        <translation>High / homicide risk {n}</translation>
    </message>
    <message>
        <source>包案临近时限 {n}</source>
        <translation>Packages near target {n}</translation>
    </message>
    <message>
        <source>待办</source>
        <translation>To do</translation>
    </message>
    <message>
        <source>操作</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>待办 {n}</source>
        <translation>To do {n}</translation>
    </message>
    <message>
        <source>申请销号</source>
        <translation>Closure requested</translation>
    </message>
    <message>
        <source>待签发</source>
        <translation>To sign</translation>
    </message>
    <message>
        <source>包案逾期</source>
        <translation>Package overdue</translation>
    </message>
    <message>
        <source>打开报表签发</source>
        <translation>Open the sheet to sign</translation>
    </message>
    <message>
        <source>审核销号</source>
        <translation>Review closure</translation>
    </message>
    <message>
        <source>打开{kind}</source>
        <translation>Open {kind}</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>停止读取首页数字</source>
        <translation>Stop reading the home page figures</translation>
    </message>
    <message>
        <source>首页数字读取失败，请点“刷新”重试</source>
        <translation>The home page figures could not be read; click “Refresh” to try again</translation>
    </message>
    <message>
        <source>已取消，点“刷新”重新读取</source>
        <translation>Cancelled; click “Refresh” to read again</translation>
    </message>
    <message>
        <source>读取首页</source>
        <translation>Reading the home page</translation>
    </message>
    <message>
        <source>正在加载…</source>
        <translation>Loading…</translation>
    </message>
    <message>
        <source>高风险/命案风险</source>
        <translation>High risk / homicide risk</translation>
    </message>
    <message>
        <source>包案临近时限</source>
        <translation>Packages near their deadline</translation>
    </message>
</context>
<context>
    <name>DataPage</name>
    <message>
        <source>初始数据</source>
        <translation>Initial data</translation>
    </message>
    <message>
        <source>可以从空白开始，也可以载入一批演示数据用于培训和试用。</source>
        <translation>Start empty, or load demo data for training and trying the program.</translation>
    </message>
    <message>
        <source>从空白数据开始（正式使用）</source>
        <translation>Start with an empty database (for real use)</translation>
    </message>
    <message>
        <source>载入演示数据（虚构的信访件、纠纷、包案、志愿活动，用于培训）</source>
        <translation>Load demo data (fictitious petitions, disputes, case packages and activities, for training)</translation>
    </message>
    <message>
        <source>演示数据中的人名、证件号和电话均为随机生成，不对应真实人员。</source>
        <translation>Names, ID numbers and phone numbers in the demo data are random and belong to no real person.</translation>
    </message>
</context>
<context>
    <name>DraftBanner</name>
    <message>
        <source>恢复草稿</source>
        <translation>Restore draft</translation>
    </message>
    <message>
        <source>丢弃</source>
        <translation>Discard</translation>
    </message>
    <message>
        <source>发现 {when} 未保存的草稿，可恢复继续填写。</source>
        <translation>An unsaved draft from {when} was found; restore it to continue.</translation>
    </message>
</context>
<context>
    <name>ErrorDialog</name>
    <message>
        <source>无法完成操作</source>
        <translation>Cannot complete the operation</translation>
    </message>
    <message>
        <source>程序错误</source>
        <translation>Program error</translation>
    </message>
    <message>
        <source>程序遇到意外错误：{summary}</source>
        <translation>An unexpected error occurred: {summary}</translation>
    </message>
    <message>
        <source>详细信息已写入日志文件：{path}</source>
        <translation>Details were written to the log file: {path}</translation>
    </message>
</context>
<context>
    <name>FilePage</name>
    <message>
        <source>第1步：选择台账文件</source>
        <translation>Step 1: choose the ledger file</translation>
    </message>
    <message>
        <source>支持 .xlsx、.xls 和 .csv（UTF-8 或 GBK）；可一次导入多个工作表（如每年或每月一个）。</source>
        <translation>Reads .xlsx, .xls and .csv (UTF-8 or GBK); several sheets (one a year or a month) can be imported at once.</translation>
    </message>
    <message>
        <source>台账文件路径</source>
        <translation>Path of the ledger file</translation>
    </message>
    <message>
        <source>浏览…</source>
        <translation>Browse…</translation>
    </message>
    <message>
        <source>台账类型</source>
        <translation>Ledger kind</translation>
    </message>
    <message>
        <source>台账文件</source>
        <translation>Ledger file</translation>
    </message>
    <message>
        <source>工作表（勾选要导入的）</source>
        <translation>Sheets (tick those to import)</translation>
    </message>
    <message>
        <source>选择台账文件</source>
        <translation>Choose the ledger file</translation>
    </message>
    <message>
        <source>台账 (*.xlsx *.xls *.xlsm *.csv)</source>
        <translation>Ledgers (*.xlsx *.xls *.xlsm *.csv)</translation>
    </message>
    <message>
        <source>读取工作表</source>
        <translation>Reading the sheets</translation>
    </message>
</context>
<context>
    <name>Fonts</name>
    <message>
        <source>准备生僻字字体</source>
        <translation>Preparing rare-character fonts</translation>
    </message>
</context>
<context>
    <name>FormView</name>
    <message>
        <source>字符{chars}在本机所有字体中都没有，显示和打印时会成为空框；请核对输入</source>
        <translation>No font on this computer has the character(s) {chars}; they would show and print as empty boxes. Please check the input</translation>
    </message>
</context>
<context>
    <name>FormWidgets</name>
    <message>
        <source>{label}（已停用）</source>
        <translation>{label} (disabled)</translation>
    </message>
    <message>
        <source>输入关键字搜索</source>
        <translation>Type to search</translation>
    </message>
    <message>
        <source>列出可选项 (Alt+↓)</source>
        <translation>List choices (Alt+↓)</translation>
    </message>
</context>
<context>
    <name>HolidaysTab</name>
    <message>
        <source>日期</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>如 国庆节</source>
        <translation>e.g. National Day</translation>
    </message>
    <message>
        <source>调休上班日</source>
        <translation>Make-up working day</translation>
    </message>
    <message>
        <source>添加/修改</source>
        <translation>Add/change</translation>
    </message>
    <message>
        <source>删除所选</source>
        <translation>Remove selected</translation>
    </message>
    <message>
        <source>国务院每年公布法定节假日和调休安排；按“顺延”或“工作日”规则计算期限时使用。</source>
        <translation>The State Council publishes holidays and make-up working days every year; they are used when deadlines move past holidays or count working days.</translation>
    </message>
    <message>
        <source>调休上班</source>
        <translation>Working day</translation>
    </message>
    <message>
        <source>放假</source>
        <translation>Holiday</translation>
    </message>
    <message>
        <source>节假日</source>
        <translation>Holidays</translation>
    </message>
</context>
<context>
    <name>LedgerImportWizard</name>
    <message>
        <source>导入台账</source>
        <translation>Import ledger</translation>
    </message>
    <message>
        <source>下一步 &gt;</source>
        <translation>Next &gt;</translation>
    </message>
    <message>
        <source>&lt; 上一步</source>
        <translation>&lt; Back</translation>
    </message>
    <message>
        <source>导入</source>
        <translation>Import</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>LedgerKinds</name>
    <message>
        <source>矛盾纠纷排查化解台账</source>
        <translation>Dispute screening and resolution ledger</translation>
    </message>
    <message>
        <source>信访台账</source>
        <translation>Petition ledger</translation>
    </message>
    <message>
        <source>包案台账</source>
        <translation>Leader case-package ledger</translation>
    </message>
    <message>
        <source>志愿服务台账</source>
        <translation>Volunteer service ledger</translation>
    </message>
</context>
<context>
    <name>LockCover</name>
    <message>
        <source>已锁定</source>
        <translation>Locked</translation>
    </message>
</context>
<context>
    <name>LoginDialog</name>
    <message>
        <source>综治桌面 — 登录</source>
        <translation>Zongzhi Desktop — Sign in</translation>
    </message>
    <message>
        <source>综治桌面</source>
        <translation>Zongzhi Desktop</translation>
    </message>
    <message>
        <source>{township}综治中心</source>
        <translation>{township} governance centre</translation>
    </message>
    <message>
        <source>用户名</source>
        <translation>User name</translation>
    </message>
    <message>
        <source>密码</source>
        <translation>Password</translation>
    </message>
    <message>
        <source>登录</source>
        <translation>Sign in</translation>
    </message>
    <message>
        <source>退出</source>
        <translation>Quit</translation>
    </message>
    <message>
        <source>请输入用户名</source>
        <translation>Enter your user name</translation>
    </message>
    <message>
        <source>{user} / {password}（{role}）</source>
        <translation>{user} / {password} ({role})</translation>
    </message>
    <message>
        <source>这是演示数据库。演示账号（用户名 / 密码）：{accounts}</source>
        <translation>This is a demo database. Demo accounts (user name / password): {accounts}</translation>
    </message>
    <message>
        <source>用户名或密码错误</source>
        <translation>Wrong user name or password</translation>
    </message>
    <message>
        <source>正在把数据库转换为加密存储（先备份并校验）…</source>
        <translation>Converting the database to encrypted storage (backed up and verified first)…</translation>
    </message>
    <message>
        <source>数据库没有转换（原数据库保持不变）：{error}</source>
        <translation>The database was not converted (it is unchanged): {error}</translation>
    </message>
    <message>
        <source>加密数据库</source>
        <translation>Encrypt the database</translation>
    </message>
    <message>
        <source>正在加密数据库，请稍候…</source>
        <translation>Encrypting the database, please wait…</translation>
    </message>
    <message>
        <source>登录失败</source>
        <translation>Sign-in failed</translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>综治桌面 — {township}综治中心</source>
        <translation>Zongzhi Desktop — {township} governance centre</translation>
    </message>
    <message>
        <source>用户：{name}（{role}）</source>
        <translation>User: {name} ({role})</translation>
    </message>
    <message>
        <source>乡镇：{name}</source>
        <translation>Township: {name}</translation>
    </message>
    <message>
        <source>数据库：{size}</source>
        <translation>Database: {size}</translation>
    </message>
    <message>
        <source>报表</source>
        <translation>Reports</translation>
    </message>
    <message>
        <source>首页</source>
        <translation>Home</translation>
    </message>
    <message>
        <source>信访</source>
        <translation>Petitions</translation>
    </message>
    <message>
        <source>矛盾纠纷</source>
        <translation>Disputes</translation>
    </message>
    <message>
        <source>领导包案</source>
        <translation>Case packages</translation>
    </message>
    <message>
        <source>志愿服务</source>
        <translation>Volunteers</translation>
    </message>
    <message>
        <source>调度事项</source>
        <translation>Dispatch items</translation>
    </message>
    <message>
        <source>同步</source>
        <translation>Sync</translation>
    </message>
    <message>
        <source>设置</source>
        <translation>Settings</translation>
    </message>
    <message>
        <source>已导出 {n} 条记录到 {path}</source>
        <translation>Exported {n} records to {path}</translation>
    </message>
    <message>
        <source>报表中的 {n} 条记录</source>
        <translation>{n} records from the report</translation>
    </message>
    <message>
        <source>退出</source>
        <translation>Quit</translation>
    </message>
    <message>
        <source>仍有后台操作在进行，确定退出吗？</source>
        <translation>Background work is still running. Quit anyway?</translation>
    </message>
    <message>
        <source>未同步</source>
        <translation>Never synced</translation>
    </message>
    <message>
        <source>最近同步：{when}（第{seq}包，县级已回执）</source>
        <translation>Last sync: {when} (bundle {seq}, receipt received)</translation>
    </message>
    <message>
        <source>最近同步：{when}（第{seq}包，待回执）</source>
        <translation>Last sync: {when} (bundle {seq}, awaiting receipt)</translation>
    </message>
    <message>
        <source>用户</source>
        <translation>User</translation>
    </message>
    <message>
        <source>切换用户…</source>
        <translation>Switch user…</translation>
    </message>
    <message>
        <source>结束当前用户的会话，回到登录窗口（{key}）</source>
        <translation>End this user&apos;s session and return to sign-in ({key})</translation>
    </message>
    <message>
        <source>注销</source>
        <translation>Sign out</translation>
    </message>
    <message>
        <source>注销当前用户，回到登录窗口（{key}）</source>
        <translation>Sign out and return to sign-in ({key})</translation>
    </message>
    <message>
        <source>重点人员</source>
        <translation>Key persons</translation>
    </message>
</context>
<context>
    <name>NewUserDialog</name>
    <message>
        <source>新增用户</source>
        <translation>Add user</translation>
    </message>
    <message>
        <source>用户名</source>
        <translation>User name</translation>
    </message>
    <message>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>角色</source>
        <translation>Role</translation>
    </message>
    <message>
        <source>初始密码（至少8位）</source>
        <translation>Initial password (at least 8 characters)</translation>
    </message>
</context>
<context>
    <name>OperationRunner</name>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>PageView</name>
    <message>
        <source>点击查看这 {n} 条记录</source>
        <translation>Click to list these {n} records</translation>
    </message>
</context>
<context>
    <name>PreviewPage</name>
    <message>
        <source>第4步：预览和导入</source>
        <translation>Step 4: preview and import</translation>
    </message>
    <message>
        <source>核对前几行和全部错误行后点“导入”。整个台账作为一个批次导入，审核员可撤销。</source>
        <translation>Check the first rows and every row with an error, then click “Import”. The whole ledger is imported as one batch, which a reviewer can undo.</translation>
    </message>
    <message>
        <source>工作表</source>
        <translation>Sheet</translation>
    </message>
    <message>
        <source>行</source>
        <translation>Row</translation>
    </message>
    <message>
        <source>名称/信访人</source>
        <translation>Title / petitioner</translation>
    </message>
    <message>
        <source>日期</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>列</source>
        <translation>Column</translation>
    </message>
    <message>
        <source>值</source>
        <translation>Value</translation>
    </message>
    <message>
        <source>原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>只导入通过校验的行（错误行不导入）</source>
        <translation>Import only the valid rows (rows with errors are left out)</translation>
    </message>
    <message>
        <source>保存错误报告…</source>
        <translation>Save error report…</translation>
    </message>
    <message>
        <source>正在校验…</source>
        <translation>Checking…</translation>
    </message>
    <message>
        <source>校验台账</source>
        <translation>Checking the ledger</translation>
    </message>
    <message>
        <source>读取 {read} 行：可导入 {ok} 条；跳过 {skipped}；未通过校验 {bad} 行。</source>
        <translation>{read} rows read: {ok} can be imported; {skipped} skipped; {bad} rows failed the checks.</translation>
    </message>
    <message>
        <source>保存错误报告</source>
        <translation>Save error report</translation>
    </message>
    <message>
        <source>Excel 文件 (*.xlsx)</source>
        <translation>Excel files (*.xlsx)</translation>
    </message>
    <message>
        <source>导入台账</source>
        <translation>Import ledger</translation>
    </message>
    <message>
        <source>已导入 {n} 条记录（批次 {b}）。审核员可用“撤销导入”作废整个批次。</source>
        <translation>Imported {n} records (batch {b}). A reviewer can void the whole batch with “Undo import”.</translation>
    </message>
</context>
<context>
    <name>PrintPreviewDialog</name>
    <message>
        <source>打印预览 — {title}</source>
        <translation>Print preview — {title}</translation>
    </message>
    <message>
        <source>上一页</source>
        <translation>Previous page</translation>
    </message>
    <message>
        <source>下一页</source>
        <translation>Next page</translation>
    </message>
    <message>
        <source>打印…</source>
        <translation>Print…</translation>
    </message>
    <message>
        <source>导出PDF…</source>
        <translation>Export PDF…</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>打印到打印机（Ctrl+P）</source>
        <translation>Print to a printer (Ctrl+P)</translation>
    </message>
    <message>
        <source>保存为PDF文件（Ctrl+S）</source>
        <translation>Save as a PDF file (Ctrl+S)</translation>
    </message>
    <message>
        <source>上一页（PageUp）</source>
        <translation>Previous page (PageUp)</translation>
    </message>
    <message>
        <source>下一页（PageDown）</source>
        <translation>Next page (PageDown)</translation>
    </message>
    <message>
        <source>缩放</source>
        <translation>Zoom</translation>
    </message>
    <message>
        <source>第 {n} 页 / 共 {total} 页</source>
        <translation>Page {n} of {total}</translation>
    </message>
    <message>
        <source>打印</source>
        <translation>Print</translation>
    </message>
    <message>
        <source>无法写入文件“{p}”：{e}</source>
        <translation>Cannot write “{p}”: {e}</translation>
    </message>
    <message>
        <source>导出PDF</source>
        <translation>Export PDF</translation>
    </message>
    <message>
        <source>正在打印第 {n} 页，共 {total} 页…</source>
        <translation>Printing page {n} of {total}…</translation>
    </message>
    <message>
        <source>显示预览</source>
        <translation>Show preview</translation>
    </message>
    <message>
        <source>正在打印…</source>
        <translation>Printing…</translation>
    </message>
</context>
<context>
    <name>RecordDetailDialog</name>
    <message>
        <source>显示完整身份证号和电话</source>
        <translation>Show full ID numbers and phones</translation>
    </message>
    <message>
        <source>基本信息</source>
        <translation>Details</translation>
    </message>
    <message>
        <source>作废所选行…</source>
        <translation>Void selected row…</translation>
    </message>
    <message>
        <source>日期</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>办理步骤</source>
        <translation>Step</translation>
    </message>
    <message>
        <source>经办人</source>
        <translation>By</translation>
    </message>
    <message>
        <source>内容</source>
        <translation>Content</translation>
    </message>
    <message>
        <source>时间</source>
        <translation>Time</translation>
    </message>
    <message>
        <source>用户</source>
        <translation>Users</translation>
    </message>
    <message>
        <source>操作</source>
        <translation>Action</translation>
    </message>
    <message>
        <source>变更内容</source>
        <translation>Changes</translation>
    </message>
    <message>
        <source>办理记录</source>
        <translation>Timeline</translation>
    </message>
    <message>
        <source>修改历史</source>
        <translation>History</translation>
    </message>
    <message>
        <source>关闭</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>打印…</source>
        <translation>Print…</translation>
    </message>
    <message>
        <source>打印或预览这条记录的文书（Ctrl+P）</source>
        <translation>Print or preview this record&apos;s documents (Ctrl+P)</translation>
    </message>
    <message>
        <source>{label} {serial}</source>
        <translation>{label} {serial}</translation>
    </message>
    <message>
        <source>已作废</source>
        <translation>Voided</translation>
    </message>
    <message>
        <source>期限</source>
        <translation>Deadline</translation>
    </message>
    <message>
        <source>{what} {date}（已超期 {n} 天）</source>
        <translation>{what} {date} ({n} days overdue)</translation>
    </message>
    <message>
        <source>{what} {date}（今天到期）</source>
        <translation>{what} {date} (due today)</translation>
    </message>
    <message>
        <source>{what} {date}（还剩 {n} 天）</source>
        <translation>{what} {date} ({n} days left)</translation>
    </message>
    <message>
        <source>此记录已作废。原因：{reason}</source>
        <translation>This record is void. Reason: {reason}</translation>
    </message>
    <message>
        <source>办理情况</source>
        <translation>Progress</translation>
    </message>
    <message>
        <source>登记</source>
        <translation>Registered</translation>
    </message>
    <message>
        <source>作废</source>
        <translation>Void</translation>
    </message>
    <message>
        <source>回访</source>
        <translation>Follow-up visit</translation>
    </message>
    <message>
        <source>工作进展</source>
        <translation>Progress</translation>
    </message>
    <message>
        <source>新建</source>
        <translation>New</translation>
    </message>
    <message>
        <source>修改</source>
        <translation>Edit</translation>
    </message>
    <message>
        <source>编发文号</source>
        <translation>Document number issued</translation>
    </message>
    <message>
        <source>打印含个人信息的文书</source>
        <translation>Printed a document with personal data</translation>
    </message>
    <message>
        <source>身份证号</source>
        <translation>ID number</translation>
    </message>
    <message>
        <source>联系电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>打印</source>
        <translation>Print</translation>
    </message>
    <message>
        <source>导出PDF</source>
        <translation>Export PDF</translation>
    </message>
    <message>
        <source>导出Excel</source>
        <translation>Export to Excel</translation>
    </message>
    <message>
        <source>（{how}，含{fields}）</source>
        <translation> ({how}, with {fields})</translation>
    </message>
    <message>
        <source>登记当事人</source>
        <translation>Add party</translation>
    </message>
    <message>
        <source>登记回访</source>
        <translation>Record visit</translation>
    </message>
    <message>
        <source>登记进展</source>
        <translation>Record progress</translation>
    </message>
    <message>
        <source>关联案件</source>
        <translation>Linked cases</translation>
    </message>
    <message>
        <source>添加参与志愿者</source>
        <translation>Add participants</translation>
    </message>
    <message>
        <source>加入队伍</source>
        <translation>Join team</translation>
    </message>
    <message>
        <source>编辑</source>
        <translation>Edit</translation>
    </message>
    <message>
        <source>（当前状态没有可打印的文书）</source>
        <translation>(no document can be printed in the current state)</translation>
    </message>
    <message>
        <source>生成文书</source>
        <translation>Building the document</translation>
    </message>
    <message>
        <source>登记{label}</source>
        <translation>Add {label}</translation>
    </message>
    <message>
        <source>作废{label}</source>
        <translation>Void {label}</translation>
    </message>
    <message>
        <source>作废后此行不再计入统计，但保留在修改历史中。</source>
        <translation>A voided row no longer counts in any figure but stays in the history.</translation>
    </message>
    <message>
        <source>作废的记录保留在数据库中并同步到县级，但不再计入任何统计。请写明原因。</source>
        <translation>A voided record stays in the database and syncs to the county, but no longer counts in any figure. Give the reason.</translation>
    </message>
    <message>
        <source>快捷键 {key}</source>
        <translation>shortcut {key}</translation>
    </message>
    <message>
        <source>当前身份无权办理</source>
        <translation>your role may not do this step</translation>
    </message>
    <message>
        <source>当前状态不能办理</source>
        <translation>not possible in the current state</translation>
    </message>
    <message>
        <source>关联案件：</source>
        <translation>Linked cases:</translation>
    </message>
    <message>
        <source>&#x3000;（无）</source>
        <translation>&#x3000;(none)</translation>
    </message>
    <message>
        <source>五包：</source>
        <translation>Five duties:</translation>
    </message>
    <message>
        <source>注意：</source>
        <translation>Note: </translation>
    </message>
    <message>
        <source>附件</source>
        <translation>Attachments</translation>
    </message>
    <message>
        <source>附件（{n}）</source>
        <translation>Attachments ({n})</translation>
    </message>
    <message>
        <source>添加附件</source>
        <translation>Add attachment</translation>
    </message>
    <message>
        <source>作废附件</source>
        <translation>Void attachment</translation>
    </message>
</context>
<context>
    <name>RecordFormDialog</name>
    <message>
        <source>保存并新建 (Ctrl+N)</source>
        <translation>Save and new (Ctrl+N)</translation>
    </message>
    <message>
        <source>保存 (Ctrl+S)</source>
        <translation>Save (Ctrl+S)</translation>
    </message>
    <message>
        <source>取消 (Esc)</source>
        <translation>Cancel (Esc)</translation>
    </message>
    <message>
        <source>{title} — 新建</source>
        <translation>{title} — new</translation>
    </message>
    <message>
        <source>{masked}（已隐藏，留空则不修改）</source>
        <translation>{masked} (hidden; leave empty to keep)</translation>
    </message>
    <message>
        <source>修改{label} {serial}</source>
        <translation>Edit {label} {serial}</translation>
    </message>
    <message>
        <source>草稿已自动保存 {time}</source>
        <translation>Draft saved automatically {time}</translation>
    </message>
    <message>
        <source>已恢复草稿</source>
        <translation>Draft restored</translation>
    </message>
    <message>
        <source>已选择不关联前次信访件</source>
        <translation>Not linked to the earlier petition</translation>
    </message>
    <message>
        <source>未保存：请更正标红的内容</source>
        <translation>Not saved: correct the fields marked in red</translation>
    </message>
    <message>
        <source>未保存</source>
        <translation>Not saved</translation>
    </message>
    <message>
        <source>已保存 {serial}</source>
        <translation>Saved {serial}</translation>
    </message>
    <message>
        <source>请录入下一条</source>
        <translation>Enter the next record</translation>
    </message>
    <message>
        <source>尚未保存</source>
        <translation>Not saved yet</translation>
    </message>
    <message>
        <source>“{title}”有未保存的内容，是否保存？</source>
        <translation>“{title}” has unsaved changes. Save them?</translation>
    </message>
    <message>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <source>不保存</source>
        <translation>Don&apos;t save</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>已作废一行{label}</source>
        <translation>Voided one row of {label}</translation>
    </message>
</context>
<context>
    <name>RecordListPage</name>
    <message>
        <source>搜索姓名、身份证号、电话、内容（Ctrl+F）</source>
        <translation>Search names, ID numbers, phones, text (Ctrl+F)</translation>
    </message>
    <message>
        <source>新建</source>
        <translation>New</translation>
    </message>
    <message>
        <source>新建记录（Ctrl+N）</source>
        <translation>New record (Ctrl+N)</translation>
    </message>
    <message>
        <source>导出Excel</source>
        <translation>Export to Excel</translation>
    </message>
    <message>
        <source>刷新</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <source>重新读取（F5）</source>
        <translation>Reload (F5)</translation>
    </message>
    <message>
        <source>全部状态</source>
        <translation>All statuses</translation>
    </message>
    <message>
        <source>在办（未办结）</source>
        <translation>Open (not concluded)</translation>
    </message>
    <message>
        <source>全部类型</source>
        <translation>All types</translation>
    </message>
    <message>
        <source>全部村(社区)</source>
        <translation>All villages</translation>
    </message>
    <message>
        <source>易引发命案</source>
        <translation>Homicide risk</translation>
    </message>
    <message>
        <source>全部风险</source>
        <translation>All risk levels</translation>
    </message>
    <message>
        <source>风险：{label}</source>
        <translation>Risk: {label}</translation>
    </message>
    <message>
        <source>已逾期</source>
        <translation>Overdue</translation>
    </message>
    <message>
        <source>不限</source>
        <translation>Any date</translation>
    </message>
    <message>
        <source>今天</source>
        <translation>Today</translation>
    </message>
    <message>
        <source>本周</source>
        <translation>This week</translation>
    </message>
    <message>
        <source>本月</source>
        <translation>This month</translation>
    </message>
    <message>
        <source>本季度</source>
        <translation>This quarter</translation>
    </message>
    <message>
        <source>本年</source>
        <translation>This year</translation>
    </message>
    <message>
        <source>自定义</source>
        <translation>Custom</translation>
    </message>
    <message>
        <source>清除筛选</source>
        <translation>Clear filter</translation>
    </message>
    <message>
        <source>正在搜索…</source>
        <translation>Searching…</translation>
    </message>
    <message>
        <source>搜索</source>
        <translation>Search</translation>
    </message>
    <message>
        <source>筛选：{title}</source>
        <translation>Filter: {title}</translation>
    </message>
    <message>
        <source>共 {n} 条</source>
        <translation>{n} records</translation>
    </message>
    <message>
        <source>导出为Excel</source>
        <translation>Export to Excel</translation>
    </message>
    <message>
        <source>已导出 {done} / {total} 条</source>
        <translation>Exported {done} of {total}</translation>
    </message>
    <message>
        <source>7日内到期</source>
        <translation>Due within 7 days</translation>
    </message>
</context>
<context>
    <name>RecordPickerDialog</name>
    <message>
        <source>选择</source>
        <translation>Choose</translation>
    </message>
    <message>
        <source>输入编号、姓名或标题的任意部分</source>
        <translation>Type any part of a number, name or title</translation>
    </message>
    <message>
        <source>全部</source>
        <translation>All</translation>
    </message>
    <message>
        <source>查找：</source>
        <translation>Find:</translation>
    </message>
    <message>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>情况</source>
        <translation>Summary</translation>
    </message>
    <message>
        <source>选定</source>
        <translation>Select</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>找到 {n} 条（最多显示每类 {limit} 条）</source>
        <translation>{n} found (at most {limit} of each kind shown)</translation>
    </message>
</context>
<context>
    <name>RecordTableModel</name>
    <message>
        <source>点击按此列排序</source>
        <translation>Click to sort by this column</translation>
    </message>
    <message>
        <source>此列不能排序</source>
        <translation>This column cannot be sorted</translation>
    </message>
    <message>
        <source>读取列表</source>
        <translation>Reading the list</translation>
    </message>
</context>
<context>
    <name>RecoveryKeyDialog</name>
    <message>
        <source>恢复密钥（只显示这一次）</source>
        <translation>Recovery key (shown only this once)</translation>
    </message>
    <message>
        <source>数据库已加密。下面是它的恢复密钥：请现在打印或抄写在纸上，交管理员锁好保管。
忘记全部密码、或换电脑从备份恢复时，用它打开数据库（zongzhi key reset-password）。
它只显示这一次；丢失后管理员可在命令行用 zongzhi key recovery 生成新的，旧的随即失效。</source>
        <translation>The database is encrypted. Below is its recovery key: print it or write it down now and have the administrator lock it away.
It opens the database when every password is forgotten, or when restoring from a backup on a new PC (zongzhi key reset-password).
It is shown only this once; if it is lost, an administrator can make a new one with zongzhi key recovery on the command line (the old one stops working).</translation>
    </message>
    <message>
        <source>复制</source>
        <translation>Copy</translation>
    </message>
    <message>
        <source>我已记下</source>
        <translation>I have written it down</translation>
    </message>
</context>
<context>
    <name>ReferenceDialog</name>
    <message>
        <source>新增{label}</source>
        <translation>New {label}</translation>
    </message>
</context>
<context>
    <name>ReferenceTab</name>
    <message>
        <source>新增</source>
        <translation>Add</translation>
    </message>
    <message>
        <source>作废所选</source>
        <translation>Void selected</translation>
    </message>
    <message>
        <source>作废</source>
        <translation>Void</translation>
    </message>
    <message>
        <source>作废原因</source>
        <translation>Reason for voiding</translation>
    </message>
</context>
<context>
    <name>RepeatHint</name>
    <message>
        <source>该信访人已有 {n} 件在办或近一年的信访件，可能是重复访：</source>
        <translation>This petitioner has {n} open or recent petitions; this may be a repeat petition:</translation>
    </message>
    <message>
        <source>已关联</source>
        <translation>Linked</translation>
    </message>
    <message>
        <source>关联</source>
        <translation>Link</translation>
    </message>
    <message>
        <source>不是同一事项，不关联</source>
        <translation>Different matter, do not link</translation>
    </message>
</context>
<context>
    <name>ReportPage</name>
    <message>
        <source>生成预览</source>
        <translation>Preview</translation>
    </message>
    <message>
        <source>保存填写内容</source>
        <translation>Save text</translation>
    </message>
    <message>
        <source>审核签发</source>
        <translation>Sign off</translation>
    </message>
    <message>
        <source>打印…</source>
        <translation>Print…</translation>
    </message>
    <message>
        <source>导出PDF…</source>
        <translation>Export PDF…</translation>
    </message>
    <message>
        <source>导出Excel…</source>
        <translation>Export Excel…</translation>
    </message>
    <message>
        <source>报表</source>
        <translation>Reports</translation>
    </message>
    <message>
        <source>期间</source>
        <translation>Period</translation>
    </message>
    <message>
        <source>填写内容</source>
        <translation>Written parts</translation>
    </message>
    <message>
        <source>默认为当前用户</source>
        <translation>Defaults to the current user</translation>
    </message>
    <message>
        <source>打印预览，可打印或导出PDF（Ctrl+P）</source>
        <translation>Print preview, to print or export a PDF (Ctrl+P)</translation>
    </message>
    <message>
        <source>填报人</source>
        <translation>Prepared by</translation>
    </message>
    <message>
        <source>已签发：审核人 {who}，{when}；内容已冻结，重印与签发时完全一致（内容哈希 {h}）</source>
        <translation>Signed off by {who}, {when}; the content is frozen and reprints exactly (content hash {h})</translation>
    </message>
    <message>
        <source>草稿（已保存，填报人 {who}）；数字按当前记录计算</source>
        <translation>Draft (saved, prepared by {who}); figures computed from current records</translation>
    </message>
    <message>
        <source>未保存；数字按当前记录计算</source>
        <translation>Not saved; figures computed from current records</translation>
    </message>
    <message>
        <source>{kind}（{n}条）</source>
        <translation>{kind} ({n})</translation>
    </message>
    <message>
        <source>签发后报表内容将冻结，不能再修改，重印与签发时完全一致。确定签发{sheet}（{period}）？</source>
        <translation>After sign-off the sheet is frozen and cannot change; reprints are identical. Sign off {sheet} ({period})?</translation>
    </message>
    <message>
        <source>PDF 文件 (*.pdf)</source>
        <translation>PDF files (*.pdf)</translation>
    </message>
    <message>
        <source>Excel 文件 (*.xlsx)</source>
        <translation>Excel files (*.xlsx)</translation>
    </message>
    <message>
        <source>导出</source>
        <translation>Export</translation>
    </message>
    <message>
        <source>无法写入文件“{p}”：{e}</source>
        <translation>Cannot write “{p}”: {e}</translation>
    </message>
    <message>
        <source>附录</source>
        <translation>Appendix</translation>
    </message>
    <message>
        <source>在报表末尾列出正文中因篇幅截断的清单的全部记录（纸面不能点击）；签发的报表总带附录</source>
        <translation>List at the end of the sheet every record of the lists cut short in the body (paper cannot be clicked); a signed sheet always carries the appendix</translation>
    </message>
    <message>
        <source>生成报表</source>
        <translation>Building the sheet</translation>
    </message>
    <message>
        <source>正在生成报表…</source>
        <translation>Building the sheet…</translation>
    </message>
    <message>
        <source>正在查询“{label}”的 {n} 条记录…</source>
        <translation>Looking up the {n} records behind “{label}”…</translation>
    </message>
    <message>
        <source>查看报表中的记录</source>
        <translation>Open the records behind a figure</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>停止生成这张报表</source>
        <translation>Stop generating this sheet</translation>
    </message>
    <message>
        <source>已取消生成报表；点“生成预览”重新生成</source>
        <translation>Sheet generation cancelled; click “Generate preview” to generate it again</translation>
    </message>
    <message>
        <source>正在签发报表…</source>
        <translation>Signing the sheet…</translation>
    </message>
    <message>
        <source>导出Excel</source>
        <translation>Export to Excel</translation>
    </message>
</context>
<context>
    <name>ReportParts</name>
    <message>
        <source>研判意见</source>
        <translation>Assessment</translation>
    </message>
    <message>
        <source>下周重点</source>
        <translation>Focus next week</translation>
    </message>
    <message>
        <source>下月安排</source>
        <translation>Plan for next month</translation>
    </message>
    <message>
        <source>新情况新问题</source>
        <translation>New situations and problems</translation>
    </message>
    <message>
        <source>下季措施</source>
        <translation>Measures next quarter</translation>
    </message>
</context>
<context>
    <name>RestoreDialog</name>
    <message>
        <source>手动</source>
        <translation>Manual</translation>
    </message>
    <message>
        <source>每日自动</source>
        <translation>Daily</translation>
    </message>
    <message>
        <source>导入前</source>
        <translation>Before import</translation>
    </message>
    <message>
        <source>数据库需要恢复</source>
        <translation>The database needs restoring</translation>
    </message>
    <message>
        <source>数据库 {path} 有问题：
{problem}

可以从下面的备份恢复（最新的在前）。恢复前会先校验备份；当前的数据库文件会另存保留，不会删除。</source>
        <translation>The database {path} has a problem:
{problem}

You can restore it from one of the backups below (newest first). The backup is checked first; the current database file is kept aside, never deleted.</translation>
    </message>
    <message>
        <source>备份时间</source>
        <translation>Backed up at</translation>
    </message>
    <message>
        <source>类型</source>
        <translation>Kind</translation>
    </message>
    <message>
        <source>大小</source>
        <translation>Size</translation>
    </message>
    <message>
        <source>没有找到备份。请联系技术支持，不要删除数据库文件。</source>
        <translation>No backup was found. Contact support and do not delete the database file.</translation>
    </message>
    <message>
        <source>从所选备份恢复</source>
        <translation>Restore from the selected backup</translation>
    </message>
    <message>
        <source>继续使用当前数据库</source>
        <translation>Keep using the current database</translation>
    </message>
    <message>
        <source>退出</source>
        <translation>Quit</translation>
    </message>
    <message>
        <source>正在校验并恢复 {file}…</source>
        <translation>Checking and restoring {file}…</translation>
    </message>
    <message>
        <source>恢复失败：{error}
请选择更早的备份。</source>
        <translation>Restore failed: {error}
Choose an earlier backup.</translation>
    </message>
    <message>
        <source>从备份恢复</source>
        <translation>Restore from backup</translation>
    </message>
    <message>
        <source>加密前</source>
        <translation>Before encryption</translation>
    </message>
</context>
<context>
    <name>RulesTab</name>
    <message>
        <source>期限计算规则</source>
        <translation>Deadline rule</translation>
    </message>
    <message>
        <source>保存</source>
        <translation>Save</translation>
    </message>
    <message>
        <source>规则</source>
        <translation>Rule</translation>
    </message>
    <message>
        <source>信访工作条例规定的期限按日计算（不含起算当日）。部分省份规定期限末日为法定节假日的顺延，少数按工作日计算。修改只影响此后计算的期限。</source>
        <translation>Statutory periods are counted in days, not counting the starting day. Some provinces move a deadline that falls on a holiday to the next working day; a few count working days. A change affects deadlines computed from now on.</translation>
    </message>
    <message>
        <source>空闲锁定</source>
        <translation>Idle lock</translation>
    </message>
    <message>
        <source> 分钟</source>
        <translation> minutes</translation>
    </message>
    <message>
        <source>不锁定</source>
        <translation>Never</translation>
    </message>
    <message>
        <source>无操作多久后锁定</source>
        <translation>Lock after inactivity of</translation>
    </message>
    <message>
        <source>自然日</source>
        <translation>Calendar days</translation>
    </message>
    <message>
        <source>自然日（末日遇节假日顺延）</source>
        <translation>Calendar days (a holiday deadline moves to the next working day)</translation>
    </message>
    <message>
        <source>工作日</source>
        <translation>Working days</translation>
    </message>
    <message>
        <source>密码规则</source>
        <translation>Password rules</translation>
    </message>
    <message>
        <source> 位</source>
        <translation> characters</translation>
    </message>
    <message>
        <source> 种</source>
        <translation> kinds</translation>
    </message>
    <message>
        <source>最短长度</source>
        <translation>Minimum length</translation>
    </message>
    <message>
        <source>至少包含的字符种类</source>
        <translation>Kinds of characters required</translation>
    </message>
    <message>
        <source>字符种类：小写字母、大写字母、数字、其他（符号、汉字）。新规则在设置或修改密码时检查；连续输错密码5次后，须等待30秒才能再试，此后每错一次等待加倍（最长1小时）。</source>
        <translation>Kinds: lowercase, uppercase, digits, other (symbols, Chinese). The rules are checked when a password is set or changed. After 5 wrong passwords in a row a user waits 30 seconds before trying again; each further failure doubles the wait (at most 1 hour).</translation>
    </message>
    <message>
        <source>已保存密码规则</source>
        <translation>Password rules saved</translation>
    </message>
    <message>
        <source>矛盾纠纷各阶段期限</source>
        <translation>Dispute stage deadlines</translation>
    </message>
    <message>
        <source>排查登记后受理</source>
        <translation>Accept after screening</translation>
    </message>
    <message>
        <source>受理后开始调解</source>
        <translation>Start mediation after acceptance</translation>
    </message>
    <message>
        <source>调解不成后移交/诉讼/终止</source>
        <translation>Transfer/litigate/end after failed mediation</translation>
    </message>
    <message>
        <source> 天内</source>
        <translation> days</translation>
    </message>
    <message>
        <source>调解中的纠纷：调解开始后30日提示（司法部规定调解一般在一个月内结束）。修改后，尚在这些阶段的纠纷按新期限重新计算。</source>
        <translation>Disputes in mediation are flagged 30 days after mediation started (Ministry of Justice rules: mediation normally ends within a month). After a change, disputes still in these stages get their deadlines recomputed.</translation>
    </message>
    <message>
        <source>已保存；在办纠纷的期限已重新计算</source>
        <translation>Saved; the deadlines of open disputes were recomputed</translation>
    </message>
    <message>
        <source>重点人员走访周期</source>
        <translation>Key person visit cadence</translation>
    </message>
    <message>
        <source>天数，或“列管第一年内天数/以后天数”（如 90/180）。修改后，在管人员的下次走访期限重新计算。</source>
        <translation>Days, or “days in the first year/days after” (e.g. 90/180). When changed, the next visit of everyone in management is recomputed.</translation>
    </message>
</context>
<context>
    <name>SettingsPage</name>
    <message>
        <source>我的账户</source>
        <translation>My account</translation>
    </message>
    <message>
        <source>用户</source>
        <translation>Users</translation>
    </message>
    <message>
        <source>字典</source>
        <translation>Code tables</translation>
    </message>
    <message>
        <source>期限与锁定</source>
        <translation>Deadlines and lock</translation>
    </message>
    <message>
        <source>节假日</source>
        <translation>Holidays</translation>
    </message>
    <message>
        <source>基础数据</source>
        <translation>Reference data</translation>
    </message>
</context>
<context>
    <name>SetupWizard</name>
    <message>
        <source>综治桌面 — 初次设置</source>
        <translation>Zongzhi Desktop — First-time setup</translation>
    </message>
    <message>
        <source>下一步 &gt;</source>
        <translation>Next &gt;</translation>
    </message>
    <message>
        <source>&lt; 上一步</source>
        <translation>&lt; Back</translation>
    </message>
    <message>
        <source>完成</source>
        <translation>Finish</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
    <message>
        <source>生成演示数据</source>
        <translation>Generating demo data</translation>
    </message>
    <message>
        <source>{user} / {password}（{name}）</source>
        <translation>{user} / {password} ({name})</translation>
    </message>
    <message>
        <source>已载入演示数据。演示账号：{accounts}</source>
        <translation>Demo data loaded. Demo accounts: {accounts}</translation>
    </message>
    <message>
        <source>演示数据生成失败：{message}。数据库已初始化，可以直接登录使用。</source>
        <translation>Demo data could not be generated: {message}. The database is initialized; you can sign in and work.</translation>
    </message>
</context>
<context>
    <name>StepDialog</name>
    <message>
        <source>确定 (Ctrl+S)</source>
        <translation>OK (Ctrl+S)</translation>
    </message>
    <message>
        <source>取消</source>
        <translation>Cancel</translation>
    </message>
</context>
<context>
    <name>SubTableEditor</name>
    <message>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>选择…</source>
        <translation>Choose…</translation>
    </message>
    <message>
        <source>添加一行</source>
        <translation>Add row</translation>
    </message>
    <message>
        <source>删除所选行</source>
        <translation>Delete selected row</translation>
    </message>
    <message>
        <source>选择{what}</source>
        <translation>Choose {what}</translation>
    </message>
    <message>
        <source>已保存；更正请在记录详情中作废此行后重新登记</source>
        <translation>Saved; to correct it, void this row in the record detail and enter it again</translation>
    </message>
    <message>
        <source>第{n}行 {label}：{msg}</source>
        <translation>Row {n} {label}: {msg}</translation>
    </message>
    <message>
        <source>删除未保存的行 (Ctrl+Delete)；已保存的行在表格中按 Ctrl+Delete 作废</source>
        <translation>Remove unsaved rows (Ctrl+Delete); void a saved row with Ctrl+Delete in the table</translation>
    </message>
    <message>
        <source>也可在最后一格按回车添加一行</source>
        <translation>Or press Enter in the last cell to add a row</translation>
    </message>
    <message>
        <source>已保存的行请在记录详情中作废</source>
        <translation>Void saved rows in the record&apos;s detail</translation>
    </message>
    <message>
        <source>作废{label}</source>
        <translation>Void {label}</translation>
    </message>
    <message>
        <source>作废后此行不再计入统计，但保留在修改历史中。</source>
        <translation>A voided row no longer counts in any figure but stays in the change history.</translation>
    </message>
</context>
<context>
    <name>SyncPage</name>
    <message>
        <source>第一步：县级配置（由县综治中心提供）</source>
        <translation>Step 1: county profile (provided by the county centre)</translation>
    </message>
    <message>
        <source>已电话逐组核对，确认信任</source>
        <translation>Checked group by group on the phone — trust it</translation>
    </message>
    <message>
        <source>指纹不符，取消</source>
        <translation>Fingerprint differs — cancel</translation>
    </message>
    <message>
        <source>县级</source>
        <translation>County</translation>
    </message>
    <message>
        <source>县级指纹</source>
        <translation>County fingerprint</translation>
    </message>
    <message>
        <source>导入县级配置和登记密钥需要管理员账号。</source>
        <translation>Importing the county profile and registering keys needs an administrator account.</translation>
    </message>
    <message>
        <source>第二步：本乡镇签名密钥和登记文件</source>
        <translation>Step 2: this township&apos;s signing key and registration file</translation>
    </message>
    <message>
        <source>生成或更换密钥时填写，至少8位</source>
        <translation>Needed when creating or replacing the key; at least 8 characters</translation>
    </message>
    <message>
        <source>生成登记文件…</source>
        <translation>Create registration file…</translation>
    </message>
    <message>
        <source>更换密钥…</source>
        <translation>Replace key…</translation>
    </message>
    <message>
        <source>密钥指纹</source>
        <translation>Key fingerprint</translation>
    </message>
    <message>
        <source>新密钥口令</source>
        <translation>New key passphrase</translation>
    </message>
    <message>
        <source>再次输入</source>
        <translation>Repeat</translation>
    </message>
    <message>
        <source>第三步：上报（U盘导出或网络上传）</source>
        <translation>Step 3: report (export to a USB drive or upload)</translation>
    </message>
    <message>
        <source>刷新</source>
        <translation>Refresh</translation>
    </message>
    <message>
        <source>U盘或文件夹路径</source>
        <translation>USB drive or folder path</translation>
    </message>
    <message>
        <source>选择文件夹…</source>
        <translation>Choose folder…</translation>
    </message>
    <message>
        <source>导出批次</source>
        <translation>Export bundle</translation>
    </message>
    <message>
        <source>网络上传</source>
        <translation>Upload</translation>
    </message>
    <message>
        <source>导入回执文件…</source>
        <translation>Import receipt…</translation>
    </message>
    <message>
        <source>密钥口令</source>
        <translation>Key passphrase</translation>
    </message>
    <message>
        <source>U盘</source>
        <translation>USB drive</translation>
    </message>
    <message>
        <source>导出到</source>
        <translation>Export to</translation>
    </message>
    <message>
        <source>县级服务器</source>
        <translation>County server</translation>
    </message>
    <message>
        <source>回执</source>
        <translation>Receipt</translation>
    </message>
    <message>
        <source>上报状态</source>
        <translation>Reporting status</translation>
    </message>
    <message>
        <source>类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>记录数</source>
        <translation>Records</translation>
    </message>
    <message>
        <source>未确认</source>
        <translation>Unacknowledged</translation>
    </message>
    <message>
        <source>被县级拒收</source>
        <translation>Rejected by the county</translation>
    </message>
    <message>
        <source>记录</source>
        <translation>Record</translation>
    </message>
    <message>
        <source>拒收原因</source>
        <translation>Reason</translation>
    </message>
    <message>
        <source>县级拒收的记录（修正后会在下次上报时重新发送）：</source>
        <translation>Records the county rejected (sent again with the next report once corrected):</translation>
    </message>
    <message>
        <source>尚未导入县级配置文件</source>
        <translation>No county profile imported yet</translation>
    </message>
    <message>
        <source>尚未生成</source>
        <translation>Not created yet</translation>
    </message>
    <message>
        <source>无</source>
        <translation>None</translation>
    </message>
    <message>
        <source>等待回执的批次：{w}。</source>
        <translation>Bundles awaiting a receipt: {w}.</translation>
    </message>
    <message>
        <source>未发现U盘（可在下方选择任意文件夹）</source>
        <translation>No USB drive found (choose any folder below)</translation>
    </message>
    <message>
        <source>{t}中…</source>
        <translation>{t}…</translation>
    </message>
    <message>
        <source>无法读取文件：{e}</source>
        <translation>Cannot read the file: {e}</translation>
    </message>
    <message>
        <source>县级配置：{name}（{code}）。请打电话给县综治中心，请对方念出其县级指纹，与下面的数字逐组核对；一致才能确认。</source>
        <translation>County profile: {name} ({code}). Call the county centre, ask them to read out their fingerprint and compare it group by group with the digits below; confirm only if they match.</translation>
    </message>
    <message>
        <source>请核对县级指纹后确认</source>
        <translation>Check the county fingerprint, then confirm</translation>
    </message>
    <message>
        <source>已信任 {name} 的县级配置</source>
        <translation>Trusted the county profile of {name}</translation>
    </message>
    <message>
        <source>已取消：未导入县级配置</source>
        <translation>Cancelled: the county profile was not imported</translation>
    </message>
    <message>
        <source>保存登记文件</source>
        <translation>Save registration file</translation>
    </message>
    <message>
        <source>乡镇登记文件 (*.zzreg)</source>
        <translation>Township registration files (*.zzreg)</translation>
    </message>
    <message>
        <source>两次输入的新密钥口令不一致</source>
        <translation>The two passphrases differ</translation>
    </message>
    <message>
        <source>无法写入登记文件：{e}</source>
        <translation>Cannot write the registration file: {e}</translation>
    </message>
    <message>
        <source>登记文件已保存到 {path}。请交县综治中心登记，并电话核对密钥指纹 {fp}。</source>
        <translation>Registration file saved to {path}. Hand it to the county centre and confirm the key fingerprint {fp} by phone.</translation>
    </message>
    <message>
        <source>选择导出文件夹</source>
        <translation>Choose export folder</translation>
    </message>
    <message>
        <source>请选择U盘或导出文件夹</source>
        <translation>Choose a USB drive or an export folder</translation>
    </message>
    <message>
        <source>没有新的变更</source>
        <translation>No new changes</translation>
    </message>
    <message>
        <source>；同时补发未回执的批次 {s}</source>
        <translation>; bundles without a receipt sent again: {s}</translation>
    </message>
    <message>
        <source>已导出批次 {name}（{n} 条：{kinds}）到 {dir}，已读回校验{resent}。县级导入后请把回执带回导入。</source>
        <translation>Exported bundle {name} ({n} records: {kinds}) to {dir} and verified it by reading it back{resent}. After the county imports it, bring the receipt back and import it.</translation>
    </message>
    <message>
        <source>已上传批次 {seqs}：县级接收 {a} 条，拒收 {r} 条。</source>
        <translation>Uploaded bundles {seqs}: the county accepted {a} and rejected {r} records.</translation>
    </message>
    <message>
        <source>导入回执文件</source>
        <translation>Import receipt</translation>
    </message>
    <message>
        <source>回执 (*.zzr);;所有文件 (*)</source>
        <translation>Receipts (*.zzr);;All files (*)</translation>
    </message>
    <message>
        <source>无法读取回执：{e}</source>
        <translation>Cannot read the receipt: {e}</translation>
    </message>
    <message>
        <source>批次 {s} 的回执此前已导入，未作改变</source>
        <translation>The receipt of bundle {s} was imported before; nothing changed</translation>
    </message>
    <message>
        <source>回执已导入：批次 {s} 县级接收 {a} 条，拒收 {r} 条</source>
        <translation>Receipt imported: bundle {s}, the county accepted {a} and rejected {r} records</translation>
    </message>
    <message>
        <source>导入县级配置或密钥更换文件…</source>
        <translation>Import county profile or key rotation file…</translation>
    </message>
    <message>
        <source>从县级恢复…</source>
        <translation>Restore from county…</translation>
    </message>
    <message>
        <source>更换电脑后：用县级生成的恢复文件重建本乡镇数据，接着原来的批次和编号继续上报</source>
        <translation>After replacing this PC: rebuild the township&apos;s data from the county&apos;s restore file and continue the bundle sequence and numbering</translation>
    </message>
    <message>
        <source>登记文件交县综治中心登记，并电话核对上面的指纹。密钥口令保护本机保存的私钥，请牢记；口令遗失或电脑更换时点“更换密钥”，设置新口令并把新的登记文件交县级登记——此前已导出的批次仍然有效，未确认的记录会自动重新上报。换了新电脑：先导入县级配置、生成登记文件交县级登记，再用县级给的恢复文件点“从县级恢复”，不要在新电脑上从头上报。</source>
        <translation>Give the registration file to the county centre and read back the fingerprint above by phone. The key passphrase protects the private key kept on this PC: remember it. If it is lost or the PC is replaced, click “Replace key”, set a new passphrase and have the county register the new file — bundles exported before stay valid and unacknowledged records are sent again. On a new PC: import the county profile, have the county register this PC&apos;s registration file, then use the county&apos;s restore file with “Restore from county” — do not start reporting from scratch on the new PC.</translation>
    </message>
    <message>
        <source>导入县级配置或密钥更换文件</source>
        <translation>Import county profile or key rotation file</translation>
    </message>
    <message>
        <source>县级配置或密钥更换文件 (*.zzcounty *.zzrotate);;所有文件 (*)</source>
        <translation>County profile or key rotation file (*.zzcounty *.zzrotate);;All files (*)</translation>
    </message>
    <message>
        <source>已信任县级最新配置，无需更换</source>
        <translation>The county&apos;s newest profile is already trusted; nothing to change</translation>
    </message>
    <message>
        <source>县级更换了密钥。新配置由本乡镇已信任的县级旧密钥签署证明，无需电话核对。
原指纹：{old}
新指纹：</source>
        <translation>The county rotated its keys. The new profile is vouched for by the county&apos;s old key, which this township already trusts: no phone call needed.
Old fingerprint: {old}
New fingerprint:</translation>
    </message>
    <message>
        <source>接受县级新密钥</source>
        <translation>Accept the county&apos;s new keys</translation>
    </message>
    <message>
        <source>暂不接受</source>
        <translation>Not now</translation>
    </message>
    <message>
        <source>县级已更换密钥：请确认接受</source>
        <translation>The county rotated its keys: please accept</translation>
    </message>
    <message>
        <source>取得县级密钥更换文件</source>
        <translation>Fetching the county&apos;s key rotation file</translation>
    </message>
    <message>
        <source>已接受县级新密钥（指纹 {fp}）：尚未收到回执的批次将在下次导出或上传时改用新密钥加密</source>
        <translation>Accepted the county&apos;s new keys (fingerprint {fp}): bundles still awaiting a receipt are re-sealed to the new key at the next export or upload</translation>
    </message>
    <message>
        <source>选择县级恢复文件</source>
        <translation>Choose the county restore file</translation>
    </message>
    <message>
        <source>县级恢复文件 (*.zzrestore);;所有文件 (*)</source>
        <translation>County restore file (*.zzrestore);;All files (*)</translation>
    </message>
    <message>
        <source>已从县级恢复 {n} 条记录；批次从第 {seq} 批接着上报。</source>
        <translation>Restored {n} records from the county; reporting continues with bundle {seq}.</translation>
    </message>
    <message>
        <source>从县级恢复</source>
        <translation>Restore from county</translation>
    </message>
    <message>
        <source>全部重新上报…</source>
        <translation>Resend everything…</translation>
    </message>
    <message>
        <source>县级换了数据库或数据丢失时：把本乡镇全部记录再发一次（县级重复收到的不会改变）</source>
        <translation>When the county rebuilt its database or lost data: send every record of this township again (what the county already has does not change)</translation>
    </message>
    <message>
        <source>全部重新上报</source>
        <translation>Resend everything</translation>
    </message>
    <message>
        <source>把本乡镇的全部记录再发给县级一次？县级换了数据库、从旧备份恢复或数据丢失时才需要。批次写到“导出到”的文件夹；未填则留在待发目录，点“网络上传”发送。</source>
        <translation>Send every record of this township to the county again? Only needed when the county rebuilt its database, restored an old backup or lost data. The bundle is written to the “Export to” folder; if empty it waits in the outbox for “Upload”.</translation>
    </message>
    <message>
        <source>到 {dir}</source>
        <translation>to {dir}</translation>
    </message>
    <message>
        <source>到待发目录（请点“网络上传”）</source>
        <translation>to the outbox (click “Upload”)</translation>
    </message>
    <message>
        <source>已导出全部记录的批次 {name}（{n} 条）{where}。</source>
        <translation>Exported bundle {name} with every record ({n}) {where}.</translation>
    </message>
    <message>
        <source>密码套件</source>
        <translation>Cipher suite</translation>
    </message>
    <message>
        <source>nacl-1（Ed25519、X25519、SHA-256）</source>
        <translation>nacl-1 (Ed25519, X25519, SHA-256)</translation>
    </message>
    <message>
        <source>gm-1（国密 SM2、SM3、SM4）</source>
        <translation>gm-1 (Chinese national SM2, SM3, SM4)</translation>
    </message>
    <message>
        <source>。本乡镇签名密钥使用 {suite}，县级不会接收：请点“更换密钥”生成新密钥并重新登记</source>
        <translation>. This township&apos;s signing key uses {suite}, which the county will not accept: click “Replace key…” to make a new key and register it again</translation>
    </message>
    <message>
        <source>正在统计…</source>
        <translation>Counting…</translation>
    </message>
    <message>
        <source>统计失败</source>
        <translation>Counting failed</translation>
    </message>
    <message>
        <source>统计上报状态</source>
        <translation>Counting the reporting status</translation>
    </message>
    <message>
        <source>未确认记录共 {n} 条（下次上报将包含）</source>
        <translation>{n} unacknowledged records (included in the next bundle)</translation>
    </message>
    <message>
        <source>未确认记录：正在统计…</source>
        <translation>Unacknowledged records: counting…</translation>
    </message>
    <message>
        <source>{unacked}。最近批次序号：{seq}；最近回执：{last}。{wait}</source>
        <translation>{unacked}. Last bundle number: {seq}; last receipt: {last}. {wait}</translation>
    </message>
</context>
<context>
    <name>TownshipPage</name>
    <message>
        <source>本乡镇（街道）</source>
        <translation>Township (street office)</translation>
    </message>
    <message>
        <source>填写本综治中心所在乡镇和所属县（区）的行政区划代码与名称。</source>
        <translation>Enter the division codes and names of this centre&apos;s township and its county.</translation>
    </message>
    <message>
        <source>9位数字，如 330825101</source>
        <translation>9 digits, e.g. 330825101</translation>
    </message>
    <message>
        <source>如 城关镇</source>
        <translation>e.g. 城关镇</translation>
    </message>
    <message>
        <source>6位数字，如 330825</source>
        <translation>6 digits, e.g. 330825</translation>
    </message>
    <message>
        <source>如 龙游县</source>
        <translation>e.g. 龙游县</translation>
    </message>
    <message>
        <source>乡镇区划代码</source>
        <translation>Township code</translation>
    </message>
    <message>
        <source>乡镇名称</source>
        <translation>Township name</translation>
    </message>
    <message>
        <source>县级区划代码</source>
        <translation>County code</translation>
    </message>
    <message>
        <source>县（区）名称</source>
        <translation>County name</translation>
    </message>
</context>
<context>
    <name>UnlockDialog</name>
    <message>
        <source>综治桌面已锁定</source>
        <translation>Zongzhi Desktop is locked</translation>
    </message>
    <message>
        <source>因长时间未操作，界面已锁定。
请输入 {user} 的密码以继续。</source>
        <translation>The window locked after a period of inactivity.
Enter the password of {user} to continue.</translation>
    </message>
    <message>
        <source>解锁</source>
        <translation>Unlock</translation>
    </message>
    <message>
        <source>密码错误</source>
        <translation>Wrong password</translation>
    </message>
    <message>
        <source>切换用户</source>
        <translation>Switch user</translation>
    </message>
    <message>
        <source>结束{user}的会话（未保存的录入留作其草稿），回到登录窗口</source>
        <translation>End {user}&apos;s session (unsaved input is kept as their draft) and return to sign-in</translation>
    </message>
</context>
<context>
    <name>UsersTab</name>
    <message>
        <source>用户名</source>
        <translation>User name</translation>
    </message>
    <message>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>角色</source>
        <translation>Role</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>新增用户</source>
        <translation>Add user</translation>
    </message>
    <message>
        <source>重置密码</source>
        <translation>Reset password</translation>
    </message>
    <message>
        <source>停用/启用</source>
        <translation>Disable/enable</translation>
    </message>
    <message>
        <source>启用</source>
        <translation>Active</translation>
    </message>
    <message>
        <source>停用</source>
        <translation>Disabled</translation>
    </message>
    <message>
        <source>停用用户</source>
        <translation>Disable user</translation>
    </message>
    <message>
        <source>不能停用当前登录的用户</source>
        <translation>You cannot disable the signed-in user</translation>
    </message>
    <message>
        <source>解锁</source>
        <translation>Unlock</translation>
    </message>
    <message>
        <source>连续输错密码5次后须等待才能再登录；解锁即清除等待</source>
        <translation>After 5 wrong passwords in a row a user must wait before signing in again; Unlock ends the wait</translation>
    </message>
    <message>
        <source>锁定（输错{n}次，还需等待{s}秒）</source>
        <translation>Locked ({n} wrong passwords, {s} s to wait)</translation>
    </message>
    <message>
        <source>启用（输错{n}次）</source>
        <translation>Active ({n} wrong passwords)</translation>
    </message>
    <message>
        <source>已解锁用户 {user}</source>
        <translation>User {user} unlocked</translation>
    </message>
    <message>
        <source>用户 {user} 没有被锁定</source>
        <translation>User {user} is not locked</translation>
    </message>
    <message>
        <source>用户 {user} 的新密码（至少{n}位）</source>
        <translation>New password for {user} (at least {n} characters)</translation>
    </message>
    <message>
        <source>启用用户</source>
        <translation>Enable user</translation>
    </message>
    <message>
        <source>已启用用户“{user}”。停用时已删除其打开加密数据库的密钥，请点“重置密码”为其设置新密码后才能登录。</source>
        <translation>User “{user}” is enabled. Disabling removed their key to the encrypted database: click “Reset password” to give them a new password before they can sign in.</translation>
    </message>
</context>
<context>
    <name>ValuesPage</name>
    <message>
        <source>第3步：值对应</source>
        <translation>Step 3: values</translation>
    </message>
    <message>
        <source>台账中的文字（如“已化解”“邻里纠纷”“村居名称”）对应到字典；红色为未能自动对应的值，请选择。</source>
        <translation>Map the ledger&apos;s words (such as “已化解”, “邻里纠纷”, village names) to code tables; values in red were not matched automatically, please choose.</translation>
    </message>
    <message>
        <source>字段</source>
        <translation>Field</translation>
    </message>
    <message>
        <source>台账中的值</source>
        <translation>Value in the ledger</translation>
    </message>
    <message>
        <source>行数</source>
        <translation>Rows</translation>
    </message>
    <message>
        <source>对应为</source>
        <translation>Maps to</translation>
    </message>
    <message>
        <source>正在读取台账…</source>
        <translation>Reading the ledger…</translation>
    </message>
    <message>
        <source>读取台账</source>
        <translation>Reading the ledger</translation>
    </message>
    <message>
        <source>（未对应，该行不导入）</source>
        <translation>(not mapped; the row is not imported)</translation>
    </message>
    <message>
        <source>共 {n} 个不同的值，其中 {u} 个未能自动对应。</source>
        <translation>{n} distinct values, {u} of them not matched automatically.</translation>
    </message>
    <message>
        <source>保存映射文件…</source>
        <translation>Save mapping file…</translation>
    </message>
    <message>
        <source>保存映射文件</source>
        <translation>Save mapping file</translation>
    </message>
    <message>
        <source>映射文件 (*.json)</source>
        <translation>Mapping files (*.json)</translation>
    </message>
</context>
<context>
    <name>WeeklyChart</name>
    <message>
        <source>新增</source>
        <translation>New</translation>
    </message>
    <message>
        <source>办结/化解</source>
        <translation>Concluded</translation>
    </message>
    <message>
        <source>暂无数据</source>
        <translation>No data</translation>
    </message>
    <message>
        <source>{start} 至 {end}  {what} {n} 件（点击查看）</source>
        <translation>{start} to {end}  {what}: {n} (click to list)</translation>
    </message>
</context>
<context>
    <name>display</name>
    <message>
        <source>是</source>
        <translation>Yes</translation>
    </message>
    <message>
        <source>否</source>
        <translation>No</translation>
    </message>
</context>
<context>
    <name>forms</name>
    <message>
        <source>18位公民身份号码，末位可为X</source>
        <translation>18-character citizen ID number; the last may be X</translation>
    </message>
    <message>
        <source>5人及以上为集体访，须登记代表姓名</source>
        <translation>5 or more people is a group visit: enter the representatives</translation>
    </message>
    <message>
        <source>“五个第一时间”之发现时间</source>
        <translation>The &quot;found&quot; time of the five first-times</translation>
    </message>
    <message>
        <source>下一期限</source>
        <translation>Next deadline</translation>
    </message>
    <message>
        <source>不予受理</source>
        <translation>Not accepted</translation>
    </message>
    <message>
        <source>不能早于提出日期</source>
        <translation>Not before the date raised</translation>
    </message>
    <message>
        <source>事实</source>
        <translation>Facts</translation>
    </message>
    <message>
        <source>事项分类</source>
        <translation>Subject</translation>
    </message>
    <message>
        <source>五包责任与督办</source>
        <translation>Five responsibilities and supervision</translation>
    </message>
    <message>
        <source>交办</source>
        <translation>Assign</translation>
    </message>
    <message>
        <source>交办办结时限</source>
        <translation>Assignment deadline</translation>
    </message>
    <message>
        <source>交办日期</source>
        <translation>Assigned on</translation>
    </message>
    <message>
        <source>代表姓名</source>
        <translation>Representatives</translation>
    </message>
    <message>
        <source>住址</source>
        <translation>Address</translation>
    </message>
    <message>
        <source>作废原因</source>
        <translation>Reason for voiding</translation>
    </message>
    <message>
        <source>信访事项</source>
        <translation>Matter</translation>
    </message>
    <message>
        <source>信访人</source>
        <translation>Petitioner</translation>
    </message>
    <message>
        <source>信访人姓名</source>
        <translation>Petitioner&apos;s name</translation>
    </message>
    <message>
        <source>信访人提出的具体请求</source>
        <translation>What exactly the petitioner asks for</translation>
    </message>
    <message>
        <source>信访件</source>
        <translation>Petition</translation>
    </message>
    <message>
        <source>信访件登记</source>
        <translation>Register a petition</translation>
    </message>
    <message>
        <source>信访工作条例第十七条</source>
        <translation>Petition Work Regulations, Art. 17</translation>
    </message>
    <message>
        <source>信访形式</source>
        <translation>Form</translation>
    </message>
    <message>
        <source>信访类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>信访请求</source>
        <translation>Request</translation>
    </message>
    <message>
        <source>关联案件</source>
        <translation>Linked cases</translation>
    </message>
    <message>
        <source>关联的前次信访</source>
        <translation>Earlier petition</translation>
    </message>
    <message>
        <source>关联类型</source>
        <translation>Linked kind</translation>
    </message>
    <message>
        <source>到期未销号即列为超期</source>
        <translation>Overdue if not closed by this date</translation>
    </message>
    <message>
        <source>办理人</source>
        <translation>Handled by</translation>
    </message>
    <message>
        <source>办结期限</source>
        <translation>Conclusion deadline</translation>
    </message>
    <message>
        <source>包思想疏导</source>
        <translation>Counselling</translation>
    </message>
    <message>
        <source>包息诉罢访</source>
        <translation>Ending the petitioning</translation>
    </message>
    <message>
        <source>包掌握情况</source>
        <translation>Knowing the situation</translation>
    </message>
    <message>
        <source>包案中</source>
        <translation>In progress</translation>
    </message>
    <message>
        <source>包案事项</source>
        <translation>Case package</translation>
    </message>
    <message>
        <source>包案日期</source>
        <translation>Started on</translation>
    </message>
    <message>
        <source>包案领导</source>
        <translation>Leader</translation>
    </message>
    <message>
        <source>包稳控</source>
        <translation>Keeping stable</translation>
    </message>
    <message>
        <source>包解决问题</source>
        <translation>Solving the problem</translation>
    </message>
    <message>
        <source>化解层级</source>
        <translation>Resolved at level</translation>
    </message>
    <message>
        <source>化解日期</source>
        <translation>Resolved on</translation>
    </message>
    <message>
        <source>化解时限</source>
        <translation>Target date</translation>
    </message>
    <message>
        <source>化解纠纷数</source>
        <translation>Disputes resolved</translation>
    </message>
    <message>
        <source>区划代码</source>
        <translation>Division code</translation>
    </message>
    <message>
        <source>协议内容</source>
        <translation>Agreed terms</translation>
    </message>
    <message>
        <source>协议形式</source>
        <translation>Agreement form</translation>
    </message>
    <message>
        <source>协议生效日期</source>
        <translation>Agreement effective on</translation>
    </message>
    <message>
        <source>去向</source>
        <translation>Outcome</translation>
    </message>
    <message>
        <source>参与志愿者</source>
        <translation>Participating volunteers</translation>
    </message>
    <message>
        <source>反馈当事人</source>
        <translation>Feedback to the parties</translation>
    </message>
    <message>
        <source>反馈日期</source>
        <translation>Feedback on</translation>
    </message>
    <message>
        <source>发现日期</source>
        <translation>Found on</translation>
    </message>
    <message>
        <source>发现隐患数</source>
        <translation>Hazards found</translation>
    </message>
    <message>
        <source>受理</source>
        <translation>Accept</translation>
    </message>
    <message>
        <source>受理决定</source>
        <translation>Decision</translation>
    </message>
    <message>
        <source>受理决定日期</source>
        <translation>Decided on</translation>
    </message>
    <message>
        <source>受理告知</source>
        <translation>Acceptance notice</translation>
    </message>
    <message>
        <source>受理告知期限</source>
        <translation>Acceptance notice deadline</translation>
    </message>
    <message>
        <source>受理日期</source>
        <translation>Accepted on</translation>
    </message>
    <message>
        <source>司法确认申请截止</source>
        <translation>Judicial confirmation due by</translation>
    </message>
    <message>
        <source>司法确认申请日期</source>
        <translation>Judicial confirmation applied on</translation>
    </message>
    <message>
        <source>同一信访人就同一事项再次信访时关联前次信访件（输入编号或姓名搜索）</source>
        <translation>When the same person petitions again on the same matter, link the earlier petition (search by number or name)</translation>
    </message>
    <message>
        <source>名称</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>回访</source>
        <translation>Follow-up visit</translation>
    </message>
    <message>
        <source>回访人</source>
        <translation>Visited by</translation>
    </message>
    <message>
        <source>回访情况</source>
        <translation>Visit notes</translation>
    </message>
    <message>
        <source>回访日期</source>
        <translation>Visited on</translation>
    </message>
    <message>
        <source>土地、家庭、邻里等易引发命案的矛盾纠纷须重点关注</source>
        <translation>Land, family and neighbour disputes that may lead to homicide need close attention</translation>
    </message>
    <message>
        <source>在册</source>
        <translation>Active</translation>
    </message>
    <message>
        <source>在册（仍在服务）</source>
        <translation>Active (still serving)</translation>
    </message>
    <message>
        <source>地点与规模</source>
        <translation>Place and scale</translation>
    </message>
    <message>
        <source>堵点难点情况</source>
        <translation>Blockers and difficulties</translation>
    </message>
    <message>
        <source>处理意见</source>
        <translation>Decision on the matter</translation>
    </message>
    <message>
        <source>处理意见摘要</source>
        <translation>Summary of the reply</translation>
    </message>
    <message>
        <source>处理日期</source>
        <translation>Handled on</translation>
    </message>
    <message>
        <source>复查中</source>
        <translation>Under review</translation>
    </message>
    <message>
        <source>复查意见</source>
        <translation>Review decision</translation>
    </message>
    <message>
        <source>复查申请截止</source>
        <translation>Review request due by</translation>
    </message>
    <message>
        <source>复查申请日期</source>
        <translation>Review requested on</translation>
    </message>
    <message>
        <source>复查答复</source>
        <translation>Review reply</translation>
    </message>
    <message>
        <source>复查答复日期</source>
        <translation>Review replied on</translation>
    </message>
    <message>
        <source>复查答复期限</source>
        <translation>Review reply deadline</translation>
    </message>
    <message>
        <source>复核中</source>
        <translation>Under re-review</translation>
    </message>
    <message>
        <source>复核意见</source>
        <translation>Re-review decision</translation>
    </message>
    <message>
        <source>复核申请截止</source>
        <translation>Re-review request due by</translation>
    </message>
    <message>
        <source>复核申请日期</source>
        <translation>Re-review requested on</translation>
    </message>
    <message>
        <source>复核答复(终结)</source>
        <translation>Re-review reply (final)</translation>
    </message>
    <message>
        <source>复核答复日期</source>
        <translation>Re-review replied on</translation>
    </message>
    <message>
        <source>复核答复期限</source>
        <translation>Re-review reply deadline</translation>
    </message>
    <message>
        <source>如：张三、李四</source>
        <translation>e.g. Zhang San, Li Si</translation>
    </message>
    <message>
        <source>如：张某与李某宅基地边界纠纷</source>
        <translation>e.g. Zhang and Li homestead boundary dispute</translation>
    </message>
    <message>
        <source>如：调解、法律咨询、急救</source>
        <translation>e.g. mediation, legal advice, first aid</translation>
    </message>
    <message>
        <source>如：龙游大妈</source>
        <translation>e.g. Longyou Aunties</translation>
    </message>
    <message>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>完成</source>
        <translation>Complete</translation>
    </message>
    <message>
        <source>完成情况</source>
        <translation>Result</translation>
    </message>
    <message>
        <source>完成日期</source>
        <translation>Done on</translation>
    </message>
    <message>
        <source>完成时限</source>
        <translation>Deadline</translation>
    </message>
    <message>
        <source>审核人</source>
        <translation>Reviewer</translation>
    </message>
    <message>
        <source>审核意见</source>
        <translation>Review opinion</translation>
    </message>
    <message>
        <source>层级</source>
        <translation>Level</translation>
    </message>
    <message>
        <source>履行情况</source>
        <translation>Performance</translation>
    </message>
    <message>
        <source>履行方式</source>
        <translation>Manner of performance</translation>
    </message>
    <message>
        <source>履行期限</source>
        <translation>Performance deadline</translation>
    </message>
    <message>
        <source>工作方案</source>
        <translation>Work plan</translation>
    </message>
    <message>
        <source>工作进展</source>
        <translation>Progress</translation>
    </message>
    <message>
        <source>已交办</source>
        <translation>Assigned</translation>
    </message>
    <message>
        <source>已作废</source>
        <translation>Voided</translation>
    </message>
    <message>
        <source>已受理</source>
        <translation>Accepted</translation>
    </message>
    <message>
        <source>已复查</source>
        <translation>Reviewed</translation>
    </message>
    <message>
        <source>已完成</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>已登记待受理</source>
        <translation>Registered, awaiting acceptance</translation>
    </message>
    <message>
        <source>已移交</source>
        <translation>Transferred</translation>
    </message>
    <message>
        <source>已答复</source>
        <translation>Replied</translation>
    </message>
    <message>
        <source>已终止</source>
        <translation>Terminated</translation>
    </message>
    <message>
        <source>已终结</source>
        <translation>Final</translation>
    </message>
    <message>
        <source>已销号</source>
        <translation>Closed</translation>
    </message>
    <message>
        <source>延期</source>
        <translation>Extend</translation>
    </message>
    <message>
        <source>延期批准日期</source>
        <translation>Extension approved on</translation>
    </message>
    <message>
        <source>延期日期</source>
        <translation>Extended on</translation>
    </message>
    <message>
        <source>延期理由</source>
        <translation>Reason for extension</translation>
    </message>
    <message>
        <source>延长天数</source>
        <translation>Days of extension</translation>
    </message>
    <message>
        <source>建议意见类 / 检举控告类 / 申诉求决类（第二十九至三十一条）</source>
        <translation>Suggestion / accusation / claim (Art. 29–31)</translation>
    </message>
    <message>
        <source>开始调解</source>
        <translation>Start mediation</translation>
    </message>
    <message>
        <source>当事人</source>
        <translation>Parties</translation>
    </message>
    <message>
        <source>当事人住址</source>
        <translation>Party&apos;s address</translation>
    </message>
    <message>
        <source>当事人姓名</source>
        <translation>Party&apos;s name</translation>
    </message>
    <message>
        <source>当事人电话</source>
        <translation>Party&apos;s phone</translation>
    </message>
    <message>
        <source>当事人角色</source>
        <translation>Party&apos;s role</translation>
    </message>
    <message>
        <source>当事人身份证号</source>
        <translation>Party&apos;s ID number</translation>
    </message>
    <message>
        <source>志愿服务活动登记</source>
        <translation>Register a volunteer activity</translation>
    </message>
    <message>
        <source>志愿服务队</source>
        <translation>Volunteer team</translation>
    </message>
    <message>
        <source>志愿服务队登记</source>
        <translation>Register a volunteer team</translation>
    </message>
    <message>
        <source>志愿活动</source>
        <translation>Volunteer activity</translation>
    </message>
    <message>
        <source>志愿者</source>
        <translation>Volunteer</translation>
    </message>
    <message>
        <source>志愿者信息</source>
        <translation>Volunteer</translation>
    </message>
    <message>
        <source>志愿者登记</source>
        <translation>Register a volunteer</translation>
    </message>
    <message>
        <source>性别</source>
        <translation>Gender</translation>
    </message>
    <message>
        <source>成立日期</source>
        <translation>Founded on</translation>
    </message>
    <message>
        <source>所属村(社区)</source>
        <translation>Village / community</translation>
    </message>
    <message>
        <source>所属网格</source>
        <translation>Grid</translation>
    </message>
    <message>
        <source>所属调委会</source>
        <translation>Mediation committee</translation>
    </message>
    <message>
        <source>所属队伍</source>
        <translation>Team</translation>
    </message>
    <message>
        <source>手机11位，或座机如 0570-7012345</source>
        <translation>11-digit mobile, or a landline such as 0570-7012345</translation>
    </message>
    <message>
        <source>批准人</source>
        <translation>Approved by</translation>
    </message>
    <message>
        <source>承办单位</source>
        <translation>Handling unit</translation>
    </message>
    <message>
        <source>技能特长</source>
        <translation>Skills</translation>
    </message>
    <message>
        <source>挂牌督办</source>
        <translation>Listed for supervision</translation>
    </message>
    <message>
        <source>排查登记</source>
        <translation>Screened</translation>
    </message>
    <message>
        <source>推进中</source>
        <translation>In progress</translation>
    </message>
    <message>
        <source>提出日期</source>
        <translation>Raised on</translation>
    </message>
    <message>
        <source>收件信息</source>
        <translation>Receipt</translation>
    </message>
    <message>
        <source>收件日期</source>
        <translation>Received on</translation>
    </message>
    <message>
        <source>收到信件、接待来访或接听来电的日期；受理告知期限从次日起算15日（信访工作条例第二十二条）</source>
        <translation>Day the letter, visit or call was received; the 15-day acceptance notice period starts the next day (Art. 22)</translation>
    </message>
    <message>
        <source>新的化解时限</source>
        <translation>New target date</translation>
    </message>
    <message>
        <source>日期</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>易引发命案</source>
        <translation>Homicide risk</translation>
    </message>
    <message>
        <source>服务时长(小时)</source>
        <translation>Hours</translation>
    </message>
    <message>
        <source>服务群众人次</source>
        <translation>People served</translation>
    </message>
    <message>
        <source>期限类型</source>
        <translation>Deadline type</translation>
    </message>
    <message>
        <source>村(社区)</source>
        <translation>Village / community</translation>
    </message>
    <message>
        <source>来源信访件</source>
        <translation>Source petition</translation>
    </message>
    <message>
        <source>来源渠道</source>
        <translation>Route</translation>
    </message>
    <message>
        <source>来访人数</source>
        <translation>Headcount</translation>
    </message>
    <message>
        <source>每位当事人一行；身份证号和电话可留空</source>
        <translation>One row per party; ID number and phone may stay empty</translation>
    </message>
    <message>
        <source>民转刑</source>
        <translation>Turned criminal</translation>
    </message>
    <message>
        <source>活动信息</source>
        <translation>Activity</translation>
    </message>
    <message>
        <source>活动内容</source>
        <translation>Content</translation>
    </message>
    <message>
        <source>活动地点</source>
        <translation>Place</translation>
    </message>
    <message>
        <source>活动成效</source>
        <translation>Results</translation>
    </message>
    <message>
        <source>活动日期</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>活动类型</source>
        <translation>Activity type</translation>
    </message>
    <message>
        <source>涉及人数</source>
        <translation>People involved</translation>
    </message>
    <message>
        <source>涉及金额(元)</source>
        <translation>Amount involved (yuan)</translation>
    </message>
    <message>
        <source>满意度</source>
        <translation>Satisfaction</translation>
    </message>
    <message>
        <source>满意度评价</source>
        <translation>Satisfaction rating</translation>
    </message>
    <message>
        <source>点击“选择…”按编号、姓名或标题搜索信访件和矛盾纠纷</source>
        <translation>Click &quot;Choose…&quot; to search petitions and disputes by number, name or title</translation>
    </message>
    <message>
        <source>点击“选择…”搜索志愿者，再填写每人服务时长</source>
        <translation>Click &quot;Choose…&quot; to search volunteers, then enter each one&apos;s hours</translation>
    </message>
    <message>
        <source>照片文件</source>
        <translation>Photo files</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>理由</source>
        <translation>Reasons</translation>
    </message>
    <message>
        <source>由信访转办时，输入信访件编号或信访人姓名搜索</source>
        <translation>When transferred from a petition, search by its number or the petitioner&apos;s name</translation>
    </message>
    <message>
        <source>申请司法确认</source>
        <translation>Apply for judicial confirmation</translation>
    </message>
    <message>
        <source>申请复查</source>
        <translation>Request review</translation>
    </message>
    <message>
        <source>申请复核</source>
        <translation>Request re-review</translation>
    </message>
    <message>
        <source>申请销号</source>
        <translation>Request closure</translation>
    </message>
    <message>
        <source>申请销号日期</source>
        <translation>Closure requested on</translation>
    </message>
    <message>
        <source>电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>登记履行情况</source>
        <translation>Record performance</translation>
    </message>
    <message>
        <source>登记日期</source>
        <translation>Recorded on</translation>
    </message>
    <message>
        <source>矛盾纠纷</source>
        <translation>Dispute</translation>
    </message>
    <message>
        <source>矛盾纠纷登记</source>
        <translation>Register a dispute</translation>
    </message>
    <message>
        <source>确认化解结果</source>
        <translation>Confirm the resolution</translation>
    </message>
    <message>
        <source>确认日期</source>
        <translation>Confirmed on</translation>
    </message>
    <message>
        <source>积案</source>
        <translation>Backlog case</translation>
    </message>
    <message>
        <source>答复(出具处理意见书)</source>
        <translation>Reply (written decision)</translation>
    </message>
    <message>
        <source>答复日期</source>
        <translation>Replied on</translation>
    </message>
    <message>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>纠纷名称</source>
        <translation>Dispute</translation>
    </message>
    <message>
        <source>纠纷基本情况</source>
        <translation>Dispute</translation>
    </message>
    <message>
        <source>纠纷已演变为刑事案件</source>
        <translation>The dispute has become a criminal case</translation>
    </message>
    <message>
        <source>纠纷来源</source>
        <translation>Source</translation>
    </message>
    <message>
        <source>纠纷简要情况</source>
        <translation>Summary</translation>
    </message>
    <message>
        <source>纠纷类型</source>
        <translation>Dispute type</translation>
    </message>
    <message>
        <source>编号</source>
        <translation>No.</translation>
    </message>
    <message>
        <source>网格</source>
        <translation>Grid</translation>
    </message>
    <message>
        <source>网格名称</source>
        <translation>Grid name</translation>
    </message>
    <message>
        <source>网格员</source>
        <translation>Grid worker</translation>
    </message>
    <message>
        <source>网格编码</source>
        <translation>Grid code</translation>
    </message>
    <message>
        <source>职务</source>
        <translation>Post</translation>
    </message>
    <message>
        <source>联系人</source>
        <translation>Contact</translation>
    </message>
    <message>
        <source>联系电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>评价日期</source>
        <translation>Rated on</translation>
    </message>
    <message>
        <source>调委会</source>
        <translation>Mediation committee</translation>
    </message>
    <message>
        <source>调度事项</source>
        <translation>Dispatch item</translation>
    </message>
    <message>
        <source>调度事项登记</source>
        <translation>Register a dispatch item</translation>
    </message>
    <message>
        <source>调解不成</source>
        <translation>Mediation failed</translation>
    </message>
    <message>
        <source>调解不成原因</source>
        <translation>Why mediation failed</translation>
    </message>
    <message>
        <source>调解不成后处理(移交/诉讼/终止)</source>
        <translation>After failed mediation (transfer / litigation / end)</translation>
    </message>
    <message>
        <source>调解中</source>
        <translation>Mediating</translation>
    </message>
    <message>
        <source>调解员</source>
        <translation>Mediator</translation>
    </message>
    <message>
        <source>调解开始日期</source>
        <translation>Mediation started on</translation>
    </message>
    <message>
        <source>调解成功</source>
        <translation>Mediation succeeded</translation>
    </message>
    <message>
        <source>调解期限提醒日</source>
        <translation>Mediation reminder date</translation>
    </message>
    <message>
        <source>调解结束日期</source>
        <translation>Mediation ended on</translation>
    </message>
    <message>
        <source>调解结果</source>
        <translation>Mediation result</translation>
    </message>
    <message>
        <source>调解途径</source>
        <translation>Mediation route</translation>
    </message>
    <message>
        <source>负责人</source>
        <translation>Leader</translation>
    </message>
    <message>
        <source>负责人电话</source>
        <translation>Leader&apos;s phone</translation>
    </message>
    <message>
        <source>责任人</source>
        <translation>Responsible staff</translation>
    </message>
    <message>
        <source>责任单位</source>
        <translation>Responsible unit</translation>
    </message>
    <message>
        <source>越级访</source>
        <translation>Skipped levels</translation>
    </message>
    <message>
        <source>越级访（先到上级机关反映）</source>
        <translation>Skipped levels (went to a higher office first)</translation>
    </message>
    <message>
        <source>身份证号</source>
        <translation>ID number</translation>
    </message>
    <message>
        <source>转诉讼</source>
        <translation>Litigation</translation>
    </message>
    <message>
        <source>输入村(社区)名称或区划代码的任意部分进行搜索</source>
        <translation>Type any part of the village name or division code</translation>
    </message>
    <message>
        <source>退回</source>
        <translation>Return</translation>
    </message>
    <message>
        <source>退回意见</source>
        <translation>Reason for return</translation>
    </message>
    <message>
        <source>退回日期</source>
        <translation>Returned on</translation>
    </message>
    <message>
        <source>选填；填写时须为有效的18位公民身份号码</source>
        <translation>Optional; if entered, a valid 18-character citizen ID number</translation>
    </message>
    <message>
        <source>部门</source>
        <translation>Department</translation>
    </message>
    <message>
        <source>部门名称</source>
        <translation>Department name</translation>
    </message>
    <message>
        <source>部门类别</source>
        <translation>Department kind</translation>
    </message>
    <message>
        <source>重复访</source>
        <translation>Repeat petition</translation>
    </message>
    <message>
        <source>销号</source>
        <translation>Close</translation>
    </message>
    <message>
        <source>销号日期</source>
        <translation>Closed on</translation>
    </message>
    <message>
        <source>长期未化解的信访积案或矛盾纠纷</source>
        <translation>A petition or dispute left unresolved for a long time</translation>
    </message>
    <message>
        <source>队伍信息</source>
        <translation>Team</translation>
    </message>
    <message>
        <source>队伍名称</source>
        <translation>Team name</translation>
    </message>
    <message>
        <source>队伍类型</source>
        <translation>Team type</translation>
    </message>
    <message>
        <source>集体访</source>
        <translation>Group visit</translation>
    </message>
    <message>
        <source>集体访代表不超过5人，用顿号或逗号分隔</source>
        <translation>At most 5 representatives, separated by commas</translation>
    </message>
    <message>
        <source>领导</source>
        <translation>Leader</translation>
    </message>
    <message>
        <source>领导包案</source>
        <translation>Case package</translation>
    </message>
    <message>
        <source>领导包案登记</source>
        <translation>Register a case package</translation>
    </message>
    <message>
        <source>风险研判</source>
        <translation>Risk assessment</translation>
    </message>
    <message>
        <source>风险等级</source>
        <translation>Risk level</translation>
    </message>
    <message>
        <source>开展了什么活动、服务了哪些群众；活动照片保存后在“附件”页添加</source>
        <translation>What was done and for whom; add the activity photos in the Attachments tab after saving</translation>
    </message>
    <message>
        <source>人员类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>列管与稳控</source>
        <translation>Management and stability</translation>
    </message>
    <message>
        <source>列管日期</source>
        <translation>Registered on</translation>
    </message>
    <message>
        <source>包保领导</source>
        <translation>Responsible leader</translation>
    </message>
    <message>
        <source>在管</source>
        <translation>In management</translation>
    </message>
    <message>
        <source>基本情况</source>
        <translation>Basic information</translation>
    </message>
    <message>
        <source>备注</source>
        <translation>Notes</translation>
    </message>
    <message>
        <source>恢复原因</source>
        <translation>Reason for resuming</translation>
    </message>
    <message>
        <source>恢复日期</source>
        <translation>Resumed on</translation>
    </message>
    <message>
        <source>恢复管控</source>
        <translation>Resume management</translation>
    </message>
    <message>
        <source>最近走访日期</source>
        <translation>Last visit</translation>
    </message>
    <message>
        <source>最近风险升高日期</source>
        <translation>Risk last raised on</translation>
    </message>
    <message>
        <source>稳控措施</source>
        <translation>Stability measures</translation>
    </message>
    <message>
        <source>解除原因</source>
        <translation>Reason for release</translation>
    </message>
    <message>
        <source>解除日期</source>
        <translation>Released on</translation>
    </message>
    <message>
        <source>解除管控</source>
        <translation>Release from management</translation>
    </message>
    <message>
        <source>责任网格员</source>
        <translation>Grid worker</translation>
    </message>
    <message>
        <source>走访人</source>
        <translation>Visitor</translation>
    </message>
    <message>
        <source>走访后风险等级</source>
        <translation>Risk after the visit</translation>
    </message>
    <message>
        <source>走访周期按类别计算（设置中可修改）</source>
        <translation>Visits are due by category (changeable in Settings)</translation>
    </message>
    <message>
        <source>走访情况</source>
        <translation>Findings</translation>
    </message>
    <message>
        <source>走访日期</source>
        <translation>Visit date</translation>
    </message>
    <message>
        <source>走访记录</source>
        <translation>Visits</translation>
    </message>
    <message>
        <source>重点人员</source>
        <translation>Key persons</translation>
    </message>
    <message>
        <source>重点人员登记</source>
        <translation>Register a key person</translation>
    </message>
    <message>
        <source>建议关联（同一身份证号）</source>
        <translation>Suggested links (same ID number)</translation>
    </message>
</context>
<context>
    <name>listing</name>
    <message>
        <source>村(社区)</source>
        <translation>Village</translation>
    </message>
    <message>
        <source>下一期限</source>
        <translation>Next deadline</translation>
    </message>
    <message>
        <source>期限提示</source>
        <translation>Due</translation>
    </message>
    <message>
        <source>信访件</source>
        <translation>Petitions</translation>
    </message>
    <message>
        <source>编号</source>
        <translation>No.</translation>
    </message>
    <message>
        <source>收件日期</source>
        <translation>Received</translation>
    </message>
    <message>
        <source>信访人</source>
        <translation>Petitioner</translation>
    </message>
    <message>
        <source>身份证号</source>
        <translation>ID number</translation>
    </message>
    <message>
        <source>联系电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>形式</source>
        <translation>Form</translation>
    </message>
    <message>
        <source>类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>信访请求</source>
        <translation>Request</translation>
    </message>
    <message>
        <source>状态</source>
        <translation>Status</translation>
    </message>
    <message>
        <source>矛盾纠纷</source>
        <translation>Disputes</translation>
    </message>
    <message>
        <source>发现日期</source>
        <translation>Found</translation>
    </message>
    <message>
        <source>纠纷名称</source>
        <translation>Dispute</translation>
    </message>
    <message>
        <source>当事人</source>
        <translation>Parties</translation>
    </message>
    <message>
        <source>类型</source>
        <translation>Type</translation>
    </message>
    <message>
        <source>风险</source>
        <translation>Risk</translation>
    </message>
    <message>
        <source>易引发命案</source>
        <translation>Homicide risk</translation>
    </message>
    <message>
        <source>领导包案</source>
        <translation>Case packages</translation>
    </message>
    <message>
        <source>包案日期</source>
        <translation>Started</translation>
    </message>
    <message>
        <source>包案事项</source>
        <translation>Case package</translation>
    </message>
    <message>
        <source>包案领导</source>
        <translation>Leader</translation>
    </message>
    <message>
        <source>责任单位</source>
        <translation>Responsible unit</translation>
    </message>
    <message>
        <source>化解时限</source>
        <translation>Target date</translation>
    </message>
    <message>
        <source>是</source>
        <translation>Yes</translation>
    </message>
    <message>
        <source>逾期{n}天</source>
        <translation>{n} days overdue</translation>
    </message>
    <message>
        <source>今天到期</source>
        <translation>Due today</translation>
    </message>
    <message>
        <source>剩{n}天</source>
        <translation>{n} days left</translation>
    </message>
    <message>
        <source>挂牌督办</source>
        <translation>Supervised</translation>
    </message>
    <message>
        <source>志愿服务队</source>
        <translation>Volunteer teams</translation>
    </message>
    <message>
        <source>队伍名称</source>
        <translation>Team</translation>
    </message>
    <message>
        <source>队伍类型</source>
        <translation>Team type</translation>
    </message>
    <message>
        <source>负责人</source>
        <translation>Leader</translation>
    </message>
    <message>
        <source>负责人电话</source>
        <translation>Leader&apos;s phone</translation>
    </message>
    <message>
        <source>成立日期</source>
        <translation>Founded</translation>
    </message>
    <message>
        <source>队员数</source>
        <translation>Members</translation>
    </message>
    <message>
        <source>志愿者</source>
        <translation>Volunteers</translation>
    </message>
    <message>
        <source>姓名</source>
        <translation>Name</translation>
    </message>
    <message>
        <source>性别</source>
        <translation>Gender</translation>
    </message>
    <message>
        <source>电话</source>
        <translation>Phone</translation>
    </message>
    <message>
        <source>所属队伍</source>
        <translation>Teams</translation>
    </message>
    <message>
        <source>技能特长</source>
        <translation>Skills</translation>
    </message>
    <message>
        <source>在册</source>
        <translation>Active</translation>
    </message>
    <message>
        <source>志愿活动</source>
        <translation>Activities</translation>
    </message>
    <message>
        <source>活动日期</source>
        <translation>Date</translation>
    </message>
    <message>
        <source>活动类型</source>
        <translation>Activity type</translation>
    </message>
    <message>
        <source>地点</source>
        <translation>Place</translation>
    </message>
    <message>
        <source>活动内容</source>
        <translation>Content</translation>
    </message>
    <message>
        <source>参与人数</source>
        <translation>Participants</translation>
    </message>
    <message>
        <source>服务人次</source>
        <translation>People served</translation>
    </message>
    <message>
        <source>调度事项</source>
        <translation>Dispatch items</translation>
    </message>
    <message>
        <source>提出日期</source>
        <translation>Raised</translation>
    </message>
    <message>
        <source>完成时限</source>
        <translation>Deadline</translation>
    </message>
    <message>
        <source>完成日期</source>
        <translation>Done</translation>
    </message>
    <message>
        <source>重点人员</source>
        <translation>Key persons</translation>
    </message>
    <message>
        <source>人员类别</source>
        <translation>Category</translation>
    </message>
    <message>
        <source>最近走访</source>
        <translation>Last visit</translation>
    </message>
    <message>
        <source>责任网格员</source>
        <translation>Grid worker</translation>
    </message>
    <message>
        <source>包保领导</source>
        <translation>Responsible leader</translation>
    </message>
    <message>
        <source>列管日期</source>
        <translation>Registered on</translation>
    </message>
</context>
<context>
    <name>parent</name>
    <message>
        <source>导出PDF</source>
        <translation>Export PDF</translation>
    </message>
    <message>
        <source>PDF 文件 (*.pdf)</source>
        <translation>PDF files (*.pdf)</translation>
    </message>
    <message>
        <source>添加附件</source>
        <translation>Add attachment</translation>
    </message>
    <message>
        <source>扫描件和照片 (*.pdf *.jpg *.jpeg *.png *.bmp *.gif *.tif *.tiff);;所有文件 (*)</source>
        <translation>Scans and photos (*.pdf *.jpg *.jpeg *.png *.bmp *.gif *.tif *.tiff);;All files (*)</translation>
    </message>
    <message>
        <source>附件另存为</source>
        <translation>Save attachment as</translation>
    </message>
</context>
<context>
    <name>roles</name>
    <message>
        <source>录入员</source>
        <translation>Clerk</translation>
    </message>
    <message>
        <source>审核员</source>
        <translation>Reviewer</translation>
    </message>
    <message>
        <source>管理员</source>
        <translation>Administrator</translation>
    </message>
</context>
<context>
    <name>window</name>
    <message>
        <source>文件</source>
        <translation>File</translation>
    </message>
    <message>
        <source>导入台账…</source>
        <translation>Import ledger…</translation>
    </message>
    <message>
        <source>导入批次…</source>
        <translation>Import batches…</translation>
    </message>
</context>
</TS>
