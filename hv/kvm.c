/* SPDX-License-Identifier: MIT */
/*
 * KVM setup for hv: the VM (memory, irqchip, PIT, latency capabilities) and
 * its vCPUs (CPUID with per-vCPU APIC ids, PVH entry state on vCPU 0).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "hv/hv.h"

#define TSS_GPA 0xfffbd000ul /* 3 pages, VMX real-mode support */
#define IDENTITY_MAP_GPA 0xfeffc000ull /* 1 page, VMX unrestricted=0 */

static int fail(const char *what)
{
	fprintf(stderr, "hv: %s: %s\n", what, strerror(errno));
	return -1;
}

int hv_kvm_open(struct hv_vm *vm)
{
	int v;

	vm->kvm_fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	if (vm->kvm_fd < 0) {
		fprintf(stderr,
			"hv: cannot open /dev/kvm: %s (is KVM loaded, and may this user use it?)\n",
			strerror(errno));
		return -1;
	}
	v = ioctl(vm->kvm_fd, KVM_GET_API_VERSION, NULL);
	if (v != KVM_API_VERSION) {
		fprintf(stderr, "hv: /dev/kvm has API version %d, need %d\n", v,
			KVM_API_VERSION);
		return -1;
	}
	return 0;
}

static int enable_cap(int fd, uint32_t cap, uint64_t arg0, const char *what)
{
	struct kvm_enable_cap ec = { .cap = cap, .args = { arg0 } };

	return ioctl(fd, KVM_ENABLE_CAP, &ec) ? fail(what) : 0;
}

/* Halt polling and exit disabling; both must precede vCPU creation. */
static int setup_latency_caps(struct hv_vm *vm)
{
	const struct hv_config *cfg = vm->cfg;
	char want[64], have[64];
	int offered;

	if (cfg->halt_poll_ns >= 0) {
		if (ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_HALT_POLL) <=
		    0) {
			fprintf(stderr,
				"hv: --halt-poll-ns: KVM_CAP_HALT_POLL is not offered by this KVM\n");
			return -1;
		}
		if (enable_cap(vm->vm_fd, KVM_CAP_HALT_POLL,
			       (uint64_t)cfg->halt_poll_ns,
			       "KVM_CAP_HALT_POLL"))
			return -1;
	}
	if (!cfg->disable_exits)
		return 0;
	offered = ioctl(vm->kvm_fd, KVM_CHECK_EXTENSION,
			KVM_CAP_X86_DISABLE_EXITS);
	if (offered < 0)
		offered = 0;
	if (cfg->disable_exits & ~(uint32_t)offered) {
		hv_exits_str(cfg->disable_exits & ~(uint32_t)offered, want,
			     sizeof(want));
		hv_exits_str((uint32_t)offered, have, sizeof(have));
		fprintf(stderr,
			"hv: --disable-exits %s: not offered by this KVM (it offers: %s)\n",
			want, have);
		return -1;
	}
	return enable_cap(vm->vm_fd, KVM_CAP_X86_DISABLE_EXITS,
			  cfg->disable_exits, "KVM_CAP_X86_DISABLE_EXITS");
}

static int setup_memory(struct hv_vm *vm)
{
	struct kvm_userspace_memory_region r = {
		.slot = 0,
		.guest_phys_addr = 0,
		.memory_size = vm->mem_size,
		.userspace_addr = (uintptr_t)vm->mem,
	};

	if (ioctl(vm->vm_fd, KVM_SET_USER_MEMORY_REGION, &r))
		return fail("KVM_SET_USER_MEMORY_REGION");
	return 0;
}

int hv_vm_create(struct hv_vm *vm)
{
	struct kvm_pit_config pit = { .flags = 0 };
	uint64_t idmap = IDENTITY_MAP_GPA;
	int max;

	vm->vm_fd = ioctl(vm->kvm_fd, KVM_CREATE_VM, 0);
	if (vm->vm_fd < 0)
		return fail("KVM_CREATE_VM");
	max = ioctl(vm->vm_fd, KVM_CHECK_EXTENSION, KVM_CAP_MAX_VCPUS);
	if (max > 0 && vm->nr_vcpus > (unsigned int)max) {
		fprintf(stderr, "hv: --vcpus %u: this KVM allows at most %d\n",
			vm->nr_vcpus, max);
		return -1;
	}
	if (setup_latency_caps(vm))
		return -1;
	if (ioctl(vm->vm_fd, KVM_SET_TSS_ADDR, TSS_GPA))
		return fail("KVM_SET_TSS_ADDR");
	if (ioctl(vm->vm_fd, KVM_CHECK_EXTENSION,
		  KVM_CAP_SET_IDENTITY_MAP_ADDR) > 0 &&
	    ioctl(vm->vm_fd, KVM_SET_IDENTITY_MAP_ADDR, &idmap))
		return fail("KVM_SET_IDENTITY_MAP_ADDR");
	if (setup_memory(vm))
		return -1;
	if (ioctl(vm->vm_fd, KVM_CREATE_IRQCHIP, 0))
		return fail("KVM_CREATE_IRQCHIP");
	if (ioctl(vm->vm_fd, KVM_CREATE_PIT2, &pit))
		return fail("KVM_CREATE_PIT2");
	return 0;
}

