/* Licence determination benchmark: determinations per second for a
 * realistic mix of transactions, screening included.
 *
 * The mix: 1 to 4 items (half EAR99, the rest from 3A001, 3A090, 3A991,
 * 3B001.c, 4A994, 5A992, 5E002, a few unknown), US-made or foreign-made
 * with a US content share, to 12 destinations, dated 2019 to 2025; 1 to 3
 * parties drawn from a pool of company and person names in which 15% are
 * listed names. A company's transactions repeat its customers, so parties
 * are drawn with a skewed (Zipf-like) distribution over the pool.
 * Foreign-made items (from TW, DE, JP, KR, NL, CN) carry their
 * classification on the NL, JP and CN lists, so the regimes of
 * docs/regimes.md apply to them; one party in five has one or two owners
 * (the 50% rules screen them too).
 *
 * Figures: transactions parsed per second; determinations per second on
 * one thread without a screening cache (every party screened every
 * time), with a per-thread cache, and on all cores with a cache each;
 * p50/p99 latency of one determination; and the end-to-end rate (parse,
 * determine, JSON).
 *
 * usage: bench_check [--data DIR|FILE] [--rules DIR] [--names DIR]
 *                    [--n N] [--pool N] [--threads N]
 */
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "embargo/embargo.h"

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* A small deterministic generator, so runs compare. */
static uint64_t rng = 0x9E3779B97F4A7C15ull;
static uint32_t rnd(void) {
  rng ^= rng << 13;
  rng ^= rng >> 7;
  rng ^= rng << 17;
  return (uint32_t)(rng >> 11);
}
static double rnd01(void) {
  return (double)rnd() / 2097152.0 / 1024.0;
}

typedef struct strs {
  char **v;
  size_t n, cap;
} strs;

static void push(strs *s, char *x) {
  if (s->n == s->cap) {
    s->cap = s->cap ? s->cap * 2 : 1024;
    s->v = realloc(s->v, s->cap * sizeof(*s->v));
    if (s->v == NULL) abort();
  }
  s->v[s->n++] = x;
}

static void read_names(const char *path, strs *s) {
  FILE *f = fopen(path, "r");
  if (f == NULL) return;
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
    line[strcspn(line, "\r\n")] = '\0';
    if (*line && strchr(line, '"') == NULL && strchr(line, '\\') == NULL)
      push(s, strdup(line));
  }
  free(line);
  fclose(f);
}

/* A JSON string body: names from lists may hold quotes or backslashes. */
static void json_escape(const char *in, char *out, size_t n) {
  size_t k = 0;
  for (; *in && k + 3 < n; in++) {
    unsigned char c = (unsigned char)*in;
    if (c == '"' || c == '\\') out[k++] = '\\';
    if (c < 0x20) continue;
    out[k++] = (char)c;
  }
  out[k] = '\0';
}

static const char *const words1[] = {
    "Northern", "Pacific", "Golden", "Silver", "Eastern", "Western",
    "Bright",   "Union",   "Global", "Prime",  "Summit",  "Harbor",
    "Crystal",  "Delta",   "Orion",  "Apex",   "Nova",    "Vertex"};
static const char *const words2[] = {
    "Electronics", "Trading",   "Logistics",  "Components", "Systems",
    "Industries",  "Precision", "Devices",    "Materials",  "Optics",
    "Machinery",   "Networks",  "Instruments"};
static const char *const forms[] = {"Co., Ltd.",   "GmbH", "Inc.", "Limited",
                                    "Corporation", "B.V.", "S.A.", "Pte. Ltd.",
                                    "K.K.",        "LLC"};

#define N(a) (sizeof(a) / sizeof((a)[0]))

static char *company(void) {
  char buf[200];
  snprintf(buf, sizeof(buf), "%s %s %s %s", words1[rnd() % N(words1)],
           words1[rnd() % N(words1)], words2[rnd() % N(words2)],
           forms[rnd() % N(forms)]);
  return strdup(buf);
}

static const char *const eccns[] = {"3A001", "3A090", "3A991", "3B001.c",
                                    "4A994", "5A992", "5E002", "3A001.b",
                                    "3B993", "4A999"};
static const char *const dests[] = {"CN", "CN", "CN", "DE", "NL", "JP",
                                    "TW", "RU", "CU", "MO", "HK", "MX"};
static const char *const origins[] = {"TW", "DE", "JP", "KR", "NL", "CN"};
static const char *const nl_codes[] = {"3B001.f.4", "none", "none", "3D007"};
static const char *const jp_codes[] = {"6.17.ru", "none", "none", "6.17.ka"};
static const char *const cn_codes[] = {"CN-GA.5", "none", "none", "none"};
static const char *const roles[] = {"purchaser", "intermediate_consignee",
                                    "ultimate_consignee", "end_user"};

