"""Cost of compiling the .po catalogs at run time, against loading precompiled .mo files.

ecomops compiles ``locale/*/LC_MESSAGES/*.po`` in memory on first use (no build step). This prints
the cold cost of that per catalog and, measured in the same run, the cost of loading the same
catalog precompiled to ``.mo`` (the usual gettext scheme), and their ratio.

    .venv/bin/python benchmarks/i18n_bench.py
"""

from __future__ import annotations

import gettext
import io
import time
from importlib import resources

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po


def _compile(po: bytes) -> gettext.GNUTranslations:
    buf = io.BytesIO()
    write_mo(buf, read_po(io.BytesIO(po)))
    buf.seek(0)
    return gettext.GNUTranslations(buf)


def main(repeat: int = 50) -> None:
    root = resources.files("ecomops") / "locale"
    for lang_dir in sorted(root.iterdir(), key=lambda p: p.name):
        msgs = lang_dir / "LC_MESSAGES"
        if not msgs.is_dir():
            continue
        for po_file in sorted(msgs.iterdir(), key=lambda p: p.name):
            if not po_file.name.endswith(".po"):
                continue
            po = po_file.read_bytes()
            mo_buf = io.BytesIO()
            write_mo(mo_buf, read_po(io.BytesIO(po)))
            mo = mo_buf.getvalue()
            t0 = time.perf_counter()
            for _ in range(repeat):
                t = _compile(po)
            from_po = (time.perf_counter() - t0) / repeat
            t0 = time.perf_counter()
            for _ in range(repeat):
                gettext.GNUTranslations(io.BytesIO(mo))
            from_mo = (time.perf_counter() - t0) / repeat
            n = len(t._catalog) - 1  # minus the header entry
            print(f"{lang_dir.name}/{po_file.name}: {n} messages; compile .po in memory "
                  f"{from_po * 1000:.2f} ms, load precompiled .mo {from_mo * 1000:.3f} ms "
                  f"(ratio {from_po / from_mo:.0f}x; paid once per process)")


if __name__ == "__main__":
    main()
