; Inno Setup 6 script: the per-machine installer of 综治桌面 for Windows 10/11 (x64).
;
; Build on Windows after the one-folder build (docs/install.md, "Windows 安装包"):
;   .venv\Scripts\pyinstaller build.spec --noconfirm
;   "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" /DAppVersion=0.1.0 packaging\windows\zongzhi.iss
; -> dist\zongzhi-desktop-<version>-setup.exe
;
; Installs dist\zongzhi\ to C:\Program Files\综治桌面 for all users (administrator rights), with a
; Start-menu entry (and an optional desktop shortcut). Each user's data lives in their own data
; folder (%LOCALAPPDATA%\zongzhi-desktop); the installer never writes there and the uninstaller
; leaves it in place, so reinstalling or upgrading keeps every record.

#ifndef AppVersion
  #error Pass the version from pyproject.toml: ISCC /DAppVersion=x.y.z packaging\windows\zongzhi.iss
#endif

#define AppName "综治桌面"
#define AppExe "zongzhi.exe"
#define SourceDir "..\..\dist\zongzhi"

[Setup]
; A fixed AppId: upgrades replace the earlier installation instead of adding a second one.
AppId={{6E0B9C64-1F5E-4B7A-9A53-2D6C1E8F4A21}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher=综治桌面项目组
VersionInfoVersion={#AppVersion}
VersionInfoProductName={#AppName}
DefaultDirName={autopf}\{#AppName}
DefaultGroupName={#AppName}
DisableProgramGroupPage=yes
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
MinVersion=10.0
OutputDir=..\..\dist
OutputBaseFilename=zongzhi-desktop-{#AppVersion}-setup
SetupIconFile=..\..\zongzhi_desktop\assets\icons\zongzhi.ico
UninstallDisplayIcon={app}\{#AppExe}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes

[Languages]
; Inno Setup 6 ships Simplified Chinese messages as Languages\ChineseSimplified.isl (6.3 and later);
; with an older compiler copy the file from the Inno Setup translations page into that folder.
Name: "chs"; MessagesFile: "compiler:Languages\ChineseSimplified.isl"

[Tasks]
Name: "desktopicon"; Description: "在桌面创建快捷方式"; GroupDescription: "附加快捷方式："; Flags: unchecked

[Files]
Source: "{#SourceDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"
Name: "{group}\卸载 {#AppName}"; Filename: "{uninstallexe}"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; WorkingDir: "{app}"; Tasks: desktopicon

[Run]
Filename: "{app}\{#AppExe}"; Description: "启动 {#AppName}"; Flags: nowait postinstall skipifsilent

; No [UninstallDelete] entries on purpose: the uninstaller removes only what it installed in {app};
; the users' data folders (%LOCALAPPDATA%\zongzhi-desktop) stay.
