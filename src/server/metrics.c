/* Prometheus metrics: request counts and latencies per endpoint, list
 * versions, reloads.
 *
 * DESIGN: every counter is a relaxed C11 atomic in a fixed table indexed
 * by endpoint and status (or latency bucket), so the request path takes
 * no lock; /metrics reads the table as it is (a scrape may see one
 * request counted and not yet its latency, which Prometheus tolerates).
 */
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "server.h"

static const char *const ep_names[SRV_EP_COUNT] = {
    "/v1/screen",       "/v1/compare",   "/v1/check", "/v1/lists",
    "/v1/lists/reload", "/v1/decisions", "/v1/audit", "/v1/audit/verify",
    "/healthz",         "/metrics",      "static",    "other"};

const char *srv_endpoint_name(int ep) {
  return ep >= 0 && ep < SRV_EP_COUNT ? ep_names[ep] : "other";
}

/* The statuses the server answers with; anything else counts as "other". */
static const int codes[] = {200, 201, 202, 304, 400, 401, 403, 404,
                            405, 409, 413, 415, 422, 500, 503};
#define N_CODES (sizeof(codes) / sizeof(codes[0]))

/* Upper bounds of the latency buckets, in microseconds. */
static const uint64_t bounds_us[] = {100,    250,     500,    1000,  2500,
                                     5000,   10000,   25000,  50000, 100000,
                                     250000, 1000000, 2500000};
#define N_BUCKETS (sizeof(bounds_us) / sizeof(bounds_us[0]))

static atomic_uint_fast64_t requests[SRV_EP_COUNT][N_CODES + 1];
static atomic_uint_fast64_t buckets[SRV_EP_COUNT][N_BUCKETS + 1];
static atomic_uint_fast64_t sum_us[SRV_EP_COUNT];
static atomic_uint_fast64_t reloads[2];

void srv_metrics_observe(int ep, int http_status, uint64_t micros) {
  if (ep < 0 || ep >= SRV_EP_COUNT) ep = SRV_EP_OTHER;
  size_t c = N_CODES;
  for (size_t i = 0; i < N_CODES; i++)
    if (codes[i] == http_status) c = i;
  atomic_fetch_add_explicit(&requests[ep][c], 1, memory_order_relaxed);
  size_t b = 0;
  while (b < N_BUCKETS && micros > bounds_us[b]) b++;
  atomic_fetch_add_explicit(&buckets[ep][b], 1, memory_order_relaxed);
  atomic_fetch_add_explicit(&sum_us[ep], micros, memory_order_relaxed);
}

void srv_metrics_reload(int ok) {
  atomic_fetch_add_explicit(&reloads[ok ? 0 : 1], 1, memory_order_relaxed);
}

/* A label value with \, " and newline escaped as the text format wants. */
static void label(FILE *f, const char *v) {
  for (; v && *v; v++) {
    if (*v == '\\' || *v == '"')
      fprintf(f, "\\%c", *v);
    else if (*v == '\n')
      fputs("\\n", f);
    else
      fputc(*v, f);
  }
}

static uint64_t get(atomic_uint_fast64_t *a) {
  return atomic_load_explicit(a, memory_order_relaxed);
}

