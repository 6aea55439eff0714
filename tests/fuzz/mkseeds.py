#!/usr/bin/env python3
# SPDX-License-Identifier: MIT
# tests/fuzz/mkseeds.py: writes the seed corpus of the hv fuzz targets:
# a minimal valid PVH ELF (one PT_LOAD at 1 MiB, the Xen PHYS32_ENTRY note
# in a PT_NOTE segment), variants (note in a section, 8-byte descriptor,
# two segments), truncations and bad notes; and a few hv command lines.
# Run from the repository root; the output is checked in.
import os
import struct

ELF_DIR = "tests/fuzz/corpus/elf"
OPTS_DIR = "tests/fuzz/corpus/opts"
PADDR = 0x100000
PT_LOAD, PT_NOTE, SHT_NOTE = 1, 4, 7
PHYS32_ENTRY = 18


def note(desc, descsz=None):
    """A Xen PHYS32_ENTRY note; descsz overrides the header's size field."""
    d = struct.pack("<I", *desc) if isinstance(desc, tuple) else desc
    return struct.pack("<III", 4, len(d) if descsz is None else descsz,
                       PHYS32_ENTRY) + b"Xen\0" + d


def elf(notes=note((PADDR,)), note_in_phdr=True, note_in_section=False,
        code=b"\xb0\x00\xe6\xf4\xf4", extra_load=None):
    """ehdr, phdrs, note, code, [section headers]."""
    loads = [(PADDR, code)] + ([extra_load] if extra_load else [])
    nph = len(loads) + (1 if note_in_phdr else 0)
    off = 64 + 56 * nph
    note_off = off
    off += len(notes)
    body = b""
    phdrs = b""
    for paddr, data in loads:
        phdrs += struct.pack("<IIQQQQQQ", PT_LOAD, 7, off + len(body), paddr,
                             paddr, len(data), len(data) + 0x100, 0x1000)
        body += data
    if note_in_phdr:
        phdrs += struct.pack("<IIQQQQQQ", PT_NOTE, 4, note_off, 0, 0,
                             len(notes), len(notes), 4)
    shoff = shnum = 0
    shdrs = b""
    if note_in_section:
        shoff, shnum = off + len(body), 2
        shdrs = bytes(64) + struct.pack("<IIQQQQIIQQ", 0, SHT_NOTE, 2, 0,
                                        note_off, len(notes), 0, 0, 4, 0)
    ident = b"\x7fELF\x02\x01\x01" + bytes(9)
    ehdr = ident + struct.pack("<HHIQQQIHHHHHH", 2, 62, 1, PADDR, 64, shoff,
                               0, 64, 56, nph, 64 if shnum else 0, shnum, 0)
    return ehdr + phdrs + notes + body + shdrs


def write(d, name, data):
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def main():
    os.makedirs(ELF_DIR, exist_ok=True)
    os.makedirs(OPTS_DIR, exist_ok=True)
    good = elf()
    write(ELF_DIR, "min_pvh.elf", good)
    write(ELF_DIR, "note_section.elf", elf(note_in_phdr=False,
                                           note_in_section=True))
    write(ELF_DIR, "note_desc8.elf", elf(notes=note(struct.pack("<Q", PADDR))))
    write(ELF_DIR, "two_loads.elf",
          elf(extra_load=(PADDR + 0x1000, b"\x90" * 16)))
    write(ELF_DIR, "overlap.elf", elf(extra_load=(PADDR + 0x80, b"\x90")))
    write(ELF_DIR, "entry_bss.elf", elf(notes=note((PADDR + 0x80,))))
    write(ELF_DIR, "note_bad_size.elf",
          elf(notes=note((PADDR,), descsz=0x100)))
    write(ELF_DIR, "trunc_ident.elf", good[:10])
    write(ELF_DIR, "trunc_phdrs.elf", good[:64 + 30])
    write(ELF_DIR, "trunc_note.elf", good[:64 + 112 + 8])
    opts = {
        "all.args": ["--vcpus", "4", "--mem", "1G", "--timeout", "2.5",
                     "--cmdline", "bench=yield quick", "--halt-poll-ns", "0",
                     "--disable-exits", "hlt,pause", "--pin",
                     "--stats-json", "s.json", "k.elf"],
        "short.args": ["--mem=256MiB", "--timeout=0", "k.elf"],
        "bad.args": ["--vcpus", "65", "--mem", "1T", "--timeout", "-1", "k"],
        "exits.args": ["--disable-exits", "none", "--disable-exits",
                       "mwait,cstate", "k"],
    }
    for name, argv in opts.items():
        write(OPTS_DIR, name, b"\0".join(a.encode() for a in argv))


if __name__ == "__main__":
    main()
