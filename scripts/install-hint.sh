#!/bin/sh
# After `make install PREFIX=P`: says which lines a shell needs so that
# `pkg-config neardup` and `neardup` are found, when P is not where pkg-config
# and the shell already look.  The library needs no LD_LIBRARY_PATH: the flags
# in neardup.pc carry an rpath to P/lib.
P=$1
pc_path=$(pkg-config --variable pc_path pkg-config 2>/dev/null)
case ":$pc_path:$PKG_CONFIG_PATH:" in
    *":$P/lib/pkgconfig:"*) ;;
    *) echo "neardup: installed in $P; for pkg-config to find it, add to your shell's profile:"
       echo "    export PKG_CONFIG_PATH=\"$P/lib/pkgconfig\${PKG_CONFIG_PATH:+:\$PKG_CONFIG_PATH}\"" ;;
esac
case ":$PATH:" in
    *":$P/bin:"*) ;;
    *) echo "    export PATH=\"$P/bin:\$PATH\"" ;;
esac
