; Inno Setup 6 script: Followthrough for Windows, installed per user (no administrator).
;
;   iscc /DAppVersion=0.1.0 packaging\windows\followthrough.iss
;
; after PyInstaller has built build\pyinstaller\dist\followthrough\ (followthrough.exe, the
; windowed app, and followthrough-cli.exe, its console twin) from packaging\followthrough.spec;
; .github\workflows\package.yml does both. Gives dist\followthrough-<version>-windows-x64-setup.exe.
;
; What it registers, all under HKEY_CURRENT_USER\Software\Classes (this user only), and what
; the uninstaller removes again:
;   followthrough\                       the followthrough:// URL protocol (links in calendar
;                                         events open the message editor of a follow-up)
;   Followthrough.ics\                   the program id that opens .ics files with the app
;   .ics\OpenWithProgids\Followthrough.ics   the "Open with" entry for .ics files; the user's
;                                         default app for .ics is left as it was
;   Applications\followthrough.exe\      the app's name and supported types for "Open with"
; and a Start menu entry. The user's data (%APPDATA%\Followthrough) is never touched.

#ifndef AppVersion
  #define AppVersion "0.1.0"
#endif
#ifndef BundleDir
  #define BundleDir "..\..\build\pyinstaller\dist\followthrough"
#endif
#ifndef IconFile
  #define IconFile "..\..\build\icons\io.followthrough.Followthrough.ico"
#endif
#define AppName "Followthrough"
#define AppExe "followthrough.exe"
#define ProgId "Followthrough.ics"

[Setup]
AppId={{7BA37E19-F9AB-4221-9A24-8297FA16D1C7}
AppName={#AppName}
AppVersion={#AppVersion}
AppVerName={#AppName} {#AppVersion}
AppPublisher={#AppName}
; Per user: no UAC prompt; {autopf} is then %LOCALAPPDATA%\Programs.
PrivilegesRequired=lowest
DefaultDirName={autopf}\{#AppName}
DisableProgramGroupPage=yes
DisableDirPage=auto
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
; Explorer re-reads file associations after install and uninstall.
ChangesAssociations=yes
OutputDir=..\..\dist
OutputBaseFilename=followthrough-{#AppVersion}-windows-x64-setup
SetupIconFile={#IconFile}
UninstallDisplayIcon={app}\{#AppExe}
UninstallDisplayName={#AppName}
Compression=lzma2/max
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes

[Tasks]
Name: "desktopicon"; Description: "{cm:CreateDesktopIcon}"; GroupDescription: "{cm:AdditionalIcons}"; Flags: unchecked

[Files]
Source: "{#BundleDir}\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{autoprograms}\{#AppName}"; Filename: "{app}\{#AppExe}"; Comment: "Turn each job interview into a plan of calendar follow-ups"
Name: "{autodesktop}\{#AppName}"; Filename: "{app}\{#AppExe}"; Tasks: desktopicon

[Registry]
; The followthrough:// URL protocol.
Root: HKCU; Subkey: "Software\Classes\followthrough"; ValueType: string; ValueName: ""; ValueData: "URL:Followthrough link"; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\followthrough"; ValueType: string; ValueName: "URL Protocol"; ValueData: ""
Root: HKCU; Subkey: "Software\Classes\followthrough\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"",0"
Root: HKCU; Subkey: "Software\Classes\followthrough\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""
; The program id for .ics files, and the "Open with" entry that points at it.
Root: HKCU; Subkey: "Software\Classes\{#ProgId}"; ValueType: string; ValueName: ""; ValueData: "iCalendar file"; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\{#ProgId}\DefaultIcon"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"",0"
Root: HKCU; Subkey: "Software\Classes\{#ProgId}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""
Root: HKCU; Subkey: "Software\Classes\.ics\OpenWithProgids"; ValueType: string; ValueName: "{#ProgId}"; ValueData: ""; Flags: uninsdeletevalue
; The app as Windows lists it under "Open with" > "Choose another app".
Root: HKCU; Subkey: "Software\Classes\Applications\{#AppExe}"; ValueType: string; ValueName: "FriendlyAppName"; ValueData: "{#AppName}"; Flags: uninsdeletekey
Root: HKCU; Subkey: "Software\Classes\Applications\{#AppExe}\SupportedTypes"; ValueType: string; ValueName: ".ics"; ValueData: ""
Root: HKCU; Subkey: "Software\Classes\Applications\{#AppExe}\shell\open\command"; ValueType: string; ValueName: ""; ValueData: """{app}\{#AppExe}"" ""%1"""

[Run]
Filename: "{app}\{#AppExe}"; Description: "{cm:LaunchProgram,{#AppName}}"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Only the program folder; the data folder (%APPDATA%\Followthrough) stays the user's.
Type: filesandordirs; Name: "{app}\_internal"
Type: dirifempty; Name: "{app}"