/* A party index skewed towards the start of the pool. */
static size_t pick(size_t pool) {
  double u = rnd01();
  return (size_t)((double)pool * u * u * u) % pool;
}

static char *transaction(const strs *names) {
  char buf[8192], esc[600];
  size_t k = 0;
  int y = 2019 + (int)(rnd() % 7), m = 1 + (int)(rnd() % 12),
      d = 1 + (int)(rnd() % 28);
  const char *to = dests[rnd() % N(dests)];
  int foreign = rnd() % 4 == 0;
  const char *from = foreign ? origins[rnd() % N(origins)] : "US";
  k += (size_t)snprintf(buf + k, sizeof(buf) - k,
                        "{\"date\":\"%04d-%02d-%02d\",\"from\":\"%s\","
                        "\"to\":\"%s\",\"items\":[",
                        y, m, d, from, to);
  int n_items = 1 + (int)(rnd() % 4);
  for (int i = 0; i < n_items; i++) {
    const char *e = rnd() % 2 ? "EAR99" : eccns[rnd() % N(eccns)];
    if (foreign)
      k += (size_t)snprintf(
          buf + k, sizeof(buf) - k,
          "%s{\"eccn\":\"%s\",\"origin\":\"%s\","
          "\"us_content_pct\":%u,"
          "\"direct_product_of_us_technology\":%s,"
          "\"classification\":{\"NL\":\"%s\",\"EU\":"
          "\"none\",\"JP\":\"%s\",\"CN\":\"%s\"}}",
          i ? "," : "", e, from, rnd() % 40, rnd() % 3 ? "false" : "true",
          nl_codes[rnd() % N(nl_codes)], jp_codes[rnd() % N(jp_codes)],
          cn_codes[rnd() % N(cn_codes)]);
    else
      k += (size_t)snprintf(buf + k, sizeof(buf) - k,
                            "%s{\"eccn\":\"%s\",\"origin\":\"US\"}",
                            i ? "," : "", e);
  }
  k += (size_t)snprintf(buf + k, sizeof(buf) - k, "],\"parties\":[");
  int n_parties = 1 + (int)(rnd() % 3);
  for (int i = 0; i < n_parties; i++) {
    json_escape(names->v[pick(names->n)], esc, sizeof(esc));
    k += (size_t)snprintf(buf + k, sizeof(buf) - k,
                          "%s{\"role\":\"%s\",\"name\":\"%s\"", i ? "," : "",
                          roles[(i + 3) % 4], esc);
    if (rnd() % 5 == 0) {
      int n_owners = 1 + (int)(rnd() % 2);
      k += (size_t)snprintf(buf + k, sizeof(buf) - k, ",\"owners\":[");
      for (int o = 0; o < n_owners; o++) {
        json_escape(names->v[pick(names->n)], esc, sizeof(esc));
        k += (size_t)snprintf(buf + k, sizeof(buf) - k,
                              "%s{\"name\":\"%s\",\"share_pct\":%u}",
                              o ? "," : "", esc, 20 + rnd() % 30);
      }
      k += (size_t)snprintf(buf + k, sizeof(buf) - k, "]");
    }
    k += (size_t)snprintf(buf + k, sizeof(buf) - k, "}");
  }
  k += (size_t)snprintf(
      buf + k, sizeof(buf) - k, "]%s}",
      rnd() % 10 == 0 ? ",\"end_uses\":[\"advanced_node_ic_production\"]" : "");
  return strdup(buf);
}

typedef struct job {
  const emb_ruleset *rs;
  const emb_index *ix;
  emb_txn **txns;
  size_t from, to;
  int mode;    /* 0 no cache, 1 a fresh cache, 2 a cache warmed first */
  double *lat; /* per determination, or NULL */
  size_t outcomes[4];
  pthread_barrier_t *barrier; /* the timed passes start together */
} job;

static void check(job *j, emb_check_cache *cache, size_t i) {
  emb_determination *d = NULL;
  emb_check_opts o = {.cache = cache};
  if (emb_check_ex(j->rs, j->ix, j->txns[i], &o, &d) != EMB_OK) abort();
  j->outcomes[emb_determination_outcome(d)]++;
  emb_determination_free(d);
}

static void *run(void *arg) {
  job *j = arg;
  emb_check_cache *cache = NULL;
  if (j->mode && emb_check_cache_new(65536, &cache) != EMB_OK) abort();
  /* A warm-up pass screens every name of the thread's share once, as a
   * long-running service has done before. */
  for (size_t i = j->from; j->mode == 2 && i < j->to; i++) check(j, cache, i);
  memset(j->outcomes, 0, sizeof(j->outcomes));
  pthread_barrier_wait(j->barrier);
  for (size_t i = j->from; i < j->to; i++) {
    double t0 = j->lat ? now() : 0;
    check(j, cache, i);
    if (j->lat) j->lat[i - j->from] = now() - t0;
  }
  emb_check_cache_free(cache);
  return NULL;
}

