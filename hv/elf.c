/* SPDX-License-Identifier: MIT */
/*
 * ELF64 PVH image loader: header and bounds validation, PT_LOAD copy-in, and
 * the Xen PHYS32_ENTRY note lookup (PT_NOTE segments, then SHT_NOTE sections).
 */
#include <elf.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <xen/elfnote.h>

#include "hv/elf.h"

/* More than any kernel needs; keeps the overlap check's n^2 small. */
#define ELF_MAX_PHNUM 256

struct elf_ctx {
	const uint8_t *img;
	uint64_t len;
	uint64_t mem_size;
	Elf64_Ehdr eh; /* copied: the image may be unaligned */
	char *err;
	size_t errlen;
	char bad_note[160]; /* first malformed note seen, for "no PVH note" */
};

__attribute__((format(printf, 2, 3))) static int fail(struct elf_ctx *c,
						      const char *fmt, ...)
{
	va_list ap;

	if (c->errlen) {
		va_start(ap, fmt);
		vsnprintf(c->err, c->errlen, fmt, ap);
		va_end(ap);
	}
	return -1;
}

/* [off, off + size) lies inside [0, len), without overflow. */
static bool range_ok(uint64_t off, uint64_t size, uint64_t len)
{
	return off <= len && size <= len - off;
}

static void fmt_size(uint64_t bytes, char *buf, size_t len)
{
	if (bytes % (1ull << 20) == 0)
		snprintf(buf, len, "%" PRIu64 " MiB", bytes >> 20);
	else
		snprintf(buf, len, "%" PRIu64 " KiB", bytes >> 10);
}

/* Copy a header out of the image: the image may be unaligned. */
static void get_phdr(const struct elf_ctx *c, unsigned int i, Elf64_Phdr *ph)
{
	memcpy(ph, c->img + c->eh.e_phoff + (uint64_t)i * sizeof(*ph),
	       sizeof(*ph));
}

static void get_shdr(const struct elf_ctx *c, unsigned int i, Elf64_Shdr *sh)
{
	memcpy(sh, c->img + c->eh.e_shoff + (uint64_t)i * sizeof(*sh),
	       sizeof(*sh));
}

static int check_ident(struct elf_ctx *c)
{
	const uint8_t *id = c->img;

	if (c->len < SELFMAG || memcmp(id, ELFMAG, SELFMAG) != 0)
		return fail(c, "not an ELF file");
	if (c->len < EI_NIDENT)
		return fail(c,
			    "truncated ELF: %" PRIu64
			    " bytes, shorter than the ELF identification",
			    c->len);
	if (id[EI_CLASS] != ELFCLASS64)
		return fail(
			c,
			"unsupported ELF: %s, need a 64-bit (ELFCLASS64) x86-64 image",
			id[EI_CLASS] == ELFCLASS32 ? "32-bit (ELFCLASS32)" :
						     "unknown class");
	if (id[EI_DATA] != ELFDATA2LSB)
		return fail(c, "unsupported ELF: not little-endian");
	if (c->len < sizeof(Elf64_Ehdr))
		return fail(c,
			    "truncated ELF: %" PRIu64
			    " bytes, shorter than the ELF header (%zu)",
			    c->len, sizeof(Elf64_Ehdr));
	memcpy(&c->eh, c->img, sizeof(c->eh));
	return 0;
}

