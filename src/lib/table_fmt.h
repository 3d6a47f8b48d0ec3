/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_TABLE_FMT_H
#define OLAB_TABLE_FMT_H

#include <stddef.h>

/* Format a value with its unit, switching ns to us/ms where that reads better; NAN is "-". */
void table_fmt(double v, const char *unit, char *buf, size_t len);

#endif
