/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * Unit tests for user/results.c, user/nmapout.c and user/sinks.c: RFC 4180
 * quoting (quotes doubled, never \x22/\x2c; an ill-formed byte as U+FFFD),
 * the same fields and booleans in CSV and ndjson, --output-fields (order,
 * an unknown or repeated name refused and named), the JSON array byte for
 * byte (also empty), nmap's XML and grepable output byte for byte
 * (hosts grouped and sorted whatever the results' order), masscan's list
 * header and trailer, --append-output (CSV header once, XML refused).
 */
#include <arpa/inet.h>
#include <netdb.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "testlib.h"
#include "cli.h"
#include "nmapout.h"
#include "results.h"
#include "sinks.h"

/* 2026-11-24T18:04:57Z */
#define T0 1795543497

static const struct xs_run_info info = {
	.version = "0.1.0",
	.args = "xdpshake scan 10.0.0.0/30 -p 80,81 -oX \"a&b\".xml",
	.services = "80-81",
	.nports = 2,
	.hosts = 4,
	.start = T0,
	.end = T0 + 3,
	.elapsed = 2.5,
};

static struct xs_result result(uint32_t host, uint16_t port, bool open)
{
	struct xs_result r = {
		.daddr = xs_addr_v4(htonl(host)),
		.dport = port,
		.sport = 61000,
		.open = open,
		.ttl = open ? 64 : 63,
		.window = open ? 64240 : 0,
		.ts = { .tv_sec = T0, .tv_nsec = 1000 },
	};

	if (open) {
		r.has_rtt = true;
		r.rtt_us = 41;
		r.opts.has_mss = true;
		r.opts.mss = 1460;
		r.opts.sack_ok = true;
	}
	return r;
}

static void row_of(struct xs_row *w, const struct xs_result *r)
{
	w->res = r;
	w->state = xs_result_state(r);
	xs_addr_fmt(&r->daddr, w->ip);
	snprintf(w->time, sizeof(w->time), "2026-11-24T18:04:57.000001Z");
}

static char *slurp(FILE *f)
{
	static char buf[8192];
	size_t n;

	fflush(f);
	rewind(f);
	n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	return buf;
}

/* Results through one output of fmt into a file; what the file holds. */
static char *through(enum xs_out_fmt fmt, const char *fields,
		     const struct xs_result *res, int n, bool append,
		     const char *path)
{
	struct xs_out_spec sp = { fmt, path };
	static struct xs_sinks k;
	struct xs_row w;
	char *got;
	FILE *f;
	int i;

	memset(&k, 0, sizeof(k));
	k.what = "scan";
	if (xs_sinks_open(&k, &sp, 1, append, fields, &info))
		return NULL;
	for (i = 0; i < n; i++) {
		row_of(&w, &res[i]);
		xs_sinks_write(&k, &w);
	}
	xs_sinks_close(&k);
	f = fopen(path, "r");
	if (!f)
		return NULL;
	got = slurp(f);
	fclose(f);
	return got;
}

static void test_csv_rfc4180(void)
{
	static const uint8_t b[] = "He said \"hi\", then\r\n\xff";
	FILE *f = tmpfile();
	const char *got;

	TEST_BEGIN("csv_field_rfc4180");
	xs_csv_field(f, "plain", 5, true);
	fputc('|', f);
	xs_csv_field(f, b, sizeof(b) - 1, true);
	fputc('|', f);
	xs_csv_field(f, "a,b", 3, true);
	got = slurp(f);
	CHECK(!strcmp(got,
		      "plain|\"He said \"\"hi\"\", then\r\n\xef\xbf\xbd\"|\"a,b\""),
	      "got %s", got);
	CHECK(!strstr(got, "\\x"), "an escape in %s", got);
	fclose(f);
	TEST_END();
}

/* CSV and ndjson of one result: the same names, the same values, absent
 * values empty in CSV and left out of JSON, booleans true/false. */
static void test_same_fields(void)
{
	static const uint8_t b[] = "SSH-2.0 \"x\",y";
	char path[] = "/tmp/xs_results_XXXXXX";
	struct xs_result r[3] = { result(0x0a000001, 80, true),
				  result(0x0a000002, 81, false),
				  result(0, 82, false) };
	const char *why = NULL, *got;

	close(mkstemp(path));
	xs_addr_parse("fd00::2", &r[2].daddr, &why);
	r[0].has_banner = true;
	r[0].banner = b;
	r[0].banner_len = sizeof(b) - 1;
	TEST_BEGIN("csv_golden_same_fields_as_ndjson");
	got = through(XS_OUT_CSV, NULL, r, 3, false, path);
	CHECK(got && !strcmp(got,
			     "ip,family,port,state,sport,rtt_us,ttl,window,mss,wscale,sack,ts,time,banner,banner_b64,icmp_type,icmp_code,icmp_reason,icmp_from,options_malformed\n"
			     "10.0.0.1,ipv4,80,open,61000,41,64,64240,1460,,true,false,2026-11-24T18:04:57.000001Z,\"SSH-2.0 \"\"x\"\",y\",U1NILTIuMCAieCIseQ==,,,,,\n"
			     "10.0.0.2,ipv4,81,closed,61000,,63,0,,,false,false,2026-11-24T18:04:57.000001Z,,,,,,,\n"
			     "fd00::2,ipv6,82,closed,61000,,63,0,,,false,false,2026-11-24T18:04:57.000001Z,,,,,,,\n"),
	      "got\n%s", got ?: "");
	got = through(XS_OUT_NDJSON, NULL, r, 3, false, path);
	CHECK(got && !strcmp(got,
			     "{\"ip\":\"10.0.0.1\",\"family\":\"ipv4\",\"port\":80,\"state\":\"open\",\"sport\":61000,\"rtt_us\":41,\"ttl\":64,\"window\":64240,\"mss\":1460,\"sack\":true,\"ts\":false,\"time\":\"2026-11-24T18:04:57.000001Z\",\"banner\":\"SSH-2.0 \\\"x\\\",y\",\"banner_b64\":\"U1NILTIuMCAieCIseQ==\"}\n"
			     "{\"ip\":\"10.0.0.2\",\"family\":\"ipv4\",\"port\":81,\"state\":\"closed\",\"sport\":61000,\"ttl\":63,\"window\":0,\"sack\":false,\"ts\":false,\"time\":\"2026-11-24T18:04:57.000001Z\"}\n"
			     "{\"ip\":\"fd00::2\",\"family\":\"ipv6\",\"port\":82,\"state\":\"closed\",\"sport\":61000,\"ttl\":63,\"window\":0,\"sack\":false,\"ts\":false,\"time\":\"2026-11-24T18:04:57.000001Z\"}\n"),
	      "got\n%s", got ?: "");
	TEST_END();

	TEST_BEGIN("output_fields_order");
	got = through(XS_OUT_CSV, "state,ip,sack", r, 2, false, path);
	CHECK(got && !strcmp(got, "state,ip,sack\nopen,10.0.0.1,true\n"
				  "closed,10.0.0.2,false\n"),
	      "got\n%s", got ?: "");
	got = through(XS_OUT_NDJSON, "port,rtt_us", r, 2, false, path);
	CHECK(got && !strcmp(got,
			     "{\"port\":80,\"rtt_us\":41}\n{\"port\":81}\n"),
	      "got\n%s", got ?: "");
	TEST_END();

	/* appended: the header only once, in the empty file */
	TEST_BEGIN("append_csv_header_once");
	unlink(path);
	through(XS_OUT_CSV, "ip", r, 1, true, path);
	got = through(XS_OUT_CSV, "ip", r, 1, true, path);
	CHECK(got && !strcmp(got, "ip\n10.0.0.1\n10.0.0.1\n"), "got\n%s",
	      got ?: "");
	CHECK(!through(XS_OUT_XML, NULL, r, 1, true, path), "-oX appended to");
	TEST_END();
	unlink(path);
}

static void test_fields_parse(void)
{
	struct xs_fieldset fs;
	char err[512];

	TEST_BEGIN("output_fields_bad_named");
	CHECK_EQ(xs_fields_parse("ip,port", &fs, err, sizeof(err)), 0);
	CHECK_EQ(fs.n, 2);
	CHECK(xs_fields_parse("ip,bogus", &fs, err, sizeof(err)) &&
		      strstr(err,
			     "unknown field 'bogus' (fields: ip,family,port,"),
	      "err %s", err);
	CHECK(xs_fields_parse("ip,ip", &fs, err, sizeof(err)) &&
		      strstr(err, "repeated field 'ip'"),
	      "err %s", err);
	CHECK(xs_fields_parse("", &fs, err, sizeof(err)) &&
		      strstr(err, "unknown field ''"),
	      "err %s", err);
	TEST_END();
}

static void test_json_array(void)
{
	char path[] = "/tmp/xs_results_XXXXXX";
	struct xs_result r[2] = { result(0x0a000001, 80, true),
				  result(0x0a000002, 81, false) };
	const char *got;

	close(mkstemp(path));
	TEST_BEGIN("json_array_golden");
	got = through(XS_OUT_JSON, "ip,port", r, 2, false, path);
	CHECK(got && !strcmp(got, "[\n{\"ip\":\"10.0.0.1\",\"port\":80}\n"
				  ",{\"ip\":\"10.0.0.2\",\"port\":81}\n]\n"),
	      "got\n%s", got ?: "");
	got = through(XS_OUT_JSON, NULL, r, 0, false, path);
	CHECK(got && !strcmp(got, "[\n]\n"), "empty: %s", got ?: "");
	TEST_END();
	unlink(path);
}

/* Results in scan order (random): nmap's formats group them by host. */
static const struct xs_result *scan_order(void)
{
	static struct xs_result r[4];

	r[0] = result(0x0a000002, 81, false);
	r[1] = result(0x0a000001, 81, false);
	r[2] = result(0x0a000002, 80, true);
	r[3] = result(0x0a000001, 80, true);
	return r;
}

static void test_xml(void)
{
	char path[] = "/tmp/xs_results_XXXXXX";
	const char *want =
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<!DOCTYPE nmaprun>\n"
		"<!-- xdpshake 0.1.0 scan, in nmap's XML format -->\n"
		"<nmaprun scanner=\"nmap\" args=\"xdpshake scan 10.0.0.0/30 -p 80,81 -oX &quot;a&amp;b&quot;.xml\" start=\"1795543497\" startstr=\"%s\" version=\"0.1.0"
		"\" xmloutputversion=\"1.05\">\n"
		"<scaninfo type=\"syn\" protocol=\"tcp\" numservices=\"2\" services=\"80-81\"/>\n"
		"<verbose level=\"0\"/>\n<debugging level=\"0\"/>\n"
		"<host starttime=\"1795543497\" endtime=\"1795543500\"><status state=\"up\" reason=\"syn-ack\" reason_ttl=\"64\"/>\n"
		"<address addr=\"10.0.0.1\" addrtype=\"ipv4\"/>\n<hostnames>\n</hostnames>\n"
		"<ports><port protocol=\"tcp\" portid=\"80\"><state state=\"open\" reason=\"syn-ack\" reason_ttl=\"64\"/>%s</port>\n"
		"<port protocol=\"tcp\" portid=\"81\"><state state=\"closed\" reason=\"reset\" reason_ttl=\"63\"/></port>\n"
		"</ports>\n</host>\n"
		"<host starttime=\"1795543497\" endtime=\"1795543500\"><status state=\"up\" reason=\"syn-ack\" reason_ttl=\"64\"/>\n"
		"<address addr=\"10.0.0.2\" addrtype=\"ipv4\"/>\n<hostnames>\n</hostnames>\n"
		"<ports><port protocol=\"tcp\" portid=\"80\"><state state=\"open\" reason=\"syn-ack\" reason_ttl=\"64\"/>%s</port>\n"
		"<port protocol=\"tcp\" portid=\"81\"><state state=\"closed\" reason=\"reset\" reason_ttl=\"63\"/></port>\n"
		"</ports>\n</host>\n"
		"<runstats><finished time=\"1795543500\" timestr=\"%s\" summary=\"xdpshake done at %s; 4 IP addresses (2 hosts up) scanned in 2.50 seconds\" elapsed=\"2.50\" exit=\"success\"/>"
		"<hosts up=\"2\" down=\"2\" total=\"4\"/>\n</runstats>\n</nmaprun>\n";
	char ts[32], te[32], exp[8192];
	const char *svc =
		"<service name=\"http\" method=\"table\" conf=\"3\"/>";
	const char *got;
	time_t t0 = T0, t1 = T0 + 3;

	ctime_r(&t0, ts);
	ctime_r(&t1, te);
	ts[strlen(ts) - 1] = te[strlen(te) - 1] = '\0';
	/* the service name comes from /etc/services, if it has port 80 */
	if (!getservbyport(htons(80), "tcp"))
		svc = "";
	snprintf(exp, sizeof(exp), want, ts, svc, svc, te, te);
	close(mkstemp(path));
	TEST_BEGIN("xml_golden_grouped_sorted");
	got = through(XS_OUT_XML, NULL, scan_order(), 4, false, path);
	CHECK(got && !strcmp(got, exp), "got\n%s\nwant\n%s", got ?: "", exp);
	TEST_END();
	unlink(path);
}

/*
 * ICMPv6 errors in nmap's XML: the host's addrtype is ipv6, after the IPv4
 * host (ndiff pairs hosts by address), and each code's reason is the one
 * nmap 7.93 -6 -sS reports for it (seen on the same topology: nft's
 * reject types, codes 0, 1, 3, 4, 5, 6; its scan engine for 2).
 */
static void test_xml_icmp6(void)
{
	static const char *const reason[] = {
		"no-route",	"admin-prohibited", "beyond-scope",
		"host-unreach", "port-unreach",	    "admin-prohibited",
		"reject-route", "time-exceeded",
	};
	char path[] = "/tmp/xs_results_XXXXXX";
	struct xs_result r[9];
	char want[256];
	const char *got, *v4, *v6;
	unsigned int i;

	close(mkstemp(path));
	TEST_BEGIN("xml_icmp6_reasons_addrtype");
	for (i = 0; i < 8; i++) {
		r[i] = result(0, 1 + i, false);
		xs_addr_parse("fd00::2", &r[i].daddr, NULL);
		r[i].icmp = true;
		r[i].icmp_ver = 6;
		r[i].icmp_type = i < 7 ? 1 : 3;
		r[i].icmp_code = i < 7 ? i : 0;
		CHECK(!strcmp(xs_result_reason(&r[i]), reason[i]),
		      "ICMPv6 %u/%u: reason %s, want %s", r[i].icmp_type,
		      r[i].icmp_code, xs_result_reason(&r[i]), reason[i]);
	}
	r[8] = result(0x0a000001, 80, true);
	got = through(XS_OUT_XML, NULL, r, 9, false, path);
	v4 = got ? strstr(got,
			  "<address addr=\"10.0.0.1\" addrtype=\"ipv4\"/>") :
		   NULL;
	v6 = got ? strstr(got,
			  "<address addr=\"fd00::2\" addrtype=\"ipv6\"/>") :
		   NULL;
	CHECK(v4 && v6 && v4 < v6,
	      "want the IPv4 host, then fd00::2 as ipv6:\n%s", got ?: "");
	for (i = 0; got && i < 8; i++) {
		snprintf(
			want, sizeof(want),
			"<port protocol=\"tcp\" portid=\"%u\"><state state=\"filtered\" reason=\"%s\"",
			i + 1, reason[i]);
		CHECK(strstr(got, want), "no '%s' in\n%s", want, got);
	}
	TEST_END();
	unlink(path);
}

static void test_grep_list(void)
{
	char path[] = "/tmp/xs_results_XXXXXX";
	char ts[32], te[32], exp[2048];
	const char *svc = getservbyport(htons(80), "tcp") ? "http" : "";
	const char *got;
	time_t t0 = T0, t1 = T0 + 3;

	ctime_r(&t0, ts);
	ctime_r(&t1, te);
	ts[strlen(ts) - 1] = te[strlen(te) - 1] = '\0';
	snprintf(
		exp, sizeof(exp),
		"# xdpshake 0.1.0 scan initiated %s as: %s\n"
		"Host: 10.0.0.1 ()\tStatus: Up\n"
		"Host: 10.0.0.1 ()\tPorts: 80/open/tcp//%s///, 81/closed/tcp/////\n"
		"Host: 10.0.0.2 ()\tStatus: Up\n"
		"Host: 10.0.0.2 ()\tPorts: 80/open/tcp//%s///, 81/closed/tcp/////\n"
		"# xdpshake done at %s -- 4 IP addresses (2 hosts up) scanned in 2.50 seconds\n",
		ts, info.args, svc, svc, te);
	close(mkstemp(path));
	TEST_BEGIN("grepable_golden");
	got = through(XS_OUT_GREP, NULL, scan_order(), 4, false, path);
	CHECK(got && !strcmp(got, exp), "got\n%s\nwant\n%s", got ?: "", exp);
	TEST_END();

	TEST_BEGIN("list_masscan_header_trailer");
	got = through(XS_OUT_LIST, NULL, scan_order(), 2, false, path);
	CHECK(got && !strcmp(got, "#masscan\n"
				  "closed tcp 81 10.0.0.2 1795543497\n"
				  "closed tcp 81 10.0.0.1 1795543497\n"
				  "# end 1795543500\n"),
	      "got\n%s", got ?: "");
	TEST_END();
	unlink(path);
}

/* nmap's services= and args= */
static void test_run_info(void)
{
	static const uint16_t ports[] = { 443, 22, 81, 80, 82, 8080 };
	char *argv[] = { "scan", "10.0.0.0/30", "-p", "80", NULL };
	char *s;

	TEST_BEGIN("run_info_services_args");
	s = xs_run_services(ports, 6);
	CHECK(s && !strcmp(s, "22,80-82,443,8080"), "services %s", s ?: "");
	free(s);
	s = xs_run_services(ports, 1);
	CHECK(s && !strcmp(s, "443"), "services %s", s ?: "");
	free(s);
	s = xs_run_args("xdpshake scan", 4, argv);
	CHECK(s && !strcmp(s, "xdpshake scan 10.0.0.0/30 -p 80"), "args %s",
	      s ?: "");
	free(s);
	TEST_END();
}

int main(void)
{
	test_run_info();
	test_csv_rfc4180();
	test_same_fields();
	test_fields_parse();
	test_json_array();
	test_xml();
	test_xml_icmp6();
	test_grep_list();
	return TEST_EXIT();
}
