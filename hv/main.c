/* SPDX-License-Identifier: MIT */
/*
 * hv entry point: parse the command line, load the PVH image and its boot
 * information into guest memory, set up KVM, run, and report exit statistics.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "hv/boot.h"
#include "hv/elf.h"
#include "hv/hv.h"

#define IMAGE_MAX (1ull << 30)

/* Read a whole file into a malloc'd buffer. 0, or -1 after a message. */
static int read_file(const char *path, uint8_t **buf, size_t *len)
{
	struct stat st;
	size_t done = 0;
	ssize_t r;
	/* O_NONBLOCK: opening a FIFO must not wait for a writer. */
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);

	if (fd < 0 || fstat(fd, &st)) {
		fprintf(stderr, "hv: %s: %s\n", path, strerror(errno));
		if (fd >= 0)
			close(fd);
		return -1;
	}
	if (!S_ISREG(st.st_mode) || (uint64_t)st.st_size > IMAGE_MAX) {
		fprintf(stderr, "hv: %s: %s\n", path,
			S_ISREG(st.st_mode) ? "larger than 1 GiB" :
					      "not a regular file");
		close(fd);
		return -1;
	}
	*len = (size_t)st.st_size;
	*buf = malloc(*len ? *len : 1);
	while (*buf && done < *len) {
		r = read(fd, *buf + done, *len - done);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		done += (size_t)r;
	}
	close(fd);
	if (!*buf || done != *len) {
		fprintf(stderr, "hv: %s: cannot read the image\n", path);
		return -1;
	}
	return 0;
}

static void fmt_mem(uint64_t bytes, char *buf, size_t len)
{
	if (bytes % (1ull << 30) == 0)
		snprintf(buf, len, "%lluG", (unsigned long long)(bytes >> 30));
	else if (bytes % (1ull << 20) == 0)
		snprintf(buf, len, "%lluM", (unsigned long long)(bytes >> 20));
	else
		snprintf(buf, len, "%lluK", (unsigned long long)(bytes >> 10));
}

static void print_config(const struct hv_vm *vm)
{
	const struct hv_config *cfg = vm->cfg;
	char mem[32], hp[32], ex[64];

	fmt_mem(cfg->mem_size, mem, sizeof(mem));
	if (cfg->halt_poll_ns < 0)
		snprintf(hp, sizeof(hp), "default");
	else
		snprintf(hp, sizeof(hp), "%lld", (long long)cfg->halt_poll_ns);
	hv_exits_str(cfg->disable_exits, ex, sizeof(ex));
	fprintf(stderr,
		"hv: vcpus=%u mem=%s halt_poll_ns=%s disable_exits=%s pin=%s timeout=%gs entry=0x%llx cmdline=\"%s\"\n",
		cfg->vcpus, mem, hp, ex, cfg->pin ? "yes" : "no",
		cfg->timeout_s, (unsigned long long)vm->entry, cfg->cmdline);
}

