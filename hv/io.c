/* SPDX-License-Identifier: MIT */
/*
 * hv's devices: the COM1 console (output only), the exit port 0xf4, the
 * stats mark port 0xf8, and the "nothing here" answers for other I/O/MMIO.
 */
#include <errno.h>
#include <inttypes.h>
#include <poll.h>
#include <string.h>
#include <unistd.h>

#include "hv/hv.h"

#define COM1 0x3f8
#define COM1_END 0x400
#define UART_LCR 3 /* line control; bit 7 DLAB */
#define UART_LSR 5 /* line status */
#define UART_MSR 6 /* modem status */
#define UART_SCR 7 /* scratch */
#define UART_IIR 2 /* interrupt identification */
#define LSR_IDLE 0x60 /* THR empty, transmitter empty */
#define MSR_IDLE 0xb0 /* DCD, DSR, CTS */
#define IIR_NONE 0x01 /* no interrupt pending */
#define LCR_DLAB 0x80

#define PORT_EXIT 0xf4 /* guest exit code */
#define PORT_MARK 0xf8 /* stats mark label */
#define PORT_DELAY 0x80 /* POST codes, I/O delay: silently ignored */
#define WARN_MAX 10

static pthread_mutex_t con_lock = PTHREAD_MUTEX_INITIALIZER;
static char con_buf[4096]; /* pending partial line, under con_lock */
static size_t con_len;
static uint8_t uart_lcr, uart_scr; /* under con_lock */
static bool con_stopping; /* atomic: never block on stdout any more */

/*
 * While the guest runs a slow stdout slows the guest down; once it is
 * stopping, a stdout nobody reads (a stalled pipe) must not keep hv past
 * --timeout: wait at most 100 ms for room, write a pipe's worth at a time
 * (the kick's EINTR gets a blocked writer here), drop the rest.
 */
