/* Inside cggtts/: the file's lines and its column layout, shared by the header reader
 * (header.c), the data-line reader (data.c) and the driver (file.c). */
#ifndef CVD_CGGTTS_CGINT_H
#define CVD_CGGTTS_CGINT_H

#include <stddef.h>

#include "cggtts/cggtts.h"

#define CG_MAX_LINE 1024 /* bytes in a line; longer is not CGGTTS */
#define CG_MAX_HEADER 100 /* lines before CKSUM */

struct cg_line {
  const char *p;   /* its bytes, without the line end */
  size_t len;
  size_t eol;      /* bytes of its line end as written: 0, 1 (LF) or 2 (CR LF) */
  unsigned no;     /* 1-based */
};

/* The columns V2E and version 01 name; the others are read and ignored. */
enum cg_col {
  CG_SAT, CG_CL, CG_MJD, CG_STTIME, CG_TRKL, CG_ELV, CG_AZTH, CG_REFSV, CG_SRSV,
  CG_REFSYS, CG_SRSYS, CG_DSG, CG_IOE, CG_MDTR, CG_SMDT, CG_MDIO, CG_SMDI, CG_MSIO,
  CG_SMSI, CG_ISG, CG_FR, CG_HC, CG_FRC, CG_CK, CG_NCOL, CG_UNKNOWN = -1
};

#define CG_MAX_COLS 40

struct cg_cols {
  int kind[CG_MAX_COLS]; /* enum cg_col of each column of the column line */
  int n;
};

/* Reads the header from lines[0] up to its CKSUM line, checking its checksum; *next is
 * the line after CKSUM.  0, or -1 with "NAME:LINE: what" in err (the file is refused). */
int cg_header(struct cggtts_file *f, const struct cg_line *lines, size_t nlines,
              size_t *next, char *err, size_t errlen);

/* Whether the line is the column line (it names MJD and STTIME). */
int cg_is_column_line(const struct cg_line *l);
/* Reads the column line.  0, or -1 with "NAME:LINE: what" in err. */
int cg_columns(struct cggtts_file *f, const struct cg_line *l, struct cg_cols *c, char *err,
               size_t errlen);
/* Reads one data line into f: a track, or a refusal (or a warning for a line that is not
 * a data line at all).  -1 only when out of memory. */
int cg_data_line(struct cggtts_file *f, const struct cg_cols *c, const struct cg_line *l);

/* Splits at blanks into at most max tokens (start offsets and lengths); the count, or
 * max + 1 when there are more. */
int cg_tokens(const struct cg_line *l, size_t *start, size_t *len, int max);

#endif
