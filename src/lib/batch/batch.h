/* The batch pipeline behind `embargo batch` (docs/batch.md): screens every
 * row of a CSV or JSONL input (or checks every JSONL transaction) against a
 * shared read-only index, on N worker threads, and writes the results in
 * input order, with a crash-safe temporary output, a checkpoint for
 * --resume, an error file for bad rows, and a summary.
 *
 * Threads: one reader thread parses rows into chunks; N workers screen
 * chunks; the calling thread writes finished chunks in order. At most
 * EMB__BATCH_INFLIGHT(N) chunks exist at once (queued, being screened or
 * waiting for their turn): the reader blocks when they are all in use, so
 * memory stays flat whatever the input size.
 */
#ifndef EMB_BATCH_BATCH_H
#define EMB_BATCH_BATCH_H

#include <jansson.h>
#include <signal.h>
#include <stdio.h>

#include "embargo/check.h"
#include "embargo/screen.h"
#include "rows.h"

#define EMB__BATCH_HIST 20   /* score histogram: bins of 0.05 over [0, 1] */
#define EMB__BATCH_LISTS 64  /* list codes counted; more go to "other" */
#define EMB__BATCH_CHUNK 256 /* rows per chunk */

typedef enum emb__batch_out {
  EMB__BATCH_JSONL = 0,
  EMB__BATCH_CSV = 1
} emb__batch_out;

/* Everything a run needs. Pointers are borrowed for the run. */
typedef struct emb__batch_cfg {
  const emb_index *ix;        /* the lists to screen against */
  const emb_ruleset *rs;      /* with check: the rule set */
  int check;                  /* each JSONL row is a transaction */
  emb_screen_opts so;         /* screening options (country is set per row) */
  double threshold;           /* of a match, as in so */
  const char *as_of;          /* with check: the determination date, or NULL */
  const char *const *regimes; /* with check: only these regimes, or NULL */
  size_t n_regimes;
  const emb_ownership *ownership; /* with check: known owners, or NULL */
  emb__rows_opts rows;            /* input format and columns */
  const char *input;              /* a path, or "-" for stdin */
  const char *output;             /* a path, or "-" for stdout */
  const char *errors;             /* NULL: OUTPUT.errors.jsonl, or stderr */
  emb__batch_out format;          /* of the output */
  size_t threads;                 /* workers; 0: the number of online CPUs */
  int resume;                     /* continue from OUTPUT.checkpoint */
  int progress;                   /* 1 draw a progress bar on stderr, 0 not */
  size_t cache_entries;           /* per worker; 0: 65536; 1: no cache */
  const char *options_key;        /* the options that shape the output, as text:
                                     hashed into the checkpoint */
  double checkpoint_every;        /* seconds between checkpoints; 0: 0.5 */
  /* Or NULL. When a signal handler sets *interrupted, the run stops after
   * the chunk being written, writes a checkpoint and returns EMB_EINTR. */
  const volatile sig_atomic_t *interrupted;
} emb__batch_cfg;

/* Counts for one list code. */
typedef struct emb__batch_list {
  char code[24];
  long long hits, matches;
} emb__batch_list;

/* The summary of a run (of the whole run, across resumes). */
typedef struct emb__batch_stats {
  long long rows;                  /* rows read, good and bad */
  long long screened;              /* rows screened (or checked) */
  long long errors;                /* bad rows */
  long long rows_with_hits;        /* rows with at least one reported hit */
  long long rows_with_matches;     /* rows with a hit at the threshold */
  long long hits, matches;         /* reported hits, and those that match */
  long long hist[EMB__BATCH_HIST]; /* every reported hit's score */
  long long hist_match[EMB__BATCH_HIST]; /* the matches among them */
  long long outcomes[4];                 /* check: by emb_outcome */
  emb__batch_list lists[EMB__BATCH_LISTS + 1];
  size_t n_lists;
  long long resumed_at; /* rows done before this process started */
  int started_over;     /* --resume found no checkpoint: from row 1 */
  long long cache_hits, cache_misses;
  double seconds; /* of this process's run */
  size_t threads;
} emb__batch_stats;

/* Runs the batch. On failure returns the status and err (errlen bytes)
 * says what and where; a bad row is not a failure (it is counted in
 * stats->errors and written to the error file). */
emb_status emb__batch_run(const emb__batch_cfg *c, emb__batch_stats *stats,
                          char *err, size_t errlen);

/* The summary as JSON (docs/batch.md). Caller owns the reference. */
json_t *emb__batch_summary_json(const emb__batch_cfg *c,
                                const emb__batch_stats *s);

/* Writes the self-contained HTML report of a run to f. */
void emb__batch_report_html(FILE *f, const emb__batch_cfg *c,
                            const emb__batch_stats *s);

/* Escapes s[0..n) as a JSON string (with its quotes) onto the end of
 * *buf (of *len bytes, *cap allocated). Returns 0, -1 on out of memory. */
int emb__json_quote(char **buf, size_t *len, size_t *cap, const char *s,
                    size_t n);

#endif
