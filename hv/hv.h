/* SPDX-License-Identifier: MIT */
/*
 * hv, the vsched launcher on /dev/kvm: its configuration, the VM and vCPU
 * state shared by the option parser, KVM setup, the run loop and device code.
 */
#ifndef HV_HV_H
#define HV_HV_H

#include <linux/kvm.h>
#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "hv/stats.h"

/* The guest's MAX_CPUS (include/types.h; test_hv_opts checks): it takes the
 * first 64 MADT entries and never starts the rest, so more would be idle. */
#define HV_MAX_VCPUS 64

/* Process exit codes besides the guest's own. */
#define HV_EXIT_USAGE 2 /* bad command line, image or host setup */
#define HV_EXIT_CRASH 3 /* triple fault, KVM failure */
#define HV_EXIT_TIMEOUT 124

struct hv_config {
	unsigned int vcpus;
	uint64_t mem_size; /* bytes */
	double timeout_s; /* 0: none */
	const char *cmdline;
	int64_t halt_poll_ns; /* -1: KVM's default */
	uint32_t disable_exits; /* KVM_X86_DISABLE_EXITS_* */
	bool pin;
	const char *stats_json; /* NULL: no file */
	const char *image;
};

struct hv_vm;

struct hv_vcpu {
	struct hv_vm *vm;
	unsigned int id;
	int fd;
	struct kvm_run *run; /* mmap'ed, run_size bytes */
	size_t run_size;
	pthread_t thread;
	bool started; /* thread running or not joined: keep fd and run */
};

struct hv_vm {
	const struct hv_config *cfg;
	int kvm_fd;
	int vm_fd;
	uint8_t *mem; /* guest physical 0 */
	uint64_t mem_size;
	uint64_t entry; /* PVH entry of vCPU 0 */
	uint64_t start_info; /* its %ebx */
	unsigned int nr_vcpus;
	struct hv_vcpu *vcpus;
	struct hv_stats_src *stats; /* one per vCPU */
	FILE *stats_json; /* --stats-json, open from before the run */

	pthread_mutex_t lock; /* protects done, exit_code */
	pthread_cond_t cond; /* signalled when done is set */
	bool done; /* read unlocked by vCPU threads */
	int exit_code;
};

/* opts.c */
int hv_parse_args(int argc, char **argv, struct hv_config *cfg, char *err,
		  size_t errlen);
int hv_parse_size(const char *s, uint64_t *out);
int hv_parse_exits(const char *s, uint32_t *out);
void hv_exits_str(uint32_t mask, char *buf, size_t len);
void hv_usage(FILE *f);

/* kvm.c: setup; each returns 0 or -1 after printing why. */
int hv_kvm_open(struct hv_vm *vm);
int hv_vm_create(struct hv_vm *vm);
int hv_vcpus_create(struct hv_vm *vm);
void hv_vcpu_dump(struct hv_vcpu *v, FILE *f);
void hv_vcpu_where(struct hv_vcpu *v, FILE *f);
/* Close and free what setup made (any part of it); vCPUs whose thread
 * could not be joined are left alone. */
void hv_vm_destroy(struct hv_vm *vm);

/* run.c */
int hv_run(struct hv_vm *vm);
void hv_vm_finish(struct hv_vm *vm, int code);

/* io.c: device models; they return false if the vCPU must stop. */
bool hv_handle_io(struct hv_vcpu *v);
bool hv_handle_mmio(struct hv_vcpu *v);
void hv_console_flush(void);
/* The VM is stopping: from now on console output never blocks hv. */
void hv_console_stop(void);

#endif
