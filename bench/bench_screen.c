/* Screening benchmark on the real lists.
 *
 * Loads every list under the data directory, builds the index, then screens
 * (a) the synthetic negative person names of ../shared/data/names, none of
 * them listed, and (b) positives derived from listed names with one typo
 * each. Prints load-and-index time, peak memory, queries per second on one
 * thread and on all cores, latency percentiles, recall of the positives at
 * the default threshold, and the share of negatives over the threshold.
 *
 * usage: bench_screen [--data DIR] [--names DIR] [--positives N]
 *                     [--threads N] [--rounds N] [--json]
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include "embargo/embargo.h"

typedef struct query {
  char *text;
  const char *expect_id;   /* positives: the entity the typo came from */
  const char *expect_name; /* its original name */
} query;

typedef struct qset {
  query *q;
  size_t n, cap;
} qset;

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void push(qset *s, char *text, const char *id, const char *name) {
  if (s->n == s->cap) {
    s->cap = s->cap ? s->cap * 2 : 1024;
    s->q = realloc(s->q, s->cap * sizeof(query));
    if (s->q == NULL) abort();
  }
  s->q[s->n++] = (query){text, id, name};
}

/* The first field of each line of a names CSV (header skipped); the
 * sample files have no quoted commas in full_name. */
static void read_names(const char *path, qset *s) {
  FILE *f = fopen(path, "r");
  if (f == NULL) {
    fprintf(stderr, "bench: cannot open %s\n", path);
    exit(3);
  }
  char *line = NULL;
  size_t cap = 0;
  ssize_t len;
  int first = 1;
  while ((len = getline(&line, &cap, f)) > 0) {
    if (first) {
      first = 0;
      continue;
    }
    char *comma = strchr(line, ',');
    if (comma) *comma = '\0';
    char *t = strdup(line);
    if (t == NULL) abort();
    push(s, t, NULL, NULL);
  }
  free(line);
  fclose(f);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void) {
  rng_state ^= rng_state << 13;
  rng_state ^= rng_state >> 7;
  rng_state ^= rng_state << 17;
  return rng_state;
}

static int is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* One typo (delete, insert, substitute or swap two letters) inside a word
 * of at least 5 letters; NULL if the name has no such word or is not
 * ASCII. */
static char *typo(const char *name) {
  size_t n = strlen(name);
  size_t starts[64], lens[64], nw = 0;
  for (size_t i = 0; i < n;) {
    if ((unsigned char)name[i] >= 0x80) return NULL;
    if (!is_alpha(name[i])) {
      i++;
      continue;
    }
    size_t j = i;
    while (j < n && is_alpha(name[j])) j++;
    if (j - i >= 5 && nw < 64) {
      starts[nw] = i;
      lens[nw++] = j - i;
    }
    i = j;
  }
  if (nw == 0) return NULL;
  size_t w = rnd() % nw, pos = starts[w] + 1 + rnd() % (lens[w] - 2);
  char *out = malloc(n + 2);
  if (out == NULL) abort();
  char letter = (char)('a' + rnd() % 26);
  if (name[pos] >= 'A' && name[pos] <= 'Z') letter = (char)(letter - 32);
  switch (rnd() % 4) {
    case 0: /* delete */
      memcpy(out, name, pos);
      memcpy(out + pos, name + pos + 1, n - pos);
      break;
    case 1: /* insert */
      memcpy(out, name, pos);
      out[pos] = letter;
      memcpy(out + pos + 1, name + pos, n - pos + 1);
      break;
    case 2: /* substitute */
      memcpy(out, name, n + 1);
      out[pos] = name[pos] == letter ? (char)(letter ^ 1) : letter;
      break;
    default: /* transpose */
      memcpy(out, name, n + 1);
      out[pos] = name[pos + 1];
      out[pos + 1] = name[pos];
      if (!is_alpha(out[pos + 1]) || out[pos] == out[pos + 1])
        out[pos] = name[pos] == letter ? (char)(letter ^ 1) : letter;
      break;
  }
  return out;
}

typedef struct job {
  const emb_index *ix;
  const qset *qs;
  size_t from, to;
  double *lat; /* per query, seconds; may be NULL */
  size_t matched;
} job;

