// SPDX-License-Identifier: GPL-2.0
/* Three-valued logic over 95 % CIs, for the claims' judges (exp/claim.h). */
#include "exp/claim.h"

enum tri claim_within(struct claim_iv a, double lo, double hi)
{
	if (a.lo >= lo && a.hi <= hi)
		return T_YES;
	if (a.hi < lo || a.lo > hi)
		return T_NO;
	return T_MAYBE;
}

enum tri claim_below(struct claim_iv a, struct claim_iv b, double k)
{
	if (a.hi < k * b.lo)
		return T_YES;
	if (a.lo >= k * b.hi)
		return T_NO;
	return T_MAYBE;
}

enum tri claim_and(enum tri a, enum tri b)
{
	if (a == T_NO || b == T_NO)
		return T_NO;
	return a == T_YES && b == T_YES ? T_YES : T_MAYBE;
}
