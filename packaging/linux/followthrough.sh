#!/bin/sh
# /usr/bin/followthrough: runs the app installed in /opt/followthrough (a PyInstaller folder).
exec /opt/followthrough/followthrough "$@"
