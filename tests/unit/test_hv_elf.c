/* SPDX-License-Identifier: MIT */
/*
 * Unit tests for hv's ELF loader (hv/elf.c) on synthetic PVH images built in
 * memory: good loads, truncation at every length, wrong class/type, notes.
 */
#include <criterion/criterion.h>
#include <elf.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <xen/elfnote.h>

#include "hv/elf.h"

#define MEM_SIZE (4ull << 20)
#define LOAD_PADDR 0x200000ull
#define ENTRY (LOAD_PADDR + 0x10)
#define NOTE_OFF 0xb0 /* after the ELF header and 2 program headers */
#define SEG_OFF 0x100
#define SEG_FILESZ 0x40
#define SEG_MEMSZ 0x1000

struct img {
	uint8_t *p;
	size_t len;
};

static void put_note(uint8_t *p, uint32_t type, uint32_t descsz, uint64_t desc)
{
	uint32_t hdr[3] = { 4, descsz, type };

	memcpy(p, hdr, sizeof(hdr));
	memcpy(p + 12, "Xen", 4);
	memcpy(p + 16, &desc, descsz);
}

/*
 * A good image: [ehdr][LOAD phdr][NOTE phdr][note][segment bytes], with
 * optional section headers (null + SHT_NOTE) at the end.
 */
static struct img build(bool with_phdr_note, bool with_sections)
{
	size_t len = SEG_OFF + SEG_FILESZ +
		     (with_sections ? 2 * sizeof(Elf64_Shdr) : 0);
	uint8_t *p = calloc(1, len);
	Elf64_Ehdr eh = { .e_type = ET_EXEC,
			  .e_machine = EM_X86_64,
			  .e_version = EV_CURRENT,
			  .e_phoff = sizeof(eh),
			  .e_ehsize = sizeof(eh),
			  .e_phentsize = sizeof(Elf64_Phdr),
			  .e_phnum = with_phdr_note ? 2 : 1 };
	Elf64_Phdr ph[2] = {
		{ .p_type = PT_LOAD,
		  .p_offset = SEG_OFF,
		  .p_paddr = LOAD_PADDR,
		  .p_vaddr = LOAD_PADDR,
		  .p_filesz = SEG_FILESZ,
		  .p_memsz = SEG_MEMSZ,
		  .p_align = 0x1000 },
		{ .p_type = PT_NOTE,
		  .p_offset = NOTE_OFF,
		  .p_filesz = 20,
		  .p_memsz = 20,
		  .p_align = 4 },
	};
	Elf64_Shdr sh[2] = {
		{ 0 },
		{ .sh_type = SHT_NOTE,
		  .sh_offset = NOTE_OFF,
		  .sh_size = 20,
		  .sh_addralign = 4 },
	};
	size_t i;

	memcpy(eh.e_ident, ELFMAG, SELFMAG);
	eh.e_ident[EI_CLASS] = ELFCLASS64;
	eh.e_ident[EI_DATA] = ELFDATA2LSB;
	eh.e_ident[EI_VERSION] = EV_CURRENT;
	if (with_sections) {
		eh.e_shoff = SEG_OFF + SEG_FILESZ;
		eh.e_shentsize = sizeof(Elf64_Shdr);
		eh.e_shnum = 2;
		memcpy(p + eh.e_shoff, sh, sizeof(sh));
	}
	memcpy(p, &eh, sizeof(eh));
	memcpy(p + sizeof(eh), ph, sizeof(ph));
	put_note(p + NOTE_OFF, XEN_ELFNOTE_PHYS32_ENTRY, 4, ENTRY);
	for (i = 0; i < SEG_FILESZ; i++)
		p[SEG_OFF + i] = (uint8_t)(i + 1);
	return (struct img){ p, len };
}

static Elf64_Ehdr *ehdr(struct img im)
{
	return (Elf64_Ehdr *)im.p;
}

static Elf64_Phdr *phdr(struct img im, int i)
{
	return (Elf64_Phdr *)(im.p + sizeof(Elf64_Ehdr)) + i;
}

static uint8_t *guest;