/* Runs n determinations over `threads` threads; returns the rate. */
static double measure(const emb_ruleset *rs, const emb_index *ix,
                      emb_txn **txns, size_t n, int threads, int mode,
                      double *lat, size_t outcomes[4]) {
  job jobs[256];
  pthread_t tid[256];
  pthread_barrier_t barrier;
  if (pthread_barrier_init(&barrier, NULL, (unsigned)threads + 1) != 0) abort();
  for (int t = 0; t < threads; t++) {
    jobs[t] = (job){rs,
                    ix,
                    txns,
                    n * (size_t)t / (size_t)threads,
                    n * (size_t)(t + 1) / (size_t)threads,
                    mode,
                    t == 0 ? lat : NULL,
                    {0, 0, 0, 0},
                    &barrier};
    if (pthread_create(&tid[t], NULL, run, &jobs[t]) != 0) abort();
  }
  pthread_barrier_wait(&barrier);
  double t0 = now();
  for (int t = 0; t < threads; t++) pthread_join(tid[t], NULL);
  double dt = now() - t0;
  pthread_barrier_destroy(&barrier);
  if (outcomes)
    for (int t = 0; t < threads; t++)
      for (int k = 0; k < 4; k++) outcomes[k] += jobs[t].outcomes[k];
  return (double)n / dt;
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return x < y ? -1 : x > y;
}

static void percentiles(double *lat, size_t n, const char *what) {
  qsort(lat, n, sizeof(*lat), cmp_double);
  printf("  latency %-22s p50 %7.1f us   p99 %7.1f us   max %7.1f us\n", what,
         lat[n / 2] * 1e6, lat[n * 99 / 100] * 1e6, lat[n - 1] * 1e6);
}

