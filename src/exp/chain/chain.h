/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_CHAIN_H
#define OLAB_CHAIN_H

#define CHAIN_MAX 8 /* longest chain measured: stages after the first */

#endif
