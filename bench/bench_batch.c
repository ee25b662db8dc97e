/* Batch screening benchmark (issue #5): rows per second and peak memory of
 * the `embargo batch` pipeline against every list under the data
 * directory, on 1 and 2 threads.
 *
 * Generates two CSV inputs of N rows (default 1,000,000) with a fixed
 * seed into temporary files: "distinct", where nearly every name is new
 * (10% listed names, half of them with a typo; 90% synthetic names made
 * of person-name and company words plus a number), and "repeat", where
 * the rows draw from a pool of 20,000 such names, as customer files that
 * repeat parties do. Each run is a child process (forked after the lists
 * are loaded) that runs the pipeline with its output to /dev/null and
 * reports its rows per second (screening only, not loading) and its peak
 * resident memory (getrusage ru_maxrss: the loaded lists included). A
 * run on N/10 rows shows that memory does not grow with the input.
 *
 * usage: bench_batch [--data DIR] [--rows N] [--names DIR]
 */
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../src/lib/batch/batch.h"
#include "embargo/embargo.h"

typedef struct pool {
  char **s;
  size_t n, cap;
} pool;

static void add(pool *p, const char *s, size_t n) {
  if (p->n == p->cap) {
    p->cap = p->cap ? p->cap * 2 : 1024;
    p->s = realloc(p->s, p->cap * sizeof(char *));
    if (p->s == NULL) abort();
  }
  char *c = malloc(n + 1);
  if (c == NULL) abort();
  memcpy(c, s, n);
  c[n] = '\0';
  p->s[p->n++] = c;
}

static uint64_t rng = 88172645463325252ull;
static uint64_t next_rand(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return rng;
}
static size_t pick(size_t n) {
  return (size_t)(next_rand() % n);
}

/* Words of the full names (first column) of a names CSV. */
static void read_words(const char *path, pool *words) {
  FILE *f = fopen(path, "r");
  if (f == NULL) return;
  char line[1024];
  int first = 1;
  while (fgets(line, sizeof(line), f)) {
    if (first) {
      first = 0;
      continue;
    }
    char *comma = strchr(line, ',');
    if (comma) *comma = '\0';
    char *save = NULL;
    for (char *t = strtok_r(line, " ", &save); t;
         t = strtok_r(NULL, " ", &save))
      if (strlen(t) > 1 && !strchr(t, '"')) add(words, t, strlen(t));
  }
  fclose(f);
}

/* Writes a CSV field, quoted. */
static void put_field(FILE *f, const char *s) {
  fputc('"', f);
  for (; *s; s++) {
    if (*s == '"') fputc('"', f);
    fputc(*s, f);
  }
  fputc('"', f);
}

/* One name: listed (10%, half with a typo) or synthetic. */
static void make_name(const pool *listed, const pool *words, char *buf,
                      size_t cap) {
  static const char *const corp[] = {
      "Trading",  "Logistics",   "Holdings", "Industries", "Systems",
      "Partners", "Electronics", "Ltd",      "GmbH",       "LLC"};
  if (listed->n && pick(10) == 0) {
    snprintf(buf, cap, "%s", listed->s[pick(listed->n)]);
    size_t n = strlen(buf);
    if (n > 4 && pick(2)) {
      size_t k = 1 + pick(n - 2); /* drop a letter */
      memmove(buf + k, buf + k + 1, n - k);
    }
    return;
  }
  snprintf(buf, cap, "%s %s %s %u", words->s[pick(words->n)],
           words->s[pick(words->n)], corp[pick(10)],
           (unsigned)(next_rand() % 1000000));
}

static void gen(const char *path, size_t rows, size_t distinct,
                const pool *listed, const pool *words) {
  FILE *f = fopen(path, "w");
  if (f == NULL) {
    perror(path);
    exit(3);
  }
  fputs("id,name\n", f);
  char buf[512];
  pool rep = {0};
  for (size_t i = 0; distinct && i < distinct; i++) {
    make_name(listed, words, buf, sizeof(buf));
    add(&rep, buf, strlen(buf));
  }
  for (size_t i = 0; i < rows; i++) {
    fprintf(f, "c%zu,", i);
    if (distinct)
      put_field(f, rep.s[pick(rep.n)]);
    else {
      make_name(listed, words, buf, sizeof(buf));
      put_field(f, buf);
    }
    fputc('\n', f);
  }
  for (size_t i = 0; i < rep.n; i++) free(rep.s[i]);
  free(rep.s);
  fclose(f);
}

typedef struct result {
  double rate, seconds, cpu;
  long rss_kb;
  long long rows, matches, cache_hits;
  int ok;
} result;

/* Runs the pipeline in a child; returns what it measured (CPU time: of
 * the child alone, all its threads, so it is not inflated by other load
 * on the machine the way wall-clock rates are). */
