/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
#ifndef XS_ETHTOOL_H
#define XS_ETHTOOL_H

/*
 * RX queues an AF_XDP socket can bind to on ifname: the active channel
 * count from ETHTOOL_GCHANNELS (rx + combined).  IFLA_NUM_RX_QUEUES is the
 * allocated maximum, which can be larger (veth allocates one per CPU but
 * uses one until told otherwise).  Returns the count, or fallback if the
 * driver does not report channels.
 */
int xs_rx_queues_active(const char *ifname, int fallback);

/* The interface's driver name ("veth", "mlx5_core"...).  0 or -errno. */
int xs_iface_driver(const char *ifname, char *buf, size_t len);

#endif /* XS_ETHTOOL_H */
