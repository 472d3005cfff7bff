/* BIPM CGGTTS files: version 01 (GPS only) and V2E (CGGTTS Version 2E, BIPM 2015: GPS,
 * GLONASS, Galileo, BeiDou, QZSS, NavIC; single or dual frequency), read and checked.
 *
 * The data columns are taken from the file's own column line (SAT/PRN ... CK), so single-
 * and dual-frequency files (MSIO SMSI ISG) and version 01 read alike; fields are split at
 * blanks, so loose spacing is accepted.  Each data line's checksum (V2E section 4: the sum
 * of its bytes before CK, modulo 256) is checked, and so is the header's (the sum of the
 * header's bytes from its first line up to and including "CKSUM = ", line ends not
 * counted).  A header checksum that only matches when the line ends are counted, as some
 * receivers write it, is a warning; any other mismatch refuses the file.  A data line that
 * is broken (wrong field count, bad checksum, a value that is not a number or out of its
 * range) is refused, named by file:line and counted; the rest of the file is used.
 *
 * Units as stored here: times in ns (the file's 0.1 ns), rates in ps/s (0.1 ps/s), angles
 * in degrees (0.1 deg).  A field holding its overflow marker (all '*', or all 9s of the
 * field's full width) is NAN.  REFSYS is REF - (GNSS system time) at the track's
 * midpoint, the sign of DESIGN.md's LOCAL - GPS; a REFSYS beyond +-1 ms (a receiver that
 * wrote it modulo 1 s) is counted as overflowed, with a warning, and made NAN. */
#ifndef CVD_CGGTTS_H
#define CVD_CGGTTS_H

#include <stddef.h>

#define CGGTTS_FULL_TRKL 780   /* s: the full-length track of the BIPM schedule */
#define CGGTTS_MAX_MSGS 64     /* warnings and refusals kept per file (all are counted) */
#define CGGTTS_REFSYS_MAX_NS 1e6

struct cggtts_track {
  char sat[4];        /* constellation letter and PRN, "G08"; version 01's PRN gets 'G' */
  char frc[4];        /* V2E FRC ("L1C", "E1"); "" where the file has none */
  int mjd, sttime;    /* start of the track: MJD and seconds of the UTC day */
  int trkl;           /* s */
  double elv_deg, azth_deg;
  double refsv_ns, srsv_ps_s, refsys_ns, srsys_ps_s, dsg_ns;
  double mdtr_ns, mdio_ns, msio_ns; /* msio NAN in single-frequency files */
  int ioe;            /* -1 when overflowed */
  unsigned line;      /* 1-based line in the file */
};

enum cggtts_level { CGGTTS_WARN, CGGTTS_REFUSED };

struct cggtts_msg {
  enum cggtts_level level;
  unsigned line;      /* 0: the file as a whole */
  char text[200];
};

struct cggtts_file {
  char name[256];     /* as given, for messages */
  int version;        /* 1 (01) or 2 (V2E, also "02") */
  char rcvr[96], lab[48], ref[48], frame[48], dly[200];
  double x_m, y_m, z_m, cab_dly_ns, ref_dly_ns; /* NAN when absent */
  int dual;           /* the column line has MSIO */
  int hdr_cksum_newlines; /* the header checksum counted the line ends */
  struct cggtts_track *trk;
  size_t n, cap;
  size_t refused;     /* data lines refused */
  size_t warnings;    /* warnings given */
  size_t refsys_overflow; /* tracks whose REFSYS is overflowed */
  struct cggtts_msg msg[CGGTTS_MAX_MSGS];
  size_t nmsg;
};

/* Parses len bytes of text named name (a path or "upload").  Returns 0 when the file is a
 * CGGTTS file whose header is sound (f then holds its tracks, warnings and refusals, and
 * must be freed); -1 with "NAME:LINE: what" in err when the whole file is refused (f is
 * then freed).  Tracks come out in the file's order. */
int cggtts_parse(const char *text, size_t len, const char *name, struct cggtts_file *f,
                 char *err, size_t errlen);
/* cggtts_parse on a file's content (at most 64 MB). */
int cggtts_read(const char *path, struct cggtts_file *f, char *err, size_t errlen);
void cggtts_free(struct cggtts_file *f);

/* Records a message (kept up to CGGTTS_MAX_MSGS, always counted). */
void cggtts_note(struct cggtts_file *f, enum cggtts_level level, unsigned line,
                 const char *fmt, ...) __attribute__((format(printf, 4, 5)));

/* Whether a track is usable for time transfer: REFSYS known. */
int cggtts_usable(const struct cggtts_track *t);

#endif