static int check_header(struct elf_ctx *c)
{
	const Elf64_Ehdr *eh = &c->eh;
	uint64_t tab;

	if (eh->e_machine != EM_X86_64)
		return fail(c, "unsupported ELF: machine %u, need x86-64 (%u)",
			    eh->e_machine, EM_X86_64);
	if (eh->e_type != ET_EXEC)
		return fail(
			c,
			"unsupported ELF: type %u, need an executable (ET_EXEC)",
			eh->e_type);
	if (eh->e_phnum == 0)
		return fail(c, "bad ELF: no program headers");
	if (eh->e_phnum > ELF_MAX_PHNUM)
		return fail(c,
			    "bad ELF: %u program headers, hv takes at most %u",
			    eh->e_phnum, ELF_MAX_PHNUM);
	if (eh->e_phentsize != sizeof(Elf64_Phdr))
		return fail(c, "bad ELF: program header size %u, expected %zu",
			    eh->e_phentsize, sizeof(Elf64_Phdr));
	tab = (uint64_t)eh->e_phnum * sizeof(Elf64_Phdr);
	if (!range_ok(eh->e_phoff, tab, c->len))
		return fail(c,
			    "truncated ELF: program headers at 0x%" PRIx64
			    " size 0x%" PRIx64
			    " extend past the end of the file (0x%" PRIx64
			    " bytes)",
			    (uint64_t)eh->e_phoff, tab, c->len);
	if (eh->e_shnum == 0)
		return 0;
	if (eh->e_shentsize != sizeof(Elf64_Shdr))
		return fail(c, "bad ELF: section header size %u, expected %zu",
			    eh->e_shentsize, sizeof(Elf64_Shdr));
	tab = (uint64_t)eh->e_shnum * sizeof(Elf64_Shdr);
	if (!range_ok(eh->e_shoff, tab, c->len))
		return fail(c,
			    "truncated ELF: section headers at 0x%" PRIx64
			    " size 0x%" PRIx64
			    " extend past the end of the file (0x%" PRIx64
			    " bytes)",
			    (uint64_t)eh->e_shoff, tab, c->len);
	return 0;
}

static int check_load(struct elf_ctx *c, unsigned int i, const Elf64_Phdr *ph)
{
	char sz[32];

	if (ph->p_filesz > ph->p_memsz)
		return fail(c,
			    "bad ELF: segment %u has p_filesz 0x%" PRIx64
			    " > p_memsz 0x%" PRIx64,
			    i, (uint64_t)ph->p_filesz, (uint64_t)ph->p_memsz);
	if (!range_ok(ph->p_offset, ph->p_filesz, c->len))
		return fail(c,
			    "truncated ELF: segment %u (file offset 0x%" PRIx64
			    " size 0x%" PRIx64
			    ") extends past the end of the file (0x%" PRIx64
			    " bytes)",
			    i, (uint64_t)ph->p_offset, (uint64_t)ph->p_filesz,
			    c->len);
	if (ph->p_memsz == 0)
		return 0;
	if (ph->p_paddr < HV_ELF_MIN_PADDR)
		return fail(
			c,
			"segment at 0x%" PRIx64 " size 0x%" PRIx64
			" overlaps the low 1 MiB that hv reserves (load kernels at 1 MiB or above)",
			(uint64_t)ph->p_paddr, (uint64_t)ph->p_memsz);
	if (!range_ok(ph->p_paddr, ph->p_memsz, c->mem_size)) {
		fmt_size(c->mem_size, sz, sizeof(sz));
		return fail(c,
			    "segment at 0x%" PRIx64 " size 0x%" PRIx64
			    " does not fit in %s of guest memory",
			    (uint64_t)ph->p_paddr, (uint64_t)ph->p_memsz, sz);
	}
	return 0;
}

/* Loaded segments i and j (j < i) must not share guest memory. */
static int check_overlap(struct elf_ctx *c, unsigned int i,
			 const Elf64_Phdr *ph)
{
	Elf64_Phdr o;
	unsigned int j;

	for (j = 0; j < i; j++) {
		get_phdr(c, j, &o);
		if (o.p_type != PT_LOAD || o.p_memsz == 0)
			continue;
		/* Both ranges were checked against mem_size: no overflow. */
		if (ph->p_paddr < o.p_paddr + o.p_memsz &&
		    o.p_paddr < ph->p_paddr + ph->p_memsz)
			return fail(
				c,
				"bad ELF: segments %u and %u overlap (0x%" PRIx64
				"+0x%" PRIx64 " and 0x%" PRIx64 "+0x%" PRIx64
				")",
				j, i, (uint64_t)o.p_paddr, (uint64_t)o.p_memsz,
				(uint64_t)ph->p_paddr, (uint64_t)ph->p_memsz);
	}
	return 0;
}