int main(int argc, char **argv) {
  const char *shared = getenv("EMBARGO_SHARED_DATA");
  char names_dir[4096];
  snprintf(names_dir, sizeof(names_dir), "%s/names",
           shared ? shared : "../shared/data");
  const char *data = emb_default_lists_dir(), *rules = emb_default_rules_dir();
  const char *names = names_dir;
  size_t n = 50000, pool = 5000;
  long threads = sysconf(_SC_NPROCESSORS_ONLN);
  for (int i = 1; i < argc; i++) {
    if (!strcmp(argv[i], "--data") && i + 1 < argc)
      data = argv[++i];
    else if (!strcmp(argv[i], "--rules") && i + 1 < argc)
      rules = argv[++i];
    else if (!strcmp(argv[i], "--names") && i + 1 < argc)
      names = argv[++i];
    else if (!strcmp(argv[i], "--n") && i + 1 < argc)
      n = strtoul(argv[++i], NULL, 10);
    else if (!strcmp(argv[i], "--pool") && i + 1 < argc)
      pool = strtoul(argv[++i], NULL, 10);
    else if (!strcmp(argv[i], "--threads") && i + 1 < argc)
      threads = strtol(argv[++i], NULL, 10);
    else {
      fprintf(stderr,
              "usage: bench_check [--data DIR|FILE] [--rules DIR] [--names "
              "DIR] [--n N] [--pool N] [--threads N]\n");
      return 2;
    }
  }
  if (threads < 1) threads = 1;
  if (threads > 256) threads = 256;
  if (n < 100) n = 100;
  if (pool < 10) pool = 10;

  double t0 = now();
  emb_ruleset *rs = NULL;
  if (emb_ruleset_load(rules, NULL, &rs) != EMB_OK) {
    fprintf(stderr, "bench: cannot load the rules from %s\n", rules);
    return 3;
  }
  emb_listset *ls = NULL;
  emb_index *ix = NULL;
  const char *paths[1] = {data};
  if (emb_listset_load(paths, 1, NULL, &ls) != EMB_OK ||
      emb_index_build(ls, &ix) != EMB_OK) {
    fprintf(stderr, "bench: cannot load the lists from %s\n", data);
    return 3;
  }
  printf(
      "rules %s: %zu rules in %zu packs; lists %s: %zu entities; "
      "loaded in %.2f s\n",
      rules, emb_ruleset_rule_count(rs), emb_ruleset_pack_count(rs), data,
      emb_listset_count(ls), now() - t0);

  /* The pool of party names: 15% listed names, the rest companies and
   * people that are not listed. */
  strs people = {0}, pooled = {0};
  char path[4200];
  snprintf(path, sizeof(path), "%s/negatives-sample-us.csv", names);
  read_names(path, &people);
  snprintf(path, sizeof(path), "%s/negatives-sample-global.csv", names);
  read_names(path, &people);
  size_t n_ent = emb_listset_count(ls);
  for (size_t i = 0; i < pool; i++) {
    uint32_t r = rnd() % 100;
    if (r < 15 && n_ent)
      push(&pooled,
           strdup(emb_listset_entity(ls, rnd() % n_ent)->names[0].text));
    else if (r < 75 || people.n == 0)
      push(&pooled, company());
    else
      push(&pooled, strdup(people.v[rnd() % people.n]));
  }
  /* Shuffle so that listed names are not all at the popular end. */
  for (size_t i = pooled.n; i > 1; i--) {
    size_t j = rnd() % i;
    char *x = pooled.v[i - 1];
    pooled.v[i - 1] = pooled.v[j];
    pooled.v[j] = x;
  }
  strs json = {0};
  for (size_t i = 0; i < n; i++) push(&json, transaction(&pooled));

  emb_txn **txns = calloc(n, sizeof(*txns));
  if (txns == NULL) abort();
  t0 = now();
  for (size_t i = 0; i < n; i++) {
    char err[200];
    if (emb_txn_parse(json.v[i], strlen(json.v[i]), err, sizeof(err),
                      &txns[i]) != EMB_OK) {
      fprintf(stderr, "bench: bad transaction %zu: %s\n", i, err);
      return 3;
    }
  }
  double parse_rate = (double)n / (now() - t0);
  printf(
      "mix: %zu transactions, %zu distinct party names (%zu in the pool "
      "file sample), %ld threads\n",
      n, pooled.n, people.n, threads);
  printf("  parse                        %10.0f transactions/s\n", parse_rate);

  double *lat = malloc(n * sizeof(*lat));
  size_t cold_n = n < 5000 ? n : 5000;
  size_t outcomes[4] = {0, 0, 0, 0};
  double cold = measure(rs, ix, txns, cold_n, 1, 0, lat, NULL);
  printf("  1 thread, no cache           %10.0f determinations/s (%zu)\n", cold,
         cold_n);
  percentiles(lat, cold_n, "(no cache)");
  /* A first pass screens every name once; the second finds them all in
   * the cache, as a long-running service does. */
  double first = measure(rs, ix, txns, n, 1, 1, NULL, outcomes);
  printf("  1 thread, cache, first pass  %10.0f determinations/s\n", first);
  double warm = measure(rs, ix, txns, n, 1, 2, lat, NULL);
  printf("  1 thread, cache, warm        %10.0f determinations/s\n", warm);
  percentiles(lat, n, "(warm cache)");
  double all = measure(rs, ix, txns, n, (int)threads, 1, NULL, NULL);
  printf(
      "  %ld threads, first pass       %10.0f determinations/s "
      "(%.0f per thread)\n",
      threads, all, all / (double)threads);
  all = measure(rs, ix, txns, n, (int)threads, 2, NULL, NULL);
  printf(
      "  %ld threads, warm             %10.0f determinations/s "
      "(%.0f per thread)\n",
      threads, all, all / (double)threads);
  printf(
      "  outcomes: %zu no licence, %zu cannot determine, %zu licence, "
      "%zu prohibited\n",
      outcomes[0], outcomes[1], outcomes[2], outcomes[3]);

  /* End to end on one thread: parse, determine, JSON. */
  emb_check_cache *cache = NULL;
  if (emb_check_cache_new(65536, &cache) != EMB_OK) abort();
  size_t e2e_n = n < 20000 ? n : 20000, bytes = 0;
  t0 = now();
  for (size_t i = 0; i < e2e_n; i++) {
    emb_txn *t = NULL;
    emb_determination *d = NULL;
    char *out = NULL;
    emb_check_opts o = {.cache = cache};
    if (emb_txn_parse(json.v[i], strlen(json.v[i]), NULL, 0, &t) != EMB_OK ||
        emb_check_ex(rs, ix, t, &o, &d) != EMB_OK ||
        emb_determination_json(d, 0, &out) != EMB_OK)
      abort();
    bytes += strlen(out);
    free(out);
    emb_determination_free(d);
    emb_txn_free(t);
  }
  double e2e = (double)e2e_n / (now() - t0);
  printf(
      "  1 thread, parse+check+JSON   %10.0f transactions/s (%.1f KiB "
      "of JSON each)\n",
      e2e, (double)bytes / (double)e2e_n / 1024.0);
  emb_check_cache_free(cache);

  free(lat);
  for (size_t i = 0; i < n; i++) {
    emb_txn_free(txns[i]);
    free(json.v[i]);
  }
  free(txns);
  free(json.v);
  for (size_t i = 0; i < pooled.n; i++) free(pooled.v[i]);
  free(pooled.v);
  for (size_t i = 0; i < people.n; i++) free(people.v[i]);
  free(people.v);
  emb_index_free(ix);
  emb_listset_free(ls);
  emb_ruleset_free(rs);
  emb_cleanup();
  return 0;
}
