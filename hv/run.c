/* SPDX-License-Identifier: MIT */
/*
 * hv's run loop: one host thread per vCPU in KVM_RUN, exit dispatch, the
 * timeout, and stopping every vCPU once the guest is done.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "hv/hv.h"

#define SIG_KICK SIGUSR1 /* pulls a vCPU thread out of KVM_RUN */

void hv_vm_finish(struct hv_vm *vm, int code)
{
	pthread_mutex_lock(&vm->lock);
	if (!vm->done) { /* the first reason to stop wins */
		vm->exit_code = code;
		__atomic_store_n(&vm->done, true, __ATOMIC_RELEASE);
		pthread_cond_broadcast(&vm->cond);
	}
	pthread_mutex_unlock(&vm->lock);
}

static bool vm_done(struct hv_vm *vm)
{
	return __atomic_load_n(&vm->done, __ATOMIC_ACQUIRE);
}

/* Report why this vCPU cannot go on, with its registers; stop the VM. */
__attribute__((format(printf, 2, 3))) static bool crash(struct hv_vcpu *v,
							const char *fmt, ...)
{
	va_list ap;

	hv_console_flush();
	flockfile(stderr);
	fputs("hv: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	hv_vcpu_dump(v, stderr);
	funlockfile(stderr);
	hv_vm_finish(v->vm, HV_EXIT_CRASH);
	return false;
}

static const char *internal_what(uint32_t suberror)
{
	switch (suberror) {
	case KVM_INTERNAL_ERROR_EMULATION:
		return "instruction emulation failed";
	case KVM_INTERNAL_ERROR_SIMUL_EX:
		return "exception while delivering an exception";
	case KVM_INTERNAL_ERROR_DELIVERY_EV:
		return "event delivery failed";
	}
	return "unknown";
}

static bool internal_error(struct hv_vcpu *v)
{
	struct kvm_run *run = v->run;
	char data[16 * 17 + 1] = "";
	unsigned int i;
	size_t n = 0;

	for (i = 0; i < run->internal.ndata && i < 16; i++)
		n += snprintf(data + n, sizeof(data) - n, " %llx",
			      (unsigned long long)run->internal.data[i]);
	return crash(v,
		     "vCPU %u: KVM internal error: %s (suberror %u), data:%s",
		     v->id, internal_what(run->internal.suberror),
		     run->internal.suberror, data);
}

/* Handle one exit. Returns false when this vCPU must stop running. */
static bool handle_exit(struct hv_vcpu *v)
{
	struct kvm_run *run = v->run;

	switch (run->exit_reason) {
	case KVM_EXIT_IO:
		return hv_handle_io(v);
	case KVM_EXIT_MMIO:
		return hv_handle_mmio(v);
	case KVM_EXIT_INTR:
		return true;
	case KVM_EXIT_SHUTDOWN:
		return crash(v, "guest triple fault on vCPU %u", v->id);
	case KVM_EXIT_HLT:
		return crash(v, "vCPU %u: unexpected KVM_EXIT_HLT", v->id);
	case KVM_EXIT_FAIL_ENTRY:
		return crash(
			v, "vCPU %u: KVM entry failed, hardware reason 0x%llx",
			v->id,
			(unsigned long long)
				run->fail_entry.hardware_entry_failure_reason);
	case KVM_EXIT_INTERNAL_ERROR:
		return internal_error(v);
	case KVM_EXIT_SYSTEM_EVENT:
		return crash(
			v,
			"vCPU %u: guest system event %u (reset or power-off)",
			v->id, run->system_event.type);
	}
	return crash(v, "vCPU %u: unhandled KVM exit reason %u", v->id,
		     run->exit_reason);
}

static void *vcpu_thread(void *arg)
{
	struct hv_vcpu *v = arg;

	while (!vm_done(v->vm)) {
		if (ioctl(v->fd, KVM_RUN, 0) < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			crash(v, "vCPU %u: KVM_RUN: %s", v->id,
			      strerror(errno));
			break;
		}
		if (!handle_exit(v))
			break;
	}
	return NULL;
}

static void kick_handler(int sig)
{
	(void)sig; /* only interrupts KVM_RUN */
}

static int vcpu_cpu(unsigned int i, const cpu_set_t *allowed)
{
	int n = CPU_COUNT(allowed), want = (int)(i % (unsigned int)n), c;

	for (c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, allowed) && want-- == 0)
			return c;
	return 0;
}

