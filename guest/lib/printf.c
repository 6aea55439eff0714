/* SPDX-License-Identifier: MIT */
/*
 * kvsnprintf()/ksnprintf(): the kernel's buffer formatter (C99 snprintf
 * semantics for the conversions listed in printf.h). No locks, no state.
 */
#include "guest/lib/printf.h"

/* Output cursor: characters past size - 1 are counted but not stored. */
struct out {
	char *buf;
	size_t size;
	size_t len; /* characters produced so far, stored or not */
};

enum {
	F_LEFT = 1 << 0, /* '-': pad on the right */
	F_ZERO = 1 << 1, /* '0': pad numbers with zeros */
	F_PLUS = 1 << 2, /* '+': sign on non-negative numbers */
	F_SPACE = 1 << 3, /* ' ': space on non-negative numbers */
	F_ALT = 1 << 4, /* '#': 0x prefix / leading octal 0 */
	F_PTR = 1 << 5, /* %p: 0x prefix even for zero */
};

struct spec {
	unsigned flags; /* F_* */
	int width; /* minimum field width, 0 = none */
	int prec; /* precision, -1 = none */
	char len; /* length: 'H' hh, 'h', 'l', 'L' ll, 'z', 'j', 't', 0 */
	char conv; /* conversion character, 0 if the format ended */
};

static void put(struct out *o, char c)
{
	if (o->len + 1 < o->size)
		o->buf[o->len] = c;
	o->len++;
}

static void put_rep(struct out *o, char c, int n)
{
	while (n-- > 0)
		put(o, c);
}

static void put_mem(struct out *o, const char *s, size_t n)
{
	while (n--)
		put(o, *s++);
}

static const char *parse_num(const char *f, int *v)
{
	int n = 0;

	for (; *f >= '0' && *f <= '9'; f++) {
		n = n * 10 + (*f - '0');
		if (n > PRINTF_MAX_WIDTH)
			n = PRINTF_MAX_WIDTH;
	}
	*v = n;
	return f;
}

static const char *parse_flags(const char *f, unsigned *flags)
{
	for (;; f++) {
		switch (*f) {
		case '-':
			*flags |= F_LEFT;
			break;
		case '0':
			*flags |= F_ZERO;
			break;
		case '+':
			*flags |= F_PLUS;
			break;
		case ' ':
			*flags |= F_SPACE;
			break;
		case '#':
			*flags |= F_ALT;
			break;
		default:
			return f;
		}
	}
}

static const char *parse_len(const char *f, char *len)
{
	*len = 0;
	if (*f == 'h' || *f == 'l') {
		*len = *f++;
		if (*f == *len) {
			*len = *len == 'h' ? 'H' : 'L';
			f++;
		}
	} else if (*f == 'z' || *f == 'j' || *f == 't') {
		*len = *f++;
	}
	return f;
}

/* Parse what follows a '%'; returns the position after the conversion. */
static const char *parse_spec(const char *f, struct spec *sp, va_list *ap)
{
	sp->flags = 0;
	sp->width = 0;
	sp->prec = -1;
	f = parse_flags(f, &sp->flags);
	if (*f == '*') {
		int w = va_arg(*ap, int);

		if (w < 0) {
			sp->flags |= F_LEFT;
			w = w < -PRINTF_MAX_WIDTH ? PRINTF_MAX_WIDTH : -w;
		}
		sp->width = MIN(w, PRINTF_MAX_WIDTH);
		f++;
	} else {
		f = parse_num(f, &sp->width);
	}
	if (*f == '.') {
		f++;
		if (*f == '*') {
			int p = va_arg(*ap, int);

			sp->prec = p < 0 ? -1 : MIN(p, PRINTF_MAX_WIDTH);
			f++;
		} else {
			f = parse_num(f, &sp->prec);
		}
	}
	f = parse_len(f, &sp->len);
	sp->conv = *f;
	return *f ? f + 1 : f;
}

static uint64_t arg_unsigned(char len, va_list *ap)
{
	switch (len) {
	case 'H':
		return (unsigned char)va_arg(*ap, unsigned int);
	case 'h':
		return (unsigned short)va_arg(*ap, unsigned int);
	case 'l':
		return va_arg(*ap, unsigned long);
	case 'L':
		return va_arg(*ap, unsigned long long);
	case 'z':
		return va_arg(*ap, size_t);
	case 'j':
		return va_arg(*ap, uintmax_t);
	case 't':
		return (size_t)va_arg(*ap, ptrdiff_t);
	default:
		return va_arg(*ap, unsigned int);
	}
}

static int64_t arg_signed(char len, va_list *ap)
{
	switch (len) {
	case 'H':
		return (signed char)va_arg(*ap, int);
	case 'h':
		return (short)va_arg(*ap, int);
	case 'l':
		return va_arg(*ap, long);
	case 'L':
		return va_arg(*ap, long long);
	case 'z':
		return (ptrdiff_t)va_arg(*ap, size_t);
	case 'j':
		return va_arg(*ap, intmax_t);
	case 't':
		return va_arg(*ap, ptrdiff_t);
	default:
		return va_arg(*ap, int);
	}
}

