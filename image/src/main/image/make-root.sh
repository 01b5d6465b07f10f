#!/bin/sh
# The image's root file system besides the app (which Jib adds under /app): a Java runtime of only
# the modules the app uses, made by jlink, and the C libraries that runtime links against, copied from
# the build host, since the image is built FROM scratch. Usage: make-root.sh ROOT JAVA_HOME MODULES
set -eu
root="$1"; java_home="$2"; modules="$3"
rm -rf "$root"
mkdir -p "$root/opt" "$root/var/lib/ntsfarm" "$root/tmp"
"$java_home/bin/jlink" --add-modules "$modules" --strip-debug --no-header-files --no-man-pages \
  --compress zip-6 --output "$root/opt/java"
# the X11 parts of java.desktop never load in a headless server: their libraries stay out
find "$root/opt/java" -type f \( -name '*.so' -o -path '*/bin/*' \) ! -name 'libawt_xawt.so' ! -name 'libsplashscreen.so' \
    -exec ldd {} \; 2>/dev/null \
  | awk '$2 == "=>" && $3 ~ /^\/lib/ { print $3 } $1 ~ /^\/lib/ { print $1 }' | sort -u \
  | while read -r lib; do
      mkdir -p "$root$(dirname "$lib")"
      cp -L "$lib" "$root$lib"
    done