static int start_vcpu(struct hv_vcpu *v, const cpu_set_t *allowed)
{
	pthread_attr_t attr;
	cpu_set_t one;
	int r;

	pthread_attr_init(&attr);
	if (allowed) {
		CPU_ZERO(&one);
		CPU_SET(vcpu_cpu(v->id, allowed), &one);
		pthread_attr_setaffinity_np(&attr, sizeof(one), &one);
	}
	r = pthread_create(&v->thread, &attr, vcpu_thread, v);
	pthread_attr_destroy(&attr);
	if (r) {
		fprintf(stderr, "hv: cannot start vCPU %u thread: %s\n", v->id,
			strerror(r));
		return -1;
	}
	v->started = true;
	return 0;
}

static void add_seconds(struct timespec *ts, double s)
{
	long long ns = (long long)(s * 1e9);

	ts->tv_sec += ns / 1000000000;
	ts->tv_nsec += ns % 1000000000;
	if (ts->tv_nsec >= 1000000000) {
		ts->tv_sec++;
		ts->tv_nsec -= 1000000000;
	}
}

/* Wait until a vCPU finishes the VM or the timeout hits (returns true). */
static bool wait_done(struct hv_vm *vm)
{
	struct timespec dl;
	bool timed_out;
	int r = 0;

	clock_gettime(CLOCK_MONOTONIC, &dl);
	add_seconds(&dl, vm->cfg->timeout_s);
	pthread_mutex_lock(&vm->lock);
	while (!vm->done && r != ETIMEDOUT)
		r = vm->cfg->timeout_s > 0 ?
			    pthread_cond_timedwait(&vm->cond, &vm->lock, &dl) :
			    pthread_cond_wait(&vm->cond, &vm->lock);
	timed_out = !vm->done;
	pthread_mutex_unlock(&vm->lock);
	/* No console flush here: a vCPU blocked on stdout holds its lock. */
	if (timed_out)
		hv_vm_finish(vm, HV_EXIT_TIMEOUT);
	return timed_out;
}

/* Kick every vCPU out of KVM_RUN and join its thread (bounded wait). */
static void stop_vcpus(struct hv_vm *vm)
{
	struct timespec dl;
	unsigned int i;

	for (i = 0; i < vm->nr_vcpus; i++) {
		struct hv_vcpu *v = &vm->vcpus[i];

		if (!v->started)
			continue;
		/* Covers a kick that lands before the thread enters KVM_RUN. */
		__atomic_store_n(&v->run->immediate_exit, 1, __ATOMIC_SEQ_CST);
		pthread_kill(v->thread, SIG_KICK);
	}
	clock_gettime(CLOCK_REALTIME, &dl);
	dl.tv_sec += 2;
	for (i = 0; i < vm->nr_vcpus; i++) {
		struct hv_vcpu *v = &vm->vcpus[i];

		if (!v->started)
			continue;
		if (pthread_timedjoin_np(v->thread, NULL, &dl))
			fprintf(stderr, "hv: vCPU %u did not stop\n", i);
		else
			v->started = false;
	}
}

static int init_sync(struct hv_vm *vm)
{
	pthread_condattr_t ca;
	struct sigaction sa = { .sa_handler = kick_handler };

	sigemptyset(&sa.sa_mask);
	if (sigaction(SIG_KICK, &sa, NULL))
		return -1;
	pthread_mutex_init(&vm->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&vm->cond, &ca);
	pthread_condattr_destroy(&ca);
	return 0;
}

int hv_run(struct hv_vm *vm)
{
	cpu_set_t allowed;
	unsigned int i;
	bool timed_out;

	if (init_sync(vm))
		return HV_EXIT_USAGE;
	if (vm->cfg->pin && sched_getaffinity(0, sizeof(allowed), &allowed))
		CPU_ZERO(&allowed);
	if (vm->cfg->pin && CPU_COUNT(&allowed) == 0)
		CPU_SET(0, &allowed);
	for (i = 0; i < vm->nr_vcpus; i++)
		if (start_vcpu(&vm->vcpus[i], vm->cfg->pin ? &allowed : NULL)) {
			hv_vm_finish(vm, HV_EXIT_CRASH);
			break;
		}
	timed_out = wait_done(vm);
	hv_console_stop();
	stop_vcpus(vm);
	hv_console_flush();
	if (timed_out)
		fprintf(stderr, "hv: timeout after %g s\n", vm->cfg->timeout_s);
	for (i = 0; timed_out && i < vm->nr_vcpus; i++)
		hv_vcpu_where(&vm->vcpus[i], stderr);
	return vm->exit_code;
}