static result run(const emb_index *ix, const char *input, size_t threads) {
  int fd[2];
  result r = {0};
  if (pipe(fd) != 0) return r;
  pid_t pid = fork();
  if (pid == 0) {
    close(fd[0]);
    int null = open("/dev/null", O_WRONLY);
    if (null >= 0) dup2(null, STDOUT_FILENO);
    emb__batch_cfg c = {0};
    c.ix = ix;
    emb_screen_opts_init(&c.so);
    c.threshold = EMB_DEFAULT_THRESHOLD;
    c.rows.format = EMB__ROWS_CSV;
    c.rows.id_column = "id";
    c.input = input;
    c.output = "-";
    c.errors = "/dev/null";
    c.threads = threads;
    emb__batch_stats s;
    char err[400];
    result out = {0};
    if (emb__batch_run(&c, &s, err, sizeof(err)) == EMB_OK) {
      struct rusage ru;
      getrusage(RUSAGE_SELF, &ru);
      out.ok = 1;
      out.seconds = s.seconds;
      out.rows = s.rows;
      out.rate = s.seconds > 0 ? (double)s.rows / s.seconds : 0;
      out.rss_kb = ru.ru_maxrss;
      out.cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
                (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
      out.matches = s.matches;
      out.cache_hits = s.cache_hits;
    } else {
      fprintf(stderr, "bench_batch: %s\n", err);
    }
    if (write(fd[1], &out, sizeof(out)) != (ssize_t)sizeof(out)) _exit(1);
    _exit(0);
  }
  close(fd[1]);
  if (pid > 0 && read(fd[0], &r, sizeof(r)) != (ssize_t)sizeof(r)) r.ok = 0;
  close(fd[0]);
  if (pid > 0) waitpid(pid, NULL, 0);
  return r;
}

int main(int argc, char **argv) {
  const char *shared = getenv("EMBARGO_SHARED_DATA");
  char data[4096], names[4096];
  snprintf(data, sizeof(data), "%s/lists", shared ? shared : "../shared/data");
  snprintf(names, sizeof(names), "%s/names",
           shared ? shared : "../shared/data");
  size_t rows = 1000000;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (strcmp(argv[i], "--data") == 0)
      snprintf(data, sizeof(data), "%s", argv[i + 1]);
    else if (strcmp(argv[i], "--names") == 0)
      snprintf(names, sizeof(names), "%s", argv[i + 1]);
    else if (strcmp(argv[i], "--rows") == 0)
      rows = strtoul(argv[i + 1], NULL, 10);
  }
  if (rows < 10) rows = 10;
  const char *paths[] = {data};
  emb_listset *ls = NULL;
  emb_index *ix = NULL;
  if (emb_listset_load(paths, 1, NULL, &ls) != EMB_OK ||
      emb_index_build(ls, &ix) != EMB_OK) {
    fprintf(stderr, "bench_batch: cannot load %s\n", data);
    return 3;
  }
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  long base_kb = ru.ru_maxrss;
  pool listed = {0}, words = {0};
  for (size_t i = 0; i < emb_listset_count(ls); i++) {
    const emb_entity *e = emb_listset_entity(ls, i);
    const char *n = e->names[0].text;
    if (n && strlen(n) >= 4 && strlen(n) < 120 && !strchr(n, '"'))
      add(&listed, n, strlen(n));
  }
  char p1[4200];
  snprintf(p1, sizeof(p1), "%s/negatives-sample-global.csv", names);
  read_words(p1, &words);
  snprintf(p1, sizeof(p1), "%s/negatives-sample-us.csv", names);
  read_words(p1, &words);
  if (words.n == 0) add(&words, "Acme", 4);

  char dir[] = "/tmp/bench_batch_XXXXXX";
  if (mkdtemp(dir) == NULL) return 3;
  char in_d[4200], in_r[4200], in_s[4200];
  snprintf(in_d, sizeof(in_d), "%s/distinct.csv", dir);
  snprintf(in_r, sizeof(in_r), "%s/repeat.csv", dir);
  snprintf(in_s, sizeof(in_s), "%s/distinct-small.csv", dir);
  gen(in_d, rows, 0, &listed, &words);
  gen(in_r, rows, 20000, &listed, &words);
  gen(in_s, rows / 10, 0, &listed, &words);

  printf("bench_batch: %zu entities from %s; lists and index: %ld MiB peak\n",
         emb_listset_count(ls), data, base_kb / 1024);
  printf("%-20s %8s %7s %9s %8s %11s %8s %9s\n", "input", "rows", "threads",
         "rows/s", "seconds", "CPU us/row", "matches", "peak MiB");
  struct {
    const char *label, *path;
    size_t threads;
  } runs[] = {
      {"distinct", in_d, 1},           {"distinct", in_d, 2},
      {"repeat (20k names)", in_r, 1}, {"repeat (20k names)", in_r, 2},
      {"distinct (1/10)", in_s, 2},
  };
  int rc = 0;
  for (size_t i = 0; i < sizeof(runs) / sizeof(runs[0]); i++) {
    result r = run(ix, runs[i].path, runs[i].threads);
    if (!r.ok) {
      rc = 1;
      continue;
    }
    printf("%-20s %8lld %7zu %9.0f %8.2f %11.1f %8lld %9.1f\n", runs[i].label,
           r.rows, runs[i].threads, r.rate, r.seconds,
           r.rows ? r.cpu * 1e6 / (double)r.rows : 0, r.matches,
           (double)r.rss_kb / 1024);
    fflush(stdout);
  }
  unlink(in_d);
  unlink(in_r);
  unlink(in_s);
  rmdir(dir);
  for (size_t i = 0; i < listed.n; i++) free(listed.s[i]);
  for (size_t i = 0; i < words.n; i++) free(words.s[i]);
  free(listed.s);
  free(words.s);
  emb_index_free(ix);
  emb_listset_free(ls);
  return rc;
}
