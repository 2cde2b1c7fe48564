"""Turn Odoo 18's requirements.txt into a list pip can install on this Python.

Odoo 18 pins, for Python 3.11, a few source-only builds that do not build on a
plain Debian 12 (cbor2 5.4.2 needs pkg_resources, python-ldap needs LDAP
headers).  The pins Odoo gives for Python >= 3.12 all ship wheels for 3.11, so
every environment marker is evaluated as if ``python_version`` were 3.12,
``python-ldap`` is dropped (only ``auth_ldap`` needs it) and ``psycopg2`` is
replaced by ``psycopg2-binary``.

Usage: python odoo_requirements.py ODOO_ROOT/requirements.txt > out.txt
"""

import re
import sys

from packaging.markers import Marker
from packaging.requirements import Requirement

MARKER_ENV = {"python_version": "3.12", "python_full_version": "3.12.0"}
DROPPED = {"python-ldap", "pypiwin32", "rl-renderpm"}


def convert(lines):
    """Yield the requirement strings to install, one per kept line."""
    for raw in lines:
        line = raw.split("#", 1)[0].strip()
        if not line:
            continue
        req = Requirement(line)
        name = req.name.lower()
        if name in DROPPED:
            continue
        if req.marker and not Marker(str(req.marker)).evaluate(MARKER_ENV):
            continue
        if name == "psycopg2":
            name = "psycopg2-binary"
        else:
            name = req.name
        yield re.sub(r"\s+", "", f"{name}{req.specifier}")


def main():
    with open(sys.argv[1], encoding="utf-8") as handle:
        for requirement in convert(handle):
            print(requirement)


if __name__ == "__main__":
    main()