static void *run(void *arg) {
  job *j = arg;
  for (size_t i = j->from; i < j->to; i++) {
    const query *q = &j->qs->q[i];
    double t0 = j->lat ? now() : 0;
    emb_result *r = NULL;
    if (emb_screen(j->ix, q->text, strlen(q->text), NULL, &r) != EMB_OK)
      continue;
    if (j->lat) j->lat[i] = now() - t0;
    for (size_t k = 0; k < emb_result_count(r); k++)
      if (emb_result_hit(r, k)->match) {
        j->matched++;
        break;
      }
    emb_result_free(r);
  }
  return NULL;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static int hit_ok(const emb_result *r, const query *q) {
  for (size_t k = 0; k < emb_result_count(r); k++) {
    const emb_hit *h = emb_result_hit(r, k);
    if (!h->match) continue;
    if (strcmp(h->entity->id, q->expect_id) == 0) return 1;
    for (size_t m = 0; m < h->entity->n_names; m++)
      if (strcmp(h->entity->names[m].text, q->expect_name) == 0) return 1;
  }
  return 0;
}

int main(int argc, char **argv) {
  const char *shared = getenv("EMBARGO_SHARED_DATA");
  char data[4096], names[4096];
  snprintf(data, sizeof(data), "%s/lists", shared ? shared : "../shared/data");
  snprintf(names, sizeof(names), "%s/names",
           shared ? shared : "../shared/data");
  const char *data_dir = data, *names_dir = names;
  size_t n_pos = 5000, rounds = 5;
  long threads = sysconf(_SC_NPROCESSORS_ONLN);
  int json = 0;
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--data") && i + 1 < argc)
      data_dir = argv[++i];
    else if (!strcmp(argv[i], "--names") && i + 1 < argc)
      names_dir = argv[++i];
    else if (!strcmp(argv[i], "--positives") && i + 1 < argc)
      n_pos = strtoul(argv[++i], NULL, 10);
    else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
      threads = strtol(argv[++i], NULL, 10);
    else if (!strcmp(argv[i], "--rounds") && i + 1 < argc)
      rounds = strtoul(argv[++i], NULL, 10);
    else if (!strcmp(argv[i], "--json"))
      json = 1;
    else {
      fprintf(stderr,
              "usage: bench_screen [--data DIR] [--names DIR] "
              "[--positives N] [--threads N] [--rounds N] [--json]\n");
      return 2;
    }
  }
  if (threads < 1) threads = 1;
  if (rounds < 1) rounds = 1;

  double t0 = now();
  emb_listset *ls = NULL;
  emb_load_opts lo = {0};
  emb_status st = emb_listset_load(&data_dir, 1, &lo, &ls);
  if (st != EMB_OK) {
    fprintf(stderr, "bench: loading %s: %s\n", data_dir, emb_strerror(st));
    return 3;
  }
  double t_load = now() - t0;
  emb_index *ix = NULL;
  if (emb_index_build(ls, &ix) != EMB_OK) return 3;
  double t_index = now() - t0 - t_load;

  /* Negatives. */
  qset neg = {0};
  char path[4200];
  snprintf(path, sizeof(path), "%s/negatives-sample-us.csv", names_dir);
  read_names(path, &neg);
  snprintf(path, sizeof(path), "%s/negatives-sample-global.csv", names_dir);
  read_names(path, &neg);
  /* Positives: one typo in a primary name of a random entity. */
  qset pos = {0};
  size_t ne = emb_listset_count(ls);
  for (size_t tries = 0; pos.n < n_pos && tries < n_pos * 20; tries++) {
    const emb_entity *e = emb_listset_entity(ls, rnd() % ne);
    char *t = typo(e->names[0].text);
    if (t) push(&pos, t, e->id, e->names[0].text);
  }

  /* Accuracy. */
  size_t recall_ok = 0, fp = 0;
  for (size_t i = 0; i < pos.n; i++) {
    emb_result *r = NULL;
    if (emb_screen(ix, pos.q[i].text, strlen(pos.q[i].text), NULL, &r) ==
        EMB_OK) {
      if (hit_ok(r, &pos.q[i]))
        recall_ok++;
      else if (getenv("BENCH_SHOW_MISSES"))
        fprintf(stderr, "miss: %s (from %s)\n", pos.q[i].text,
                pos.q[i].expect_name);
    }
    emb_result_free(r);
  }
  for (size_t i = 0; i < neg.n; i++) {
    emb_result *r = NULL;
    if (emb_screen(ix, neg.q[i].text, strlen(neg.q[i].text), NULL, &r) ==
        EMB_OK) {
      for (size_t k = 0; k < emb_result_count(r); k++)
        if (emb_result_hit(r, k)->match) {
          fp++;
          if (getenv("BENCH_SHOW_FP"))
            fprintf(stderr, "false positive: %s ~ %s (%.3f)\n", neg.q[i].text,
                    emb_result_hit(r, k)->matched_name,
                    emb_result_hit(r, k)->score);
          break;
        }
    }
    emb_result_free(r);
  }

  /* Throughput: the mixed query set, several rounds. */
  qset mix = {0};
  for (size_t r = 0; r < rounds; r++) {
    for (size_t i = 0; i < neg.n; i++) push(&mix, neg.q[i].text, NULL, NULL);
    for (size_t i = 0; i < pos.n; i++) push(&mix, pos.q[i].text, NULL, NULL);
  }
  double *lat = calloc(mix.n, sizeof(double));
  job one = {ix, &mix, 0, mix.n, lat, 0};
  double t1 = now();
  run(&one);
  double single = now() - t1;
  qsort(lat, mix.n, sizeof(double), cmp_double);
  double p50 = lat[mix.n / 2], p99 = lat[(size_t)(mix.n * 0.99)],
         p999 = lat[(size_t)(mix.n * 0.999)], pmax = lat[mix.n - 1];

  pthread_t *tid = calloc((size_t)threads, sizeof(pthread_t));
  job *jobs = calloc((size_t)threads, sizeof(job));
  t1 = now();
  for (long t = 0; t < threads; t++) {
    jobs[t] = (job){ix,
                    &mix,
                    mix.n * (size_t)t / (size_t)threads,
                    mix.n * (size_t)(t + 1) / (size_t)threads,
                    NULL,
                    0};
    pthread_create(&tid[t], NULL, run, &jobs[t]);
  }
  for (long t = 0; t < threads; t++) pthread_join(tid[t], NULL);
  double multi = now() - t1;

  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  double recall = pos.n ? (double)recall_ok / (double)pos.n : 0;
  double fpr = neg.n ? (double)fp / (double)neg.n : 0;
  if (json) {
    printf(
        "{\"entities\":%zu,\"variants\":%zu,\"load_s\":%.3f,"
        "\"index_s\":%.3f,\"peak_rss_mb\":%.1f,\"queries\":%zu,"
        "\"qps_1\":%.0f,\"qps_all\":%.0f,\"threads\":%ld,"
        "\"p50_us\":%.1f,\"p99_us\":%.1f,\"p999_us\":%.1f,\"max_us\":%.1f,"
        "\"positives\":%zu,\"recall\":%.4f,\"negatives\":%zu,"
        "\"false_positives\":%zu,\"fp_rate\":%.4f}\n",
        ne, emb_index_variant_count(ix), t_load, t_index,
        (double)ru.ru_maxrss / 1024.0, mix.n, (double)mix.n / single,
        (double)mix.n / multi, threads, p50 * 1e6, p99 * 1e6, p999 * 1e6,
        pmax * 1e6, pos.n, recall, neg.n, fp, fpr);
  } else {
    printf("embargo screening benchmark (%s)\n", data_dir);
    printf("  entities loaded          %zu (%zu name forms, %zu tokens)\n", ne,
           emb_index_variant_count(ix), emb_index_token_count(ix));
    printf("  load                     %.3f s\n", t_load);
    printf("  index                    %.3f s\n", t_index);
    printf("  load + index             %.3f s\n", t_load + t_index);
    printf("  peak memory (RSS)        %.1f MiB\n",
           (double)ru.ru_maxrss / 1024.0);
    printf("  queries                  %zu (negatives and typo positives)\n",
           mix.n);
    printf("  throughput, 1 thread     %.0f queries/s\n",
           (double)mix.n / single);
    printf("  throughput, %ld threads   %.0f queries/s\n", threads,
           (double)mix.n / multi);
    printf("  latency p50 / p99        %.1f / %.1f us (p99.9 %.1f, max %.1f)\n",
           p50 * 1e6, p99 * 1e6, p999 * 1e6, pmax * 1e6);
    printf("  recall, typo positives   %.4f (%zu of %zu) at threshold %.2f\n",
           recall, recall_ok, pos.n, EMB_DEFAULT_THRESHOLD);
    printf("  negatives over threshold %zu of %zu (%.4f)\n", fp, neg.n, fpr);
  }
  for (size_t i = 0; i < neg.n; i++) free(neg.q[i].text);
  for (size_t i = 0; i < pos.n; i++) free(pos.q[i].text);
  free(neg.q);
  free(pos.q);
  free(mix.q);
  free(lat);
  free(tid);
  free(jobs);
  emb_index_free(ix);
  emb_listset_free(ls);
  emb_cleanup();
  return 0;
}
