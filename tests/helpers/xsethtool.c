// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xsethtool: the few ethtool operations the fault and container tests need,
 * through the SIOCETHTOOL ioctl in the current network namespace, so the
 * tests do not depend on the ethtool package.
 *
 *   xsethtool IF get tx|gro          prints on or off
 *   xsethtool IF set tx|gro on|off   TX checksum offload / GRO
 *   xsethtool IF channels            prints "rx N tx N combined N max_rx N
 *                                    max_tx N"
 *   xsethtool IF channels rx N tx N  sets the RX/TX channel counts
 *   xsethtool IF stats [PREFIX]      prints "name value" for each non-zero
 *                                    statistic whose name starts with PREFIX
 *
 * Exit status: 0 done, 1 usage error, 2 the ioctl failed (message on
 * stderr).
 */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>
#include <linux/ethtool.h>
#include <linux/sockios.h>

/* More statistics than any virtual device has; bounds the allocation. */
#define MAX_STATS 4096

static int sock_fd = -1;
static const char *ifname;

static int ethtool(void *data)
{
	struct ifreq ifr = {};

	strncpy(ifr.ifr_name, ifname, IFNAMSIZ - 1);
	ifr.ifr_data = data;
	return ioctl(sock_fd, SIOCETHTOOL, &ifr) ? -errno : 0;
}

static int fail(const char *what, int err)
{
	fprintf(stderr, "xsethtool: %s on %s: %s\n", what, ifname,
		strerror(-err));
	return 2;
}

static int feature_cmd(const char *name, int set, unsigned int *cmd)
{
	if (!strcmp(name, "tx"))
		*cmd = set ? ETHTOOL_STXCSUM : ETHTOOL_GTXCSUM;
	else if (!strcmp(name, "gro"))
		*cmd = set ? ETHTOOL_SGRO : ETHTOOL_GGRO;
	else
		return -1;
	return 0;
}

static int do_get(const char *name)
{
	struct ethtool_value v = {};
	int err;

	if (feature_cmd(name, 0, &v.cmd))
		return 1;
	err = ethtool(&v);
	if (err)
		return fail("get", err);
	printf("%s\n", v.data ? "on" : "off");
	return 0;
}

static int do_set(const char *name, const char *val)
{
	struct ethtool_value v = {};
	int err;

	if (feature_cmd(name, 1, &v.cmd))
		return 1;
	if (!strcmp(val, "on"))
		v.data = 1;
	else if (strcmp(val, "off"))
		return 1;
	err = ethtool(&v);
	return err ? fail("set", err) : 0;
}

static int parse_count(const char *s, __u32 *out)
{
	char *end;
	unsigned long v;

	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno || end == s || *end || v > 1024)
		return -1;
	*out = v;
	return 0;
}

static int do_channels(int argc, char **argv)
{
	struct ethtool_channels ch = { .cmd = ETHTOOL_GCHANNELS };
	int i, err;

	err = ethtool(&ch);
	if (err)
		return fail("get channels", err);
	if (!argc) {
		printf("rx %u tx %u combined %u max_rx %u max_tx %u\n",
		       ch.rx_count, ch.tx_count, ch.combined_count, ch.max_rx,
		       ch.max_tx);
		return 0;
	}
	for (i = 0; i + 1 < argc; i += 2) {
		__u32 *dst = !strcmp(argv[i], "rx")	  ? &ch.rx_count :
			     !strcmp(argv[i], "tx")	  ? &ch.tx_count :
			     !strcmp(argv[i], "combined") ? &ch.combined_count :
							    NULL;

		if (!dst || parse_count(argv[i + 1], dst))
			return 1;
	}
	if (i != argc)
		return 1;
	ch.cmd = ETHTOOL_SCHANNELS;
	err = ethtool(&ch);
	return err ? fail("set channels", err) : 0;
}

static int do_stats(const char *prefix)
{
	struct {
		struct ethtool_sset_info hdr;
		__u32 len;
	} info = { .hdr = { .cmd = ETHTOOL_GSSET_INFO,
			    .sset_mask = 1ULL << ETH_SS_STATS } };
	struct ethtool_gstrings *names = NULL;
	struct ethtool_stats *vals = NULL;
	unsigned int i, n;
	int err, ret = 2;

	err = ethtool(&info);
	if (err)
		return fail("stats info", err);
	n = info.hdr.sset_mask ? info.len : 0;
	if (n > MAX_STATS)
		n = MAX_STATS;
	names = calloc(1, sizeof(*names) + (size_t)n * ETH_GSTRING_LEN);
	vals = calloc(1, sizeof(*vals) + (size_t)n * sizeof(__u64));
	if (!names || !vals)
		goto out;
	names->cmd = ETHTOOL_GSTRINGS;
	names->string_set = ETH_SS_STATS;
	names->len = n;
	vals->cmd = ETHTOOL_GSTATS;
	vals->n_stats = n;
	err = ethtool(names);
	if (!err)
		err = ethtool(vals);
	if (err) {
		ret = fail("stats", err);
		goto out;
	}
	for (i = 0; i < n; i++) {
		char name[ETH_GSTRING_LEN + 1] = {};

		memcpy(name, names->data + (size_t)i * ETH_GSTRING_LEN,
		       ETH_GSTRING_LEN);
		if (vals->data[i] &&
		    (!prefix || !strncmp(name, prefix, strlen(prefix))))
			printf("%s %llu\n", name,
			       (unsigned long long)vals->data[i]);
	}
	ret = 0;
out:
	free(names);
	free(vals);
	return ret;
}

int main(int argc, char **argv)
{
	int ret = 1;

	if (argc < 3 || strlen(argv[1]) >= IFNAMSIZ)
		goto usage;
	ifname = argv[1];
	sock_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (sock_fd < 0) {
		perror("xsethtool: socket");
		return 2;
	}
	if (!strcmp(argv[2], "get") && argc == 4)
		ret = do_get(argv[3]);
	else if (!strcmp(argv[2], "set") && argc == 5)
		ret = do_set(argv[3], argv[4]);
	else if (!strcmp(argv[2], "channels"))
		ret = do_channels(argc - 3, argv + 3);
	else if (!strcmp(argv[2], "stats") && argc <= 4)
		ret = do_stats(argc == 4 ? argv[3] : NULL);
	close(sock_fd);
	if (ret != 1)
		return ret;
usage:
	fputs("Usage: xsethtool IF get tx|gro\n"
	      "       xsethtool IF set tx|gro on|off\n"
	      "       xsethtool IF channels [rx N] [tx N] [combined N]\n"
	      "       xsethtool IF stats [PREFIX]\n",
	      stderr);
	return 1;
}
