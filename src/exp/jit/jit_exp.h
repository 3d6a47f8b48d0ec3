/* SPDX-License-Identifier: GPL-2.0 */
#ifndef OLAB_JIT_EXP_H
#define OLAB_JIT_EXP_H

#include <stddef.h>
#include <stdint.h>

#include "exp/exp.h"

int jit_run(struct exp_ctx *x);

/* offloadlab jit dump OBJ SECTION: load one program and print its JIT code. */
int jit_main(int argc, char **argv);

/*
 * Disassemble x86-64 code: print it (f non-NULL) and return the number of instructions;
 * *loop_insns gets the instructions inside the longest backward jump (a loop body), or 0.
 */
int jit_disasm(const uint8_t *code, size_t len, uint64_t addr, FILE *f, int *loop_insns);

/* The JIT image of a loaded program (malloc'd) and its length. */
int jit_image(int prog_fd, uint8_t **code, size_t *len);

#endif