static void con_flush_locked(void)
{
	struct pollfd p = { .fd = STDOUT_FILENO, .events = POLLOUT };
	size_t done = 0, n;
	ssize_t r;

	while (done < con_len) {
		n = con_len - done;
		if (__atomic_load_n(&con_stopping, __ATOMIC_ACQUIRE)) {
			if (poll(&p, 1, 100) != 1 || !(p.revents & POLLOUT))
				break;
			n = n > 4096 ? 4096 : n;
		}
		r = write(STDOUT_FILENO, con_buf + done, n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break; /* stdout gone: drop the output, keep running */
		done += (size_t)r;
	}
	if (done < con_len && con_stopping)
		fprintf(stderr,
			"hv: stdout is not being read: %zu bytes of guest output dropped\n",
			con_len - done);
	con_len = 0;
}

void hv_console_stop(void)
{
	__atomic_store_n(&con_stopping, true, __ATOMIC_RELEASE);
}

void hv_console_flush(void)
{
	pthread_mutex_lock(&con_lock);
	con_flush_locked();
	pthread_mutex_unlock(&con_lock);
}

static void uart_out(unsigned int reg, uint8_t val)
{
	pthread_mutex_lock(&con_lock);
	if (reg == 0 && !(uart_lcr & LCR_DLAB)) {
		con_buf[con_len++] = (char)val;
		if (val == '\n' || con_len == sizeof(con_buf))
			con_flush_locked();
	} else if (reg == UART_LCR) {
		uart_lcr = val;
	} else if (reg == UART_SCR) {
		uart_scr = val;
	}
	pthread_mutex_unlock(&con_lock);
}

static uint8_t uart_in(unsigned int reg)
{
	uint8_t v = 0;

	pthread_mutex_lock(&con_lock);
	switch (reg) {
	case UART_LSR:
		v = LSR_IDLE;
		break;
	case UART_MSR:
		v = MSR_IDLE;
		break;
	case UART_IIR:
		v = IIR_NONE;
		break;
	case UART_LCR:
		v = uart_lcr;
		break;
	case UART_SCR:
		v = uart_scr;
		break;
	}
	pthread_mutex_unlock(&con_lock);
	return v;
}

static void port_warn(struct hv_vcpu *v, uint16_t port, bool write,
		      unsigned int size, uint32_t val);

static uint32_t get_val(const uint8_t *p, unsigned int size)
{
	uint32_t v = 0;

	memcpy(&v, p, size > 4 ? 4 : size); /* little-endian host */
	return v;
}

/* One OUT of size bytes. Returns false if this vCPU must stop. */
static bool port_out(struct hv_vcpu *v, uint16_t port, const uint8_t *data,
		     unsigned int size)
{
	struct hv_vm *vm = v->vm;
	uint32_t val = get_val(data, size);

	if (port >= COM1 && port < COM1_END) {
		uart_out(port - COM1, (uint8_t)val);
	} else if (port == PORT_EXIT) {
		hv_console_flush();
		if (val > 255) /* 256 truncated to 8 bits would be success */
			fprintf(stderr,
				"hv: vCPU %u wrote exit code %" PRIu32
				" (0x%" PRIx32
				") to port 0x%x: out of range 0..255, exiting 255\n",
				v->id, val, val, PORT_EXIT);
		hv_vm_finish(vm, val > 255 ? 255 : (int)val);
		return false;
	} else if (port == PORT_MARK) {
		hv_console_flush();
		hv_stats_mark(vm->stats, vm->nr_vcpus, val, stderr);
	} else {
		port_warn(v, port, true, size, val);
	}
	return true; /* unknown ports: ignored */
}

static void port_in(struct hv_vcpu *v, uint16_t port, uint8_t *data,
		    unsigned int size)
{
	if (port >= COM1 && port < COM1_END) {
		memset(data, 0, size);
		data[0] = uart_in(port - COM1);
	} else {
		memset(data, 0xff, size); /* nothing there */
		port_warn(v, port, false, size, 0);
	}
}

bool hv_handle_io(struct hv_vcpu *v)
{
	struct kvm_run *run = v->run;
	uint8_t *data = (uint8_t *)run + run->io.data_offset;
	unsigned int size = run->io.size, i;

	if (size != 1 && size != 2 && size != 4)
		size = 1;
	for (i = 0; i < run->io.count; i++, data += run->io.size) {
		if (run->io.direction == KVM_EXIT_IO_IN)
			port_in(v, run->io.port, data, size);
		else if (!port_out(v, run->io.port, data, size))
			return false;
	}
	return true;
}

/* Accesses nobody serves: each distinct one reported once, the first 10. */
struct warn_once {
	pthread_mutex_t lock;
	uint64_t seen[WARN_MAX]; /* under lock */
	unsigned int nr;
};

static struct warn_once mmio_warned = { .lock = PTHREAD_MUTEX_INITIALIZER };
static struct warn_once port_warned = { .lock = PTHREAD_MUTEX_INITIALIZER };

/* Under w->lock. True if key is new and within the limit: report it. */
static bool warn_new(struct warn_once *w, uint64_t key, const char **tail)
{
	unsigned int i;

	for (i = 0; i < w->nr; i++)
		if (w->seen[i] == key)
			return false;
	if (w->nr == WARN_MAX)
		return false;
	w->seen[w->nr++] = key;
	*tail = w->nr == WARN_MAX ? "; further ones not reported" : "";
	return true;
}

static void mmio_warn(struct hv_vcpu *v, uint64_t addr, bool write,
		      unsigned int len)
{
	const char *tail;

	pthread_mutex_lock(&mmio_warned.lock);
	if (warn_new(&mmio_warned, addr, &tail))
		fprintf(stderr,
			"hv: vCPU %u: %u-byte MMIO %s at unmapped 0x%" PRIx64
			" (%s)%s\n",
			v->id, len, write ? "write" : "read", addr,
			write ? "ignored" : "reads all-ones", tail);
	pthread_mutex_unlock(&mmio_warned.lock);
}

static void port_warn(struct hv_vcpu *v, uint16_t port, bool write,
		      unsigned int size, uint32_t val)
{
	const char *tail;

	if (port == PORT_DELAY)
		return;
	pthread_mutex_lock(&port_warned.lock);
	if (warn_new(&port_warned, (uint64_t)write << 16 | port, &tail)) {
		if (write)
			fprintf(stderr,
				"hv: vCPU %u: %u-byte write to unknown port 0x%x (value 0x%x, ignored)%s\n",
				v->id, size, port, val, tail);
		else
			fprintf(stderr,
				"hv: vCPU %u: %u-byte read from unknown port 0x%x (reads all-ones)%s\n",
				v->id, size, port, tail);
	}
	pthread_mutex_unlock(&port_warned.lock);
}

bool hv_handle_mmio(struct hv_vcpu *v)
{
	struct kvm_run *run = v->run;
	unsigned int len = run->mmio.len;

	if (len > sizeof(run->mmio.data))
		len = sizeof(run->mmio.data);
	if (!run->mmio.is_write)
		memset(run->mmio.data, 0xff, len);
	mmio_warn(v, run->mmio.phys_addr, run->mmio.is_write, len);
	return true;
}