static struct kvm_cpuid2 *supported_cpuid(int kvm_fd)
{
	struct kvm_cpuid2 *c;
	unsigned int n;

	for (n = 64; n <= 4096; n *= 2) {
		c = calloc(1, sizeof(*c) + n * sizeof(c->entries[0]));
		if (!c)
			return NULL;
		c->nent = n;
		if (ioctl(kvm_fd, KVM_GET_SUPPORTED_CPUID, c) == 0)
			return c;
		free(c);
		if (errno != E2BIG) {
			fail("KVM_GET_SUPPORTED_CPUID");
			return NULL;
		}
	}
	return NULL;
}

/* Per-vCPU CPUID: its APIC id in leaf 1 and the x2APIC topology leaves. */
static int set_cpuid(struct hv_vcpu *v, const struct kvm_cpuid2 *sup)
{
	size_t sz = sizeof(*sup) + sup->nent * sizeof(sup->entries[0]);
	struct kvm_cpuid2 *c = malloc(sz);
	struct kvm_cpuid_entry2 *e;
	unsigned int i;
	int r;

	if (!c)
		return fail("malloc");
	memcpy(c, sup, sz);
	for (i = 0; i < c->nent; i++) {
		e = &c->entries[i];
		if (e->function == 1) {
			e->ebx = (e->ebx & 0x00ffffffu) | (v->id << 24);
			e->ecx |= 1u << 31; /* running under a hypervisor */
		} else if (e->function == 0xb || e->function == 0x1f) {
			e->edx = v->id;
		}
	}
	r = ioctl(v->fd, KVM_SET_CPUID2, c);
	free(c);
	return r ? fail("KVM_SET_CPUID2") : 0;
}

static void flat_seg(struct kvm_segment *s, uint16_t sel, uint8_t type)
{
	*s = (struct kvm_segment){
		.base = 0,
		.limit = 0xffffffff,
		.selector = sel,
		.type = type,
		.present = 1,
		.dpl = 0,
		.db = 1,
		.s = 1,
		.l = 0,
		.g = 1,
	};
}

/* The Xen PVH entry state: 32-bit flat protected mode, paging off. */
static int set_pvh_state(struct hv_vcpu *v)
{
	struct kvm_sregs s;
	struct kvm_regs r = { 0 };

	if (ioctl(v->fd, KVM_GET_SREGS, &s))
		return fail("KVM_GET_SREGS");
	flat_seg(&s.cs, 0x10, 0xb); /* code, execute/read, accessed */
	flat_seg(&s.ds, 0x18, 0x3); /* data, read/write, accessed */
	s.es = s.fs = s.gs = s.ss = s.ds;
	s.tr = (struct kvm_segment){
		.base = 0,
		.limit = 0x67,
		.selector = 0x20,
		.type = 0xb,
		.present = 1, /* 32-bit TSS, busy */
	};
	s.cr0 = 0x11; /* PE | ET */
	s.cr3 = 0;
	s.cr4 = 0;
	s.efer = 0;
	if (ioctl(v->fd, KVM_SET_SREGS, &s))
		return fail("KVM_SET_SREGS");
	r.rflags = 0x2;
	r.rip = v->vm->entry;
	r.rbx = v->vm->start_info;
	if (ioctl(v->fd, KVM_SET_REGS, &r))
		return fail("KVM_SET_REGS");
	return 0;
}

