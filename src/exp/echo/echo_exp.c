// SPDX-License-Identifier: GPL-2.0
/* echo (paper Fig. 3): what the experiment is, in one place. */
#include "exp/echo/echo_exp.h"
#include "exp/claim.h"

static const char *const echo_metrics[] = {
	"echo.lat.*.*.*", "echo.tput.*.*.*", "echo.wake.*.*.*", "echo.gen.ceiling", NULL,
};

static const struct exp_plot echo_plots[] = {
	{ PK_CDF, "Echo latency, UDP, shared CPU", "echo.lat.shared.udp.*", NULL, NULL },
	{ PK_CDF, "Echo latency, UDP, split CPUs", "echo.lat.split.udp.*", NULL, NULL },
	{ PK_CDF, "Echo latency, UDP, split CPUs, an idle-class spinner on the dut CPU",
	  "echo.lat.split_spin.udp.*", NULL, NULL },
	{ PK_CDF, "Wake-up of the dut's NAPI thread, split CPUs", "echo.wake.*", NULL, NULL },
	{ PK_CDF, "Echo latency, TCP", "echo.lat.*.tcp.*", NULL, NULL },
	{ PK_BARS, "Echo peak throughput", "echo.tput.*", "echo.tput.ratio.*", NULL },
	{ PK_BARS, "Echo peak throughput over the socket server's (UDP, paired repetitions)",
	  "echo.tput.ratio.*", NULL, NULL },
	{ 0 },
};

#define FIG3_ROW(name, key, with_paper)                                                            \
	{                                                                                          \
		name,                                                                              \
		{                                                                                  \
			{ .id = "echo.lat.shared.udp." key, .paper = with_paper },                 \
				{ .id = "echo.lat.shared.udp." key },                              \
				{ .id = "echo.lat.split.udp." key },                               \
				{ .id = "echo.tput.shared.udp." key },                             \
				{ .id = "echo.tput.split.udp." key },                              \
		}                                                                                  \
	}

static const struct view fig3 = {
	.title = "Fig. 3, UDP echo: median latency (Poisson, moderate rate) and peak throughput",
	.ncols = 6,
	.cols = { "server", "paper median", "lat shared", "lat split", "kreq/s shared",
		  "kreq/s split" },
	.nrows = 5,
	.rows = {
		FIG3_ROW("socket", "socket_sleep", true),
		FIG3_ROW("socket busy", "socket_busy", false),
		FIG3_ROW("SK_SKB", "skskb", true),
		FIG3_ROW("TC", "tc", true),
		FIG3_ROW("XDP", "xdp", true),
	},
	.footer = "shared: the dut's kernel work on the generator's CPU (veth's default); split: "
		  "on its own CPU, paying a cross-CPU hand-off per request. The paper's figures "
		  "include two NICs and a wire: compare the order of the hooks",
};

/* XDP and TC below SK_SKB, and SK_SKB not 10 % above a busy socket server */
static void judge_order(struct claim_ctx *c, const struct claim_iv *v)
{
	enum tri t = claim_judge(
		c, claim_and(claim_and(claim_below(v[0], v[2], 1), claim_below(v[1], v[2], 1)),
			     claim_below(v[2], v[3], 1.1)));

	claim_why(c,
		  "UDP echo medians: XDP %.1f us, TC %.1f us, SK_SKB %.1f us, socket (busy) %.1f "
		  "us: %s",
		  v[0].med / 1e3, v[1].med / 1e3, v[2].med / 1e3, v[3].med / 1e3,
		  t == T_YES
			  ? "answering at SK_SKB saves little over a socket, XDP and TC save most"
		  : t == T_NO ? "the order of the hooks is not the paper's on this machine"
			      : "the CIs overlap: the order of the hooks is not settled here");
}

static const struct exp_claim echo_claims[] = {
	{ "Higher-latency hooks deter transport-layer offloading",
	  { "echo.lat.shared.udp.xdp", "echo.lat.shared.udp.tc", "echo.lat.shared.udp.skskb",
	    "echo.lat.shared.udp.socket_busy" },
	  judge_order },
	{ 0 },
};

const struct experiment exp_echo = {
	.name = "echo",
	.question = "How much faster is a UDP/TCP echo answered at XDP, TC or SK_SKB than by a "
		    "user-space socket server, in latency and in throughput?",
	.paper = "Fig. 3",
	.est_quick_s = 55,
	.est_full_s = 170,
	.metrics = echo_metrics,
	.view = &fig3,
	.plots = echo_plots,
	.claims = echo_claims,
	.testbed = true,
	.remote = true,
	.side = &echo_side,
	.run = echo_run,
};
