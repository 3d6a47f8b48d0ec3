/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_GNUPLOT_H
#define OLAB_GNUPLOT_H

#include <stdbool.h>
#include <stddef.h>

/* The most SVG a plot may produce, and how long gnuplot may take over it. */
#define GNUPLOT_SVG_MAX (8u << 20)
#define GNUPLOT_DEADLINE_MS 120000

/*
 * Run gnuplot on script (len bytes: commands and inline datablocks, no file names; the SVG
 * terminal set, no "set output") and return its SVG from the first "<svg" on, malloc'd, or
 * NULL when gnuplot is missing, fails, overruns the size or the deadline, or draws something
 * that is not an inert picture. As root, gnuplot runs as nobody, without supplementary groups,
 * in a network namespace of its own: it reads the script from a memory file it was handed
 * open and writes the SVG into a pipe. No path is shared between the two sides, so nothing
 * the unprivileged side can change is opened, read or removed by the privileged one.
 */
char *gnuplot_svg(const char *script, size_t len);

/*
 * Whether an SVG is only a picture: no script, event handler, embedded document or reference
 * to anything outside itself (href and url() only to "#..."). Whatever drew it, it is inlined
 * in a page others open.
 */
bool gnuplot_svg_inert(const char *svg);

#endif
