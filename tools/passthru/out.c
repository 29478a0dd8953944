// SPDX-License-Identifier: GPL-2.0
/*
 * Output of the passthru command.  What it prints comes partly from
 * files and sysfs that others control (a .vmx file can carry any byte),
 * so text for a terminal goes through safe(), and JSON through a writer
 * whose strings are valid JSON for any byte.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "passthru.h"

int log_kmsg;

/*
 * @s with every byte that is not printable ASCII written as \xNN (a
 * backslash as \\), so that no escape sequence reaches the terminal;
 * in @buf of @len bytes, cut if need be.
 */
const char *safe(const char *s, char *buf, size_t len)
{
	size_t o = 0;

	for (; *s && o + 5 <= len; s++) {
		unsigned char c = *s;

		if (c == '\\')
			o += snprintf(buf + o, len - o, "\\\\");
		else if (c < 0x20 || c > 0x7e)
			o += snprintf(buf + o, len - o, "\\x%02x", c);
		else
			buf[o++] = c;
	}
	buf[o] = '\0';
	return buf;
}

/* A line for the kernel log (udev-add: where udev's helpers are heard). */
static void to_kernel_log(const char *level, const char *msg)
{
	char path[PATH_MAX], line[1100];
	int fd, n;

	if (kpath(path, sizeof(path), "/dev/kmsg"))
		return;
	/* Appending: a fake tree's kmsg keeps every line. */
	fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0)
		return;
	n = snprintf(line, sizeof(line), "%spassthru: %s\n", level, msg);
	if (n >= (int)sizeof(line))
		n = sizeof(line) - 1;
	/* Best effort: the message went to stderr already. */
	if (n > 0 && write(fd, line, n) != n)
		n = 0;
	close(fd);
}

/* @fmt and @ap formatted into @out, made safe for a terminal. */
static void vformat_safe(char *out, size_t len, const char *fmt, va_list ap)
{
	char msg[1024];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	safe(msg, out, len);
}

/*
 * "passthru: MESSAGE" on stderr, made safe for a terminal (it names
 * things sysfs, /proc and records hold), and in the kernel log too when
 * udev runs the command (@log_kmsg).
 */
void error(const char *fmt, ...)
{
	char out[4096];
	va_list ap;

	va_start(ap, fmt);
	vformat_safe(out, sizeof(out), fmt, ap);
	va_end(ap);
	fprintf(stderr, "passthru: %s\n", out);
	if (log_kmsg)
		to_kernel_log("<4>", out);
}

/* error() of @what (a function, a file): "passthru: WHAT: MESSAGE". */
void error_at(const char *what, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	error("%s: %s", what, msg);
}

/* What the command did, on stdout (unless JSON), and the kernel log. */
void note(const char *fmt, ...)
{
	char out[4096];
	va_list ap;

	va_start(ap, fmt);
	vformat_safe(out, sizeof(out), fmt, ap);
	va_end(ap);
	if (!json)
		printf("%s\n", out);
	if (log_kmsg)
		to_kernel_log("<6>", out);
}

/*
 * The JSON writer: j_begin() and j_end() open and close an object or an
 * array, j_key() names the next member of an object, the others write a
 * value.  Separators are the writer's: ", " between elements, ": " after
 * a key.
 */
#define J_DEPTH 16
static int j_depth, j_first[J_DEPTH], j_after_key;

static void j_sep(void)
{
	if (j_after_key) {
		j_after_key = 0;
		return;
	}
	if (j_depth && j_depth <= J_DEPTH && !j_first[j_depth - 1])
		fputs(", ", stdout);
	if (j_depth && j_depth <= J_DEPTH)
		j_first[j_depth - 1] = 0;
}

/* Length of the UTF-8 sequence at @s, 0 if it is not a valid one. */
static int utf8_len(const unsigned char *s)
{
	int n, i;
	unsigned int cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0)
		n = 2, cp = s[0] & 0x1f;
	else if ((s[0] & 0xf0) == 0xe0)
		n = 3, cp = s[0] & 0x0f;
	else if ((s[0] & 0xf8) == 0xf0)
		n = 4, cp = s[0] & 0x07;
	else
		return 0;
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates and past U+10FFFF are not UTF-8. */
	if ((n == 2 && cp < 0x80) || (n == 3 && cp < 0x800) ||
	    (n == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return n;
}

/*
 * @s as a JSON string: quotes, backslashes and control characters
 * escaped; a byte that is not part of valid UTF-8 becomes the code point
 * of its value (\u00NN), so the output is valid JSON whatever @s holds.
 */
static void j_string(const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	putchar('"');
	while (*p) {
		int n = utf8_len(p);

		if (*p == '"' || *p == '\\')
			printf("\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f || !n)
			printf("\\u%04x", *p);
		else
			fwrite(p, 1, n, stdout);
		p += n ? n : 1;
	}
	putchar('"');
}

void j_begin(char bracket)
{
	j_sep();
	putchar(bracket);
	if (j_depth < J_DEPTH)
		j_first[j_depth] = 1;
	j_depth++;
}

void j_end(char bracket)
{
	putchar(bracket);
	j_depth--;
	if (!j_depth)
		putchar('\n');
}

void j_key(const char *key)
{
	j_sep();
	j_string(key);
	fputs(": ", stdout);
	j_after_key = 1;
}

void j_str(const char *s)
{
	j_sep();
	j_string(s);
}

void j_num(unsigned long long v)
{
	j_sep();
	printf("%llu", v);
}

void j_bool(int v)
{
	j_sep();
	fputs(v ? "true" : "false", stdout);
}

void j_null(void)
{
	j_sep();
	fputs("null", stdout);
}