/* Check every segment; count loadable ones and the loaded range. */
static int check_segments(struct elf_ctx *c, struct hv_elf_image *out)
{
	Elf64_Phdr ph;
	unsigned int i;

	for (i = 0; i < c->eh.e_phnum; i++) {
		get_phdr(c, i, &ph);
		if (ph.p_type == PT_NOTE &&
		    !range_ok(ph.p_offset, ph.p_filesz, c->len))
			return fail(
				c,
				"truncated ELF: note segment %u (file offset 0x%" PRIx64
				" size 0x%" PRIx64
				") extends past the end of the file",
				i, (uint64_t)ph.p_offset,
				(uint64_t)ph.p_filesz);
		if (ph.p_type != PT_LOAD)
			continue;
		if (check_load(c, i, &ph))
			return -1;
		if (ph.p_memsz == 0)
			continue;
		if (check_overlap(c, i, &ph))
			return -1;
		if (!out->nr_load || ph.p_paddr < out->load_lo)
			out->load_lo = ph.p_paddr;
		if (ph.p_paddr + ph.p_memsz > out->load_hi)
			out->load_hi = ph.p_paddr + ph.p_memsz;
		out->nr_load++;
	}
	if (!out->nr_load)
		return fail(c, "bad ELF: no loadable (PT_LOAD) segments");
	return 0;
}

static uint32_t rd32(const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, sizeof(v));
	return v;
}

static bool is_pvh_note(const uint8_t *p, uint64_t off, uint64_t size,
			uint64_t namesz, uint32_t type)
{
	return namesz == 4 && size - off >= 4 &&
	       memcmp(p + off, "Xen", 4) == 0 &&
	       type == XEN_ELFNOTE_PHYS32_ENTRY;
}

/* A note whose sizes run past its area: a bad PVH note, or remember it. */
static int bad_note(struct elf_ctx *c, const char *where, unsigned int idx,
		    bool pvh, uint64_t namesz, uint64_t descsz, uint64_t desc,
		    uint64_t size)
{
	if (pvh)
		return fail(
			c,
			"bad PVH entry note in %s %u: descriptor size %" PRIu64
			" at offset %" PRIu64
			" runs past the end of the %" PRIu64 "-byte note area",
			where, idx, descsz, desc, size);
	if (!c->bad_note[0])
		snprintf(c->bad_note, sizeof(c->bad_note),
			 "%s %u has a malformed note (name size %" PRIu64
			 ", descriptor size %" PRIu64 ") in %" PRIu64 " bytes",
			 where, idx, namesz, descsz, size);
	return 0;
}

/*
 * Scan a note area (already bounds-checked) for Xen's PHYS32_ENTRY.
 * Returns 1 if found (*entry set), 0 if not, -1 on a malformed PVH note.
 */
static int scan_notes(struct elf_ctx *c, const uint8_t *p, uint64_t size,
		      uint64_t align, const char *where, unsigned int idx,
		      uint64_t *entry)
{
	uint64_t off = 0, namesz, descsz, desc;
	uint32_t type;
	bool pvh;

	align = align == 8 ? 8 : 4;
	while (size >= 12 && off <= size - 12) {
		namesz = rd32(p + off);
		descsz = rd32(p + off + 4);
		type = rd32(p + off + 8);
		off += 12;
		pvh = is_pvh_note(p, off, size, namesz, type);
		desc = off + ((namesz + align - 1) & ~(align - 1));
		if (desc > size || descsz > size - desc)
			return bad_note(c, where, idx, pvh, namesz, descsz,
					desc, size);
		if (pvh) {
			if (descsz == 4) {
				*entry = rd32(p + desc);
			} else if (descsz == 8) {
				memcpy(entry, p + desc, 8);
			} else {
				return fail(
					c,
					"bad PVH entry note: descriptor size %" PRIu64
					", expected 4 or 8",
					descsz);
			}
			return 1;
		}
		off = desc + ((descsz + align - 1) & ~(align - 1));
	}
	return 0;
}

