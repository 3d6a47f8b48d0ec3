/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_LOADGEN_CLI_H
#define OLAB_LOADGEN_CLI_H

int loadgen_main(int argc, char **argv);

#endif