static int vcpu_create(struct hv_vcpu *v, const struct kvm_cpuid2 *cpuid)
{
	v->fd = ioctl(v->vm->vm_fd, KVM_CREATE_VCPU, (unsigned long)v->id);
	if (v->fd < 0)
		return fail("KVM_CREATE_VCPU");
	v->run = mmap(NULL, v->run_size, PROT_READ | PROT_WRITE, MAP_SHARED,
		      v->fd, 0);
	if (v->run == MAP_FAILED) {
		v->run = NULL;
		return fail("mmap(kvm_run)");
	}
	if (set_cpuid(v, cpuid))
		return -1;
	/* Other vCPUs keep their reset state and wait for INIT/SIPI. */
	return v->id == 0 ? set_pvh_state(v) : 0;
}

int hv_vcpus_create(struct hv_vm *vm)
{
	struct kvm_cpuid2 *cpuid;
	unsigned int i;
	int sz, r = 0;

	sz = ioctl(vm->kvm_fd, KVM_GET_VCPU_MMAP_SIZE, NULL);
	if (sz < (int)sizeof(struct kvm_run))
		return fail("KVM_GET_VCPU_MMAP_SIZE");
	cpuid = supported_cpuid(vm->kvm_fd);
	if (!cpuid)
		return -1;
	for (i = 0; i < vm->nr_vcpus && !r; i++) {
		vm->vcpus[i].vm = vm;
		vm->vcpus[i].id = i;
		vm->vcpus[i].run_size = (size_t)sz;
		r = vcpu_create(&vm->vcpus[i], cpuid);
	}
	free(cpuid);
	return r;
}

void hv_vcpu_dump(struct hv_vcpu *v, FILE *f)
{
	struct kvm_regs r;
	struct kvm_sregs s;

	if (ioctl(v->fd, KVM_GET_REGS, &r) || ioctl(v->fd, KVM_GET_SREGS, &s)) {
		fprintf(f, "hv:   (cannot read vCPU %u registers: %s)\n", v->id,
			strerror(errno));
		return;
	}
	fprintf(f, "hv:   RIP=%016llx RSP=%016llx RFLAGS=%08llx CS=%04x\n",
		r.rip, r.rsp, r.rflags, s.cs.selector);
	fprintf(f,
		"hv:   CR0=%08llx CR2=%016llx CR3=%016llx CR4=%08llx EFER=%08llx\n",
		s.cr0, s.cr2, s.cr3, s.cr4, s.efer);
	fprintf(f, "hv:   RAX=%016llx RBX=%016llx RCX=%016llx RDX=%016llx\n",
		r.rax, r.rbx, r.rcx, r.rdx);
}

/* One line on where a stopped vCPU is, for hangs. */
void hv_vcpu_where(struct hv_vcpu *v, FILE *f)
{
	struct kvm_mp_state mp = { 0 };
	struct kvm_regs r;
	struct kvm_sregs s;

	if (ioctl(v->fd, KVM_GET_REGS, &r) || ioctl(v->fd, KVM_GET_SREGS, &s))
		return;
	ioctl(v->fd, KVM_GET_MP_STATE, &mp);
	fprintf(f,
		"hv: vCPU %u: RIP=%llx RSP=%llx RFLAGS=%llx CR0=%llx CR3=%llx mp_state=%u%s\n",
		v->id, r.rip, r.rsp, r.rflags, s.cr0, s.cr3, mp.mp_state,
		mp.mp_state == KVM_MP_STATE_HALTED ? " (halted)" :
		mp.mp_state == KVM_MP_STATE_INIT_RECEIVED ?
						     " (waiting for SIPI)" :
		mp.mp_state == KVM_MP_STATE_UNINITIALIZED ? " (never started)" :
							    "");
}

void hv_vm_destroy(struct hv_vm *vm)
{
	unsigned int i;

	for (i = 0; vm->vcpus && i < vm->nr_vcpus; i++) {
		struct hv_vcpu *v = &vm->vcpus[i];

		if (v->started)
			return; /* its thread may still use all of it */
		if (vm->stats)
			hv_stats_close(&vm->stats[i]);
		if (v->run)
			munmap(v->run, v->run_size);
		if (v->fd >= 0)
			close(v->fd);
	}
	free(vm->stats);
	free(vm->vcpus);
	vm->stats = NULL;
	vm->vcpus = NULL;
	if (vm->vm_fd >= 0)
		close(vm->vm_fd);
	if (vm->kvm_fd >= 0)
		close(vm->kvm_fd);
	vm->vm_fd = vm->kvm_fd = -1;
	if (vm->mem)
		munmap(vm->mem, vm->mem_size);
	vm->mem = NULL;
}