static void setup_mem(void)
{
	guest = mmap(NULL, 256ull << 20, PROT_READ | PROT_WRITE,
		     MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	cr_assert(guest != MAP_FAILED);
	memset(guest + LOAD_PADDR, 0xaa, 2 * SEG_MEMSZ);
}

static void teardown_mem(void)
{
	munmap(guest, 256ull << 20);
}

/* Load a copy in an exact-size heap block, so ASan sees any overread. */
static int load(struct img im, size_t len, size_t mem, struct hv_elf_image *out,
		char *err)
{
	uint8_t *copy = malloc(len ? len : 1);
	int r;

	memcpy(copy, im.p, len);
	r = hv_elf_load(copy, len, guest, mem, out, err, 256);
	free(copy);
	return r;
}

TestSuite(hv_elf, .init = setup_mem, .fini = teardown_mem);

Test(hv_elf, good_image_loads_at_paddr_with_entry)
{
	struct img im = build(true, true);
	struct hv_elf_image out;
	char err[256];
	size_t i;

	cr_assert_eq(load(im, im.len, MEM_SIZE, &out, err), 0, "%s", err);
	cr_assert_eq(out.entry, ENTRY);
	cr_assert_eq(out.load_lo, LOAD_PADDR);
	cr_assert_eq(out.load_hi, LOAD_PADDR + SEG_MEMSZ);
	cr_assert_eq(out.nr_load, 1);
	for (i = 0; i < SEG_FILESZ; i++)
		cr_assert_eq(guest[LOAD_PADDR + i], i + 1);
	for (; i < SEG_MEMSZ; i++)
		cr_assert_eq(guest[LOAD_PADDR + i], 0, "bss byte %zu", i);
	cr_assert_eq(guest[LOAD_PADDR + SEG_MEMSZ], 0xaa, "wrote past memsz");
	free(im.p);
}

Test(hv_elf, entry_from_note_section_without_pt_note)
{
	struct img im = build(false, true);
	struct hv_elf_image out;
	char err[256];

	cr_assert_eq(load(im, im.len, MEM_SIZE, &out, err), 0, "%s", err);
	cr_assert_eq(out.entry, ENTRY);
	free(im.p);
}

Test(hv_elf, entry_note_with_64bit_descriptor)
{
	struct img im = build(true, false);
	struct hv_elf_image out;
	char err[256];

	phdr(im, 1)->p_filesz = 24;
	put_note(im.p + NOTE_OFF, XEN_ELFNOTE_PHYS32_ENTRY, 8, ENTRY + 4);
	cr_assert_eq(load(im, im.len, MEM_SIZE, &out, err), 0, "%s", err);
	cr_assert_eq(out.entry, ENTRY + 4);
	free(im.p);
}

Test(hv_elf, every_truncation_is_refused)
{
	struct img im = build(true, true);
	struct hv_elf_image out;
	char err[256];
	size_t cut;

	for (cut = 0; cut < im.len; cut++) {
		cr_assert_eq(load(im, cut, MEM_SIZE, &out, err), -1,
			     "cut at %zu accepted", cut);
		cr_assert(strstr(err, cut < SELFMAG ? "not an ELF file" :
						      "truncated ELF"),
			  "cut at %zu: %s", cut, err);
	}
	free(im.p);
}

Test(hv_elf, truncation_points_name_the_part)
{
	struct img im = build(true, false);
	struct hv_elf_image out;
	char err[256];

	cr_assert_eq(load(im, 40, MEM_SIZE, &out, err), -1);
	cr_assert(strstr(err, "ELF header"), "%s", err);
	cr_assert_eq(load(im, sizeof(Elf64_Ehdr) + 30, MEM_SIZE, &out, err),
		     -1);
	cr_assert(strstr(err, "program headers"), "%s", err);
	cr_assert_eq(load(im, NOTE_OFF + 8, MEM_SIZE, &out, err), -1);
	cr_assert(strstr(err, "truncated ELF: segment 0"), "%s", err);
	cr_assert_eq(load(im, SEG_OFF + SEG_FILESZ / 2, MEM_SIZE, &out, err),
		     -1);
	cr_assert(strstr(err, "truncated ELF: segment 0"), "%s", err);
	free(im.p);
}

Test(hv_elf, non_elf_is_refused)
{
	struct img im = build(true, false);
	struct hv_elf_image out;
	char err[256];

	memcpy(im.p, "#!/bin/sh\necho hi\n", 18);
	cr_assert_eq(load(im, im.len, MEM_SIZE, &out, err), -1);
	cr_assert_str_eq(err, "not an ELF file");
	cr_assert_eq(hv_elf_load(NULL, 0, guest, MEM_SIZE, &out, err, 256), -1);
	free(im.p);
}

Test(hv_elf, elf32_is_refused)
{
	struct img im = build(true, false);
	struct hv_elf_image out;
	char err[256];

	im.p[EI_CLASS] = ELFCLASS32;
	cr_assert_eq(load(im, im.len, MEM_SIZE, &out, err), -1);
	cr_assert(strstr(err, "32-bit"), "%s", err);
	free(im.p);
}

Test(hv_elf, wrong_machine_or_type_is_refused)
{
	struct img im = build(true, false);
	struct hv_elf_image out;
	char err[256];

	ehdr(im)->e_machine = EM_AARCH64;
	cr_assert_eq(load(im, im.len, MEM_SIZE, &out, err), -1);
	cr_assert(strstr(err, "machine"), "%s", err);
	ehdr(im)->e_machine = EM_X86_64;
	ehdr(im)->e_type = ET_REL;
	cr_assert_eq(load(im, im.len, MEM_SIZE, &out, err), -1);
	cr_assert(strstr(err, "ET_EXEC"), "%s", err);
	free(im.p);
}

Test(hv_elf, missing_note_is_refused)
{
	struct img im = build(true, true);
	struct hv_elf_image out;
	char err[256];

	put_note(im.p + NOTE_OFF, XEN_ELFNOTE_ENTRY, 4, ENTRY);
	cr_assert_eq(load(im, im.len, MEM_SIZE, &out, err), -1);
	cr_assert_str_eq(
		err,
		"no PVH entry note (XEN_ELFNOTE_PHYS32_ENTRY): not a PVH kernel");
	free(im.p);
}

Test(hv_elf, segment_too_big_for_memory_is_refused)
{
	struct img im = build(true, false);
	struct hv_elf_image out;
	char err[256];

	phdr(im, 0)->p_memsz = 256ull << 20;
	cr_assert_eq(load(im, im.len, 256ull << 20, &out, err), -1);
	cr_assert_str_eq(
		err,
		"segment at 0x200000 size 0x10000000 does not fit in 256 MiB of guest memory");
	phdr(im, 0)->p_memsz = SEG_MEMSZ;
	phdr(im, 0)->p_paddr = ~0ull - 0x10; /* would wrap around */
	cr_assert_eq(load(im, im.len, 256ull << 20, &out, err), -1);
	cr_assert(strstr(err, "does not fit"), "%s", err);
	free(im.p);
}

Test(hv_elf, segment_in_low_mib_is_refused)
{
	struct img im = build(true, false);
	struct hv_elf_image out;
	char err[256];

	phdr(im, 0)->p_paddr = 0xf0000;
	cr_assert_eq(load(im, im.len, MEM_SIZE, &out, err), -1);
	cr_assert(strstr(err, "low 1 MiB"), "%s", err);
	free(im.p);
}

Test(hv_elf, bad_segment_and_entry_are_refused)
{
	struct img im = build(true, false);
	struct hv_elf_image out;
	char err[256];

	phdr(im, 0)->p_filesz = SEG_MEMSZ + 1;
	cr_assert_eq(load(im, im.len, MEM_SIZE, &out, err), -1);
	phdr(im, 0)->p_filesz = SEG_FILESZ;
	put_note(im.p + NOTE_OFF, XEN_ELFNOTE_PHYS32_ENTRY, 4, 0x300000);
	cr_assert_eq(load(im, im.len, MEM_SIZE, &out, err), -1);
	cr_assert(strstr(err, "not inside a loaded segment"), "%s", err);
	free(im.p);
}

Test(hv_elf, guest_memory_untouched_on_error)
{
	struct img im = build(true, false);
	struct hv_elf_image out;
	char err[256];

	put_note(im.p + NOTE_OFF, XEN_ELFNOTE_ENTRY, 4, ENTRY);
	cr_assert_eq(load(im, im.len, MEM_SIZE, &out, err), -1);
	cr_assert_eq(guest[LOAD_PADDR], 0xaa);
	free(im.p);
}

Test(hv_elf, corrupted_headers_never_crash)
{
	struct img im = build(true, true);
	struct hv_elf_image out;
	uint8_t *orig = malloc(im.len);
	char err[256];
	unsigned int i, seed = 12345;

	memcpy(orig, im.p, im.len);
	for (i = 0; i < 20000; i++) {
		memcpy(im.p, orig, im.len);
		seed = seed * 1103515245u + 12345u;
		/* Corrupt one header byte (ehdr, phdrs, note) or a section one. */
		im.p[(seed >> 8) % SEG_OFF] = (uint8_t)(seed >> 20);
		seed = seed * 1103515245u + 12345u;
		im.p[SEG_OFF + SEG_FILESZ +
		     (seed >> 8) % (2 * sizeof(Elf64_Shdr))] =
			(uint8_t)(seed >> 20);
		load(im, im.len, MEM_SIZE, &out, err); /* ASan checks reads */
	}
	free(orig);
	free(im.p);
}

/* Program header 1 becomes a second PT_LOAD of 0x100 bytes at paddr. */
static void second_load(struct img im, uint64_t paddr)
{
	*phdr(im, 1) = (Elf64_Phdr){ .p_type = PT_LOAD,
				     .p_offset = SEG_OFF,
				     .p_paddr = paddr,
				     .p_vaddr = paddr,
				     .p_filesz = 0x10,
				     .p_memsz = 0x100,
				     .p_align = 0x1000 };
}

Test(hv_elf, overlapping_segments_are_refused)
{
	struct img im = build(true, true); /* entry from the note section */
	struct hv_elf_image out;
	char err[256];

	second_load(im, LOAD_PADDR + SEG_MEMSZ - 0x80);
	cr_assert_eq(load(im, im.len, MEM_SIZE, &out, err), -1);
	cr_assert(strstr(err, "segments 0 and 1 overlap"), "%s", err);
	cr_assert_eq(guest[LOAD_PADDR], 0xaa, "guest memory written");
	second_load(im, LOAD_PADDR - 0x80); /* overlaps from below */
	cr_assert_eq(load(im, im.len, MEM_SIZE, &out, err), -1);
	cr_assert(strstr(err, "overlap"), "%s", err);
	second_load(im, LOAD_PADDR + SEG_MEMSZ); /* adjacent: fine */
	cr_assert_eq(load(im, im.len, MEM_SIZE, &out, err), 0, "%s", err);
	cr_assert_eq(out.nr_load, 2);
	free(im.p);
}

Test(hv_elf, entry_in_zero_filled_part_is_refused)
{
	struct img im = build(true, false);
	struct hv_elf_image out;
	char err[256];

	put_note(im.p + NOTE_OFF, XEN_ELFNOTE_PHYS32_ENTRY, 4,
		 LOAD_PADDR + SEG_FILESZ);
	cr_assert_eq(load(im, im.len, MEM_SIZE, &out, err), -1);
	cr_assert(strstr(err, "zero-filled"), "%s", err);
	put_note(im.p + NOTE_OFF, XEN_ELFNOTE_PHYS32_ENTRY, 4,
		 LOAD_PADDR + SEG_FILESZ - 1); /* last file byte: fine */
	cr_assert_eq(load(im, im.len, MEM_SIZE, &out, err), 0, "%s", err);
	free(im.p);
}

Test(hv_elf, pvh_note_with_bad_size_names_the_reason)
{
	struct img im = build(true, false);
	struct hv_elf_image out;
	char err[256];

	/* The descriptor would run past the 20-byte note segment. */
	put_note(im.p + NOTE_OFF, XEN_ELFNOTE_PHYS32_ENTRY, 4, ENTRY);
	memcpy(im.p + NOTE_OFF + 4, &(uint32_t){ 0x100 }, 4);
	cr_assert_eq(load(im, im.len, MEM_SIZE, &out, err), -1);
	cr_assert(strstr(err, "bad PVH entry note") &&
			  strstr(err, "descriptor size 256"),
		  "%s", err);
	/* A name size running past the end: a malformed note, said so. */
	memcpy(im.p + NOTE_OFF, &(uint32_t){ 0x1000 }, 4);
	cr_assert_eq(load(im, im.len, MEM_SIZE, &out, err), -1);
	cr_assert(strstr(err, "malformed note"), "%s", err);
	free(im.p);
}

Test(hv_elf, too_many_program_headers_are_refused)
{
	size_t n = 300, len = sizeof(Elf64_Ehdr) + n * sizeof(Elf64_Phdr);
	struct img im = build(true, false);
	struct hv_elf_image out;
	uint8_t *p = calloc(1, len);
	char err[256];

	memcpy(p, im.p, sizeof(Elf64_Ehdr));
	((Elf64_Ehdr *)p)->e_phnum = (uint16_t)n;
	cr_assert_eq(hv_elf_load(p, len, guest, MEM_SIZE, &out, err, 256), -1);
	cr_assert(strstr(err, "300 program headers"), "%s", err);
	free(p);
	free(im.p);
}
