/*
 * pcap_out.h - write the original frames (decapsulated, deduplicated) to a
 * pcap file that tcpdump, tshark and Wireshark read (-w OUT, "-" = stdout).
 */
#ifndef MS_OUTPUT_PCAP_OUT_H
#define MS_OUTPUT_PCAP_OUT_H

#include <stddef.h>

#include "decode/packet.h"

struct pcap_out;

/* NULL with the reason in err when the file cannot be created. */
struct pcap_out *pcap_out_open(const char *path, char *err, size_t errlen);
/* 0 when written; -1 on a write error (remembered, see pcap_out_error). */
int pcap_out_write(struct pcap_out *w, const struct packet *p);
void pcap_out_flush(struct pcap_out *w);
/* Non-zero when a write failed (disk full...), message in err. */
int pcap_out_error(const struct pcap_out *w, char *err, size_t errlen);
/* Flush and close; -1 if anything failed. */
int pcap_out_close(struct pcap_out *w, char *err, size_t errlen);

#endif
