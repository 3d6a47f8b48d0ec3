// SPDX-License-Identifier: GPL-2.0
/* What the report inlines from gnuplot: a picture only, whatever drew it. */
#include <setjmp.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include "report/gnuplot.h"

static void test_inert(void **state)
{
	static const char *const ok[] = {
		"<svg width=\"600\" viewBox=\"0 0 600 480\" xmlns=\"http://www.w3.org/2000/svg\" "
		"xmlns:xlink=\"http://www.w3.org/1999/xlink\">\n<title>Gnuplot</title>"
		"<defs><path id='gpPt0' d='M-1,0 h2'/><filter id='textbox'><feFlood "
		"flood-color='white'/><feComposite in2='SourceGraphic'/></filter></defs>"
		"<!-- a comment -->"
		"<g filter=\"url(#textbox)\"><use xlink:href='#gpPt0' x='1'/>"
		"<text>on = off &lt;script&gt; href=http://x</text></g></svg>",
	};
	static const char *const bad[] = {
		"<svg><script>alert(1)</script></svg>",
		"<svg><g onload=\"alert(1)\"></g></svg>",
		"<svg><g\tONCLICK = 'x'></g></svg>",
		"<svg><use xlink:href=\"http://example.com/x.svg#a\"/></svg>",
		"<svg><g filter=\"url(http://example.com/f)\"/></svg>",
		"<svg><g title=\"a>b\" onload=\"alert(1)\"/></svg>",
		"<svg><foreignObject><body/></foreignObject></svg>",
		"<svg><image href=\"#a\"/></svg>",
		"<svg><![CDATA[ x ]]></svg>",
		"<svg><style>@import 'http://x/'</style></svg>",
		"<svg><a href=\"javascript:alert(1)\">x</a></svg>",
		"<svg><g",
		"<svg><!-- unterminated",
	};
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		assert_true(gnuplot_svg_inert(ok[i]));
	for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (gnuplot_svg_inert(bad[i]))
			fail_msg("accepted as inert: %s", bad[i]);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_inert),
	};

	return cmocka_run_group_tests_name("plot", tests, NULL, NULL);
}