/* Guest memory with the kernel and boot information in it. */
static int load_guest(struct hv_vm *vm)
{
	const struct hv_config *cfg = vm->cfg;
	struct hv_elf_image elf;
	char err[256];
	uint8_t *img;
	size_t len;
	int r;

	vm->mem_size = cfg->mem_size;
	vm->mem = mmap(NULL, vm->mem_size, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	if (vm->mem == MAP_FAILED) {
		vm->mem = NULL;
		fprintf(stderr,
			"hv: cannot map %llu bytes of guest memory: %s\n",
			(unsigned long long)vm->mem_size, strerror(errno));
		return -1;
	}
	if (read_file(cfg->image, &img, &len))
		return -1;
	r = hv_elf_load(img, len, vm->mem, vm->mem_size, &elf, err,
			sizeof(err));
	free(img);
	if (r) {
		fprintf(stderr, "hv: %s: %s\n", cfg->image, err);
		return -1;
	}
	vm->entry = elf.entry;
	vm->start_info = hv_boot_setup(vm->mem, vm->mem_size, cfg->cmdline,
				       vm->nr_vcpus, err, sizeof(err));
	if (!vm->start_info) {
		fprintf(stderr, "hv: %s\n", err);
		return -1;
	}
	return 0;
}

static int open_stats(struct hv_vm *vm)
{
	char err[160];
	unsigned int i;

	vm->stats = calloc(vm->nr_vcpus, sizeof(*vm->stats));
	if (!vm->stats)
		return -1;
	for (i = 0; i < vm->nr_vcpus; i++)
		if (hv_stats_open(vm->vcpus[i].fd, &vm->stats[i], err,
				  sizeof(err)) &&
		    i == 0)
			fprintf(stderr, "hv: no per-vCPU exit statistics: %s\n",
				err);
	return 0;
}

/* --stats-json is opened before the guest runs: a bad path fails at once. */
static int open_json_file(struct hv_vm *vm)
{
	const char *path = vm->cfg->stats_json;

	if (!path)
		return 0;
	vm->stats_json = fopen(path, "w");
	if (!vm->stats_json) {
		fprintf(stderr, "hv: cannot write --stats-json %s: %s\n", path,
			strerror(errno));
		return -1;
	}
	return 0;
}

static int write_json_file(struct hv_vm *vm, const char *json)
{
	FILE *f = vm->stats_json;
	int bad = fprintf(f, "%s\n", json) < 0;

	vm->stats_json = NULL;
	if (fclose(f) || bad) {
		fprintf(stderr, "hv: cannot write --stats-json %s: %s\n",
			vm->cfg->stats_json, strerror(errno));
		return -1;
	}
	return 0;
}

/* Print the statistics, write --stats-json. 0, or -1 if that failed. */
static int report_stats(struct hv_vm *vm)
{
	struct hv_stats_vals *per = calloc(vm->nr_vcpus, sizeof(*per));
	uint64_t dropped = hv_stats_marks_dropped();
	char *json = NULL;
	int r = vm->stats_json ? -1 : 0; /* only a lost file fails the run */

	if (dropped)
		fprintf(stderr,
			"hv: %llu marks dropped: only the first %u are kept\n",
			(unsigned long long)dropped, HV_STATS_MARKS_MAX);
	if (!per)
		goto out;
	if (hv_stats_snapshot(vm->stats, vm->nr_vcpus, per))
		fprintf(stderr, "hv: KVM exit statistics unavailable\n");
	else
		hv_stats_print_table(stderr, per, vm->nr_vcpus);
	json = hv_stats_json_vcpus(per, vm->nr_vcpus);
	if (json) {
		fprintf(stderr, "HV_STATS %s\n", json);
		if (vm->stats_json)
			r = write_json_file(vm, json);
	}
out:
	if (r && vm->stats_json)
		fprintf(stderr, "hv: --stats-json %s: out of memory\n",
			vm->cfg->stats_json);
	free(json);
	free(per);
	return r;
}

/* Everything after the command line. Returns hv's exit code. */
static int setup_and_run(struct hv_vm *vm)
{
	unsigned int i;
	int code;

	vm->vcpus = calloc(vm->nr_vcpus, sizeof(*vm->vcpus));
	if (!vm->vcpus)
		return HV_EXIT_USAGE;
	for (i = 0; i < vm->nr_vcpus; i++)
		vm->vcpus[i].fd = -1;
	if (load_guest(vm) || open_json_file(vm))
		return HV_EXIT_USAGE;
	print_config(vm);
	if (hv_kvm_open(vm) || hv_vm_create(vm) || hv_vcpus_create(vm) ||
	    open_stats(vm))
		return HV_EXIT_USAGE;
	code = hv_run(vm);
	/* A guest that passed still fails the run if its statistics are lost. */
	if (report_stats(vm) && code == 0)
		code = HV_EXIT_USAGE;
	return code;
}

int main(int argc, char **argv)
{
	struct hv_config cfg;
	struct hv_vm vm = { .cfg = &cfg, .kvm_fd = -1, .vm_fd = -1 };
	char err[256];
	int r, code;

	r = hv_parse_args(argc, argv, &cfg, err, sizeof(err));
	if (r) {
		if (r < 0)
			fprintf(stderr, "hv: %s\n", err);
		hv_usage(r < 0 ? stderr : stdout);
		return r < 0 ? HV_EXIT_USAGE : 0;
	}
	/* A closed stdout must not kill hv before it reports the guest's code. */
	signal(SIGPIPE, SIG_IGN);
	vm.nr_vcpus = cfg.vcpus;
	code = setup_and_run(&vm);
	if (vm.stats_json)
		fclose(vm.stats_json); /* setup failed after opening it */
	hv_vm_destroy(&vm);
	fflush(stdout);
	return code;
}