/* Emit v (already made non-negative) with sign (0, '-', '+' or ' '). */
static void fmt_int(struct out *o, const struct spec *sp, uint64_t v, char sign)
{
	const char *dig = sp->conv == 'X' ? "0123456789ABCDEF" :
					    "0123456789abcdef";
	unsigned base = sp->conv == 'o' ? 8 : 10;
	char tmp[24], pfx[2];
	int n = 0, plen = 0, prec = sp->prec, zeros, pad;
	bool zero = v == 0;

	if (sp->conv == 'x' || sp->conv == 'X' || sp->conv == 'p')
		base = 16;
	if (!zero || prec != 0) {
		do {
			tmp[n++] = dig[v % base];
			v /= base;
		} while (v);
	}
	if (sign)
		pfx[plen++] = sign;
	if (base == 16 && ((sp->flags & F_ALT && !zero) || sp->flags & F_PTR)) {
		pfx[plen++] = '0';
		pfx[plen++] = sp->conv == 'X' ? 'X' : 'x';
	}
	if (base == 8 && sp->flags & F_ALT && (n == 0 || tmp[n - 1] != '0'))
		prec = MAX(prec, n + 1);
	zeros = prec > n ? prec - n : 0;
	if ((sp->flags & (F_ZERO | F_LEFT)) == F_ZERO && sp->prec < 0)
		zeros = MAX(zeros, sp->width - plen - n);
	pad = sp->width - plen - zeros - n;
	if (!(sp->flags & F_LEFT))
		put_rep(o, ' ', pad);
	put_mem(o, pfx, (size_t)plen);
	put_rep(o, '0', zeros);
	while (n)
		put(o, tmp[--n]);
	if (sp->flags & F_LEFT)
		put_rep(o, ' ', pad);
}

static void fmt_str(struct out *o, const struct spec *sp, const char *s)
{
	size_t n = 0;
	int pad;

	if (!s)
		s = "(null)";
	while ((sp->prec < 0 || n < (size_t)sp->prec) && s[n])
		n++;
	pad = sp->width > (int)n ? sp->width - (int)n : 0;
	if (!(sp->flags & F_LEFT))
		put_rep(o, ' ', pad);
	put_mem(o, s, n);
	if (sp->flags & F_LEFT)
		put_rep(o, ' ', pad);
}

static void fmt_char(struct out *o, const struct spec *sp, char c)
{
	if (!(sp->flags & F_LEFT))
		put_rep(o, ' ', sp->width - 1);
	put(o, c);
	if (sp->flags & F_LEFT)
		put_rep(o, ' ', sp->width - 1);
}

static void fmt_signed(struct out *o, const struct spec *sp, va_list *ap)
{
	int64_t v = arg_signed(sp->len, ap);
	char sign = 0;

	if (v < 0)
		sign = '-';
	else if (sp->flags & F_PLUS)
		sign = '+';
	else if (sp->flags & F_SPACE)
		sign = ' ';
	/* Negate in unsigned arithmetic so INT64_MIN works. */
	fmt_int(o, sp, v < 0 ? -(uint64_t)v : (uint64_t)v, sign);
}

/* Format one conversion; false if it is not one we know. */
static bool fmt_one(struct out *o, struct spec *sp, va_list *ap)
{
	switch (sp->conv) {
	case 'd':
	case 'i':
		fmt_signed(o, sp, ap);
		return true;
	case 'u':
	case 'o':
	case 'x':
	case 'X':
		fmt_int(o, sp, arg_unsigned(sp->len, ap), 0);
		return true;
	case 'p':
		sp->flags = (sp->flags & F_LEFT) | F_PTR;
		sp->prec = 16;
		fmt_int(o, sp, (uintptr_t)va_arg(*ap, void *), 0);
		return true;
	case 's':
		fmt_str(o, sp, va_arg(*ap, const char *));
		return true;
	case 'c':
		fmt_char(o, sp, (char)va_arg(*ap, int));
		return true;
	case '%':
		put(o, '%');
		return true;
	default:
		return false;
	}
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { .buf = buf, .size = size, .len = 0 };
	struct spec sp;
	va_list args;

	va_copy(args, ap);
	while (*fmt) {
		const char *start = fmt;

		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		fmt = parse_spec(fmt + 1, &sp, &args);
		if (!fmt_one(&o, &sp, &args))
			put_mem(&o, start, (size_t)(fmt - start));
	}
	va_end(args);
	if (size)
		buf[MIN(o.len, size - 1)] = 0;
	return o.len > 0x7fffffff ? 0x7fffffff : (int)o.len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