static int find_entry(struct elf_ctx *c, uint64_t *entry)
{
	Elf64_Phdr ph;
	Elf64_Shdr sh;
	unsigned int i;
	int r;

	for (i = 0; i < c->eh.e_phnum; i++) {
		get_phdr(c, i, &ph);
		if (ph.p_type != PT_NOTE)
			continue;
		r = scan_notes(c, c->img + ph.p_offset, ph.p_filesz, ph.p_align,
			       "segment", i, entry);
		if (r)
			return r;
	}
	for (i = 0; i < c->eh.e_shnum; i++) {
		get_shdr(c, i, &sh);
		if (sh.sh_type != SHT_NOTE)
			continue;
		if (!range_ok(sh.sh_offset, sh.sh_size, c->len))
			return fail(
				c,
				"truncated ELF: note section %u (file offset 0x%" PRIx64
				" size 0x%" PRIx64
				") extends past the end of the file",
				i, (uint64_t)sh.sh_offset,
				(uint64_t)sh.sh_size);
		r = scan_notes(c, c->img + sh.sh_offset, sh.sh_size,
			       sh.sh_addralign, "section", i, entry);
		if (r)
			return r;
	}
	return 0;
}

/* The entry must be a 32-bit address in a segment's bytes from the file. */
static int check_entry(struct elf_ctx *c, uint64_t entry)
{
	Elf64_Phdr ph;
	unsigned int i;

	for (i = 0; i < c->eh.e_phnum && entry < (1ull << 32); i++) {
		get_phdr(c, i, &ph);
		if (ph.p_type != PT_LOAD || entry < ph.p_paddr ||
		    entry - ph.p_paddr >= ph.p_memsz)
			continue;
		if (entry - ph.p_paddr < ph.p_filesz)
			return 0;
		return fail(
			c,
			"PVH entry 0x%" PRIx64
			" is in the zero-filled (bss) part of segment %u, past its 0x%" PRIx64
			" bytes from the file",
			entry, i, (uint64_t)ph.p_filesz);
	}
	return fail(c,
		    "PVH entry 0x%" PRIx64
		    " is not inside a loaded segment below 4 GiB",
		    entry);
}

static void copy_segments(struct elf_ctx *c, uint8_t *mem)
{
	Elf64_Phdr ph;
	unsigned int i;

	for (i = 0; i < c->eh.e_phnum; i++) {
		get_phdr(c, i, &ph);
		if (ph.p_type != PT_LOAD || ph.p_memsz == 0)
			continue;
		memcpy(mem + ph.p_paddr, c->img + ph.p_offset, ph.p_filesz);
		memset(mem + ph.p_paddr + ph.p_filesz, 0,
		       ph.p_memsz - ph.p_filesz);
	}
}

int hv_elf_load(const void *img, size_t len, void *guest_mem, size_t mem_size,
		struct hv_elf_image *out, char *err, size_t errlen)
{
	struct elf_ctx c = {
		.img = img,
		.len = len,
		.mem_size = mem_size,
		.err = err,
		.errlen = errlen,
	};
	uint64_t entry = 0;
	int r;

	memset(out, 0, sizeof(*out));
	if (errlen)
		err[0] = '\0';
	if (!img)
		return fail(&c, "not an ELF file");
	if (check_ident(&c) || check_header(&c) || check_segments(&c, out))
		return -1;
	r = find_entry(&c, &entry);
	if (r < 0)
		return -1;
	if (r == 0 && c.bad_note[0])
		return fail(
			&c,
			"no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY) found: %s",
			c.bad_note);
	if (r == 0)
		return fail(
			&c,
			"no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY): not a PVH kernel");
	if (check_entry(&c, entry))
		return -1;
	copy_segments(&c, guest_mem);
	out->entry = entry;
	return 0;
}
