// SPDX-License-Identifier: GPL-2.0
/*
 * docs/agent-protocol.md against the server sides' declared ops: every op a side declares
 * has its row in the document, word for word as `offloadlab agent --ops` prints it, and every
 * row of the document names an op the agent has (its own, or a side's: the registry's
 * experiments' and try's). Run from the top of the tree (tests/run.sh does).
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "agent/agent.h"
#include "exp/side.h"
#include "try/try.h"

#define DOC "docs/agent-protocol.md"

/* The agent's own ops, not any side's. */
static const char *const own_ops[] = { "hello", "device", "run", "env", "bye", NULL };

static char *doc_text(void)
{
	FILE *f = fopen(DOC, "r");
	char *buf;
	long n;

	if (!f)
		fail_msg("cannot open %s: run from the top of the tree", DOC);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	fseek(f, 0, SEEK_SET);
	buf = calloc(1, (size_t)n + 1);
	assert_non_null(buf);
	assert_int_equal(fread(buf, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	return buf;
}

/* Whether text holds line as a whole line. */
static bool has_line(const char *text, const char *line)
{
	size_t len = strlen(line);
	const char *p;

	for (p = text; (p = strstr(p, line)); p++)
		if ((p == text || p[-1] == '\n') && (p[len] == '\n' || p[len] == '\0'))
			return true;
	return false;
}

static void test_every_declared_op_documented(void **state)
{
	const struct exp_side *s;
	const struct side_op *o;
	char *doc = doc_text(), row[1024];
	size_t i, n = 0;

	(void)state;
	for (i = 0; (s = agent_side(i)); i++)
		for (o = s->ops; o->name; o++, n++) {
			side_op_row(o, row, sizeof(row));
			if (!has_line(doc, row))
				fail_msg("%s: the row of op %s is not the declared one; "
					 "`offloadlab agent --ops` prints it:\n%s",
					 DOC, o->name, row);
		}
	assert_true(n >= 30);
	free(doc);
}

static void test_every_documented_op_exists(void **state)
{
	char *doc = doc_text(), *line, *save = NULL;
	size_t rows = 0;

	(void)state;
	for (line = strtok_r(doc, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		const char *const *own;
		char op[64];
		const char *end;

		if (strncmp(line, "| `", 3))
			continue;
		end = strchr(line + 3, '`');
		assert_non_null(end);
		assert_true((size_t)(end - line - 3) < sizeof(op));
		snprintf(op, sizeof(op), "%.*s", (int)(end - line - 3), line + 3);
		rows++;
		for (own = own_ops; *own && strcmp(*own, op); own++)
			;
		if (*own)
			continue;
		if (!side_op_find(agent_side_find(op), op))
			fail_msg("%s documents op '%s', which no server side declares", DOC, op);
	}
	assert_true(rows >= 35);
	free(doc);
}

/* The row format: empty cells are "| |", as the document's tables have them. */
static void test_row_format(void **state)
{
	const struct side_op o = { "x_up", SIDE_UP, "", "`a`", "does it" };
	char row[200];

	(void)state;
	side_op_row(&o, row, sizeof(row));
	assert_string_equal(row, "| `x_up` | | `a` | does it |");
}

/* try's side (a command's, not the registry's) is served and documented like the others. */
static void test_try_side_served(void **state)
{
	(void)state;
	assert_ptr_equal(agent_side_find("try_up"), &try_side);
	assert_ptr_equal(agent_side_find("try_down"), &try_side);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_try_side_served),
		cmocka_unit_test(test_row_format),
		cmocka_unit_test(test_every_declared_op_documented),
		cmocka_unit_test(test_every_documented_op_exists),
	};

	agent_side_add(&try_side); /* as main does for `offloadlab agent` */
	return cmocka_run_group_tests(tests, NULL, NULL);
}
