#!/usr/bin/env python3
"""Prints the directory where `make install PREFIX=P` puts the neardup
Python package: the directory this Python searches for packages of prefix P.

Debian's Python searches /usr/lib/python3/dist-packages (its own packages,
scheme deb_system) and /usr/local/lib/python3.X/dist-packages (scheme
posix_local, for `make install` into /usr/local); any other prefix, such as
$HOME/.local (the user site directory) or a virtual environment, uses the
standard posix_prefix layout P/lib/python3.X/site-packages.
"""
import sys
import sysconfig

prefix = sys.argv[1].rstrip("/") or "/"
schemes = sysconfig.get_scheme_names()
if prefix == "/usr" and "deb_system" in schemes:
    scheme, base = "deb_system", prefix
elif prefix == "/usr/local" and "posix_local" in schemes:
    scheme, base = "posix_local", "/usr"  # the scheme adds the /local itself
else:
    scheme, base = "posix_prefix", prefix
print(sysconfig.get_path("platlib", scheme, vars={"base": base, "platbase": base}))