char *srv_metrics_render(srv *s, size_t *len) {
  char *buf = NULL;
  size_t n = 0;
  FILE *f = open_memstream(&buf, &n);
  if (f == NULL) return NULL;
  fputs(
      "# HELP embargo_requests_total HTTP requests answered, by endpoint "
      "and status.\n# TYPE embargo_requests_total counter\n",
      f);
  for (int e = 0; e < SRV_EP_COUNT; e++)
    for (size_t c = 0; c <= N_CODES; c++) {
      uint64_t v = get(&requests[e][c]);
      if (v == 0) continue;
      fprintf(f, "embargo_requests_total{endpoint=\"%s\",code=\"", ep_names[e]);
      if (c < N_CODES)
        fprintf(f, "%d", codes[c]);
      else
        fputs("other", f);
      fprintf(f, "\"} %llu\n", (unsigned long long)v);
    }
  fputs(
      "# HELP embargo_request_duration_seconds Time from the request's "
      "headers to its answer being queued.\n"
      "# TYPE embargo_request_duration_seconds histogram\n",
      f);
  for (int e = 0; e < SRV_EP_COUNT; e++) {
    uint64_t cum = 0;
    for (size_t b = 0; b <= N_BUCKETS; b++) {
      cum += get(&buckets[e][b]);
      fprintf(f,
              "embargo_request_duration_seconds_bucket{endpoint=\"%s\","
              "le=\"",
              ep_names[e]);
      if (b < N_BUCKETS)
        fprintf(f, "%g", (double)bounds_us[b] / 1e6);
      else
        fputs("+Inf", f);
      fprintf(f, "\"} %llu\n", (unsigned long long)cum);
    }
    fprintf(f,
            "embargo_request_duration_seconds_sum{endpoint=\"%s\"} %.6f\n"
            "embargo_request_duration_seconds_count{endpoint=\"%s\"} %llu\n",
            ep_names[e], (double)get(&sum_us[e]) / 1e6, ep_names[e],
            (unsigned long long)cum);
  }
  fprintf(f,
          "# HELP embargo_snapshot_reloads_total List reloads, by result.\n"
          "# TYPE embargo_snapshot_reloads_total counter\n"
          "embargo_snapshot_reloads_total{result=\"ok\"} %llu\n"
          "embargo_snapshot_reloads_total{result=\"failed\"} %llu\n",
          (unsigned long long)get(&reloads[0]),
          (unsigned long long)get(&reloads[1]));
  fprintf(f,
          "# HELP embargo_requests_in_flight Requests being answered now.\n"
          "# TYPE embargo_requests_in_flight gauge\n"
          "embargo_requests_in_flight %ld\n",
          atomic_load(&s->inflight));
  srv_snap *sn = srv_snap_acquire(s);
  if (sn) {
    fprintf(f,
            "# HELP embargo_lists_entities Entities in the served lists.\n"
            "# TYPE embargo_lists_entities gauge\n"
            "embargo_lists_entities %zu\n"
            "# HELP embargo_snapshot_sequence The served snapshot's number "
            "(1 at start, +1 per reload).\n"
            "# TYPE embargo_snapshot_sequence gauge\n"
            "embargo_snapshot_sequence %llu\n"
            "# HELP embargo_rules The rules of the served rule set.\n"
            "# TYPE embargo_rules gauge\n"
            "embargo_rules %zu\n",
            emb_listset_count(sn->ls), (unsigned long long)sn->seq,
            emb_ruleset_rule_count(sn->rs));
    fputs(
        "# HELP embargo_list_source_info One served list file: its path, "
        "digest and date.\n# TYPE embargo_list_source_info gauge\n",
        f);
    for (size_t i = 0; i < emb_listset_source_count(sn->ls); i++) {
      const emb_source_info *si = emb_listset_source(sn->ls, i);
      fputs("embargo_list_source_info{path=\"", f);
      label(f, si->path);
      fputs("\",sha256=\"", f);
      label(f, si->sha256);
      fputs("\",date=\"", f);
      label(f, si->list_date);
      fprintf(f, "\",entities=\"%zu\"} 1\n", si->entities);
    }
    fputs(
        "# HELP embargo_lists_version_info The served list version id.\n"
        "# TYPE embargo_lists_version_info gauge\n"
        "embargo_lists_version_info{version=\"",
        f);
    label(f, sn->lists_version);
    fputs("\",rules_version=\"", f);
    label(f, sn->rules_version);
    fputs("\"} 1\n", f);
    srv_snap_release(sn);
  }
  if (fclose(f) != 0) {
    free(buf);
    return NULL;
  }
  *len = n;
  return buf;
}

void srv_h_metrics(srv_call *c) {
  size_t n = 0;
  char *body = srv_metrics_render(c->s, &n);
  if (body == NULL) {
    srv_reply_error(c, 500, EMB_ENOMEM, "the metrics could not be rendered");
    return;
  }
  srv_reply_raw(c, 200, body, n, "text/plain; version=0.0.4; charset=utf-8");
}
