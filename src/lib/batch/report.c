/* The summary of a batch run, as JSON and as a self-contained HTML page
 * (inline CSS and SVG, no script), docs/batch.md. */
#include <stdlib.h>
#include <string.h>

#include "../json/shapes.h"
#include "batch.h"

static double rate(const emb__batch_stats *s) {
  long long done = s->rows - s->resumed_at;
  return s->seconds > 0 ? (double)done / s->seconds : 0;
}

json_t *emb__batch_summary_json(const emb__batch_cfg *c,
                                const emb__batch_stats *s) {
  json_t *j = json_object();
  json_object_set_new(j, "mode", json_string(c->check ? "check" : "screen"));
  json_object_set_new(j, "input", json_string(c->input));
  json_object_set_new(j, "output", json_string(c->output));
  json_object_set_new(j, "rows", json_integer(s->rows));
  json_object_set_new(j, "screened", json_integer(s->screened));
  json_object_set_new(j, "errors", json_integer(s->errors));
  json_object_set_new(j, "rows_with_hits", json_integer(s->rows_with_hits));
  json_object_set_new(j, "rows_with_matches",
                      json_integer(s->rows_with_matches));
  json_object_set_new(j, "hits", json_integer(s->hits));
  json_object_set_new(j, "matches", json_integer(s->matches));
  json_t *hl = json_object(), *ml = json_object();
  for (size_t i = 0; i <= EMB__BATCH_LISTS; i++) {
    const emb__batch_list *l = &s->lists[i];
    if (l->code[0] == '\0') continue;
    json_object_set_new(hl, l->code, json_integer(l->hits));
    if (l->matches) json_object_set_new(ml, l->code, json_integer(l->matches));
  }
  json_object_set_new(j, "matches_by_list", ml);
  json_object_set_new(j, "hits_by_list", hl);
  if (c->check) {
    json_t *o = json_object();
    for (int i = 0; i < 4; i++)
      json_object_set_new(o, emb_outcome_name((emb_outcome)i),
                          json_integer(s->outcomes[i]));
    json_object_set_new(j, "outcomes", o);
  }
  json_t *h = json_array();
  for (int i = 0; i < EMB__BATCH_HIST; i++) {
    json_t *b = json_object();
    json_object_set_new(b, "from", emb__json_num((double)i / EMB__BATCH_HIST));
    json_object_set_new(b, "to",
                        emb__json_num((double)(i + 1) / EMB__BATCH_HIST));
    json_object_set_new(b, "hits", json_integer(s->hist[i]));
    json_object_set_new(b, "matches", json_integer(s->hist_match[i]));
    json_array_append_new(h, b);
  }
  json_object_set_new(j, "score_histogram", h);
  json_object_set_new(j, "threshold", emb__json_num(c->threshold));
  json_object_set_new(
      j, "min_score",
      emb__json_num(c->so.min_score >= 0 ? c->so.min_score
                                         : EMB_DEFAULT_MIN_SCORE));
  json_object_set_new(j, "seconds", emb__json_num(s->seconds));
  json_object_set_new(j, "rows_per_second", json_integer((json_int_t)rate(s)));
  json_object_set_new(j, "threads", json_integer((json_int_t)s->threads));
  json_object_set_new(j, "resumed_at_row", json_integer(s->resumed_at));
  json_t *cache = json_object();
  json_object_set_new(cache, "hits", json_integer(s->cache_hits));
  json_object_set_new(cache, "misses", json_integer(s->cache_misses));
  json_object_set_new(j, "cache", cache);
  json_t *data = json_array();
  const emb_listset *ls = emb_index_listset(c->ix);
  for (size_t i = 0; i < emb_listset_source_count(ls); i++) {
    const emb_source_info *src = emb_listset_source(ls, i);
    json_t *d = json_object();
    json_object_set_new(d, "path", json_string(src->path));
    json_object_set_new(d, "format", json_string(src->format));
    json_object_set_new(
        d, "list_date",
        src->list_date ? json_string(src->list_date) : json_null());
    json_object_set_new(d, "sha256",
                        src->sha256 ? json_string(src->sha256) : json_null());
    json_object_set_new(d, "entities", json_integer((json_int_t)src->entities));
    json_array_append_new(data, d);
  }
  json_object_set_new(j, "data", data);
  return j;
}

/* ---- HTML. ---- */

static void esc(FILE *f, const char *s) {
  for (; s && *s; s++) {
    switch (*s) {
      case '&':
        fputs("&amp;", f);
        break;
      case '<':
        fputs("&lt;", f);
        break;
      case '>':
        fputs("&gt;", f);
        break;
      case '"':
        fputs("&quot;", f);
        break;
      case '\'':
        fputs("&#39;", f);
        break;
      default:
        fputc(*s, f);
    }
  }
}

static void row(FILE *f, const char *k, const char *fmt, long long v) {
  fprintf(f, "<tr><th>%s</th><td>", k);
  fprintf(f, fmt, v);
  fputs("</td></tr>\n", f);
}

/* Horizontal bars: one per list code, hits and (darker) matches. */
static void bars(FILE *f, const emb__batch_stats *s) {
  size_t order[EMB__BATCH_LISTS + 1], n = 0;
  for (size_t i = 0; i <= EMB__BATCH_LISTS; i++)
    if (s->lists[i].code[0]) order[n++] = i;
  for (size_t i = 1; i < n; i++) /* most hits first */
    for (size_t k = i;
         k > 0 && s->lists[order[k]].hits > s->lists[order[k - 1]].hits; k--) {
      size_t t = order[k];
      order[k] = order[k - 1];
      order[k - 1] = t;
    }
  if (n == 0) {
    fputs("<p>No hits.</p>\n", f);
    return;
  }
  long long max = 1;
  for (size_t i = 0; i < n; i++)
    if (s->lists[order[i]].hits > max) max = s->lists[order[i]].hits;
  int h = 24 * (int)n + 10;
  fprintf(f,
          "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"720\" "
          "height=\"%d\" role=\"img\" aria-label=\"hits by list\">\n",
          h);
  for (size_t i = 0; i < n; i++) {
    const emb__batch_list *l = &s->lists[order[i]];
    int y = 5 + 24 * (int)i;
    double wh = 480.0 * (double)l->hits / (double)max;
    double wm = 480.0 * (double)l->matches / (double)max;
    fprintf(f, "<text x=\"110\" y=\"%d\" text-anchor=\"end\">", y + 15);
    esc(f, l->code);
    fprintf(f,
            "</text><rect class=\"hit\" x=\"120\" y=\"%d\" width=\"%.1f\" "
            "height=\"18\"/><rect class=\"match\" x=\"120\" y=\"%d\" "
            "width=\"%.1f\" height=\"18\"/><text x=\"%.1f\" y=\"%d\">%lld "
            "(%lld matches)</text>\n",
            y, wh, y, wm, 126 + wh, y + 15, l->hits, l->matches);
  }
  fputs("</svg>\n", f);
}

static void histogram(FILE *f, const emb__batch_cfg *c,
                      const emb__batch_stats *s) {
  long long max = 1;
  for (int i = 0; i < EMB__BATCH_HIST; i++)
    if (s->hist[i] > max) max = s->hist[i];
  fputs(
      "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"720\" height=\"260\" "
      "role=\"img\" aria-label=\"score distribution\">\n",
      f);
  /* Stacked bars: the matches dark at the bottom, other hits light. */
  for (int i = 0; i < EMB__BATCH_HIST; i++) {
    double hh = 190.0 * (double)s->hist[i] / (double)max;
    double hm = 190.0 * (double)s->hist_match[i] / (double)max;
    double lo = (double)i / EMB__BATCH_HIST;
    int x = 40 + 32 * i;
    fprintf(f,
            "<rect class=\"hit\" x=\"%d\" y=\"%.1f\" width=\"28\" "
            "height=\"%.1f\"><title>%.2f-%.2f: %lld hits, %lld "
            "matches</title></rect>\n",
            x, 220 - hh, hh - hm, lo, lo + 0.05, s->hist[i], s->hist_match[i]);
    if (s->hist_match[i])
      fprintf(f,
              "<rect class=\"match\" x=\"%d\" y=\"%.1f\" width=\"28\" "
              "height=\"%.1f\"/>\n",
              x, 220 - hm, hm);
    if (s->hist[i])
      fprintf(f, "<text x=\"%d\" y=\"%.1f\" class=\"small\">%lld</text>\n", x,
              216 - hh, s->hist[i]);
    if (i % 2 == 0)
      fprintf(f, "<text x=\"%d\" y=\"238\" class=\"small\">%.1f</text>\n", x,
              lo);
  }
  double tx = 40 + 32 * c->threshold * EMB__BATCH_HIST;
  fprintf(f,
          "<line x1=\"%.1f\" y1=\"14\" x2=\"%.1f\" y2=\"222\" "
          "class=\"thr\"/><text x=\"%.1f\" y=\"10\" "
          "text-anchor=\"middle\" class=\"small\">threshold %.2f</text>\n",
          tx, tx, tx, c->threshold);
  fputs(
      "<line x1=\"38\" y1=\"220\" x2=\"680\" y2=\"220\" stroke=\"#333\"/>\n"
      "<text x=\"360\" y=\"256\" text-anchor=\"middle\" class=\"small\">score "
      "of each reported hit (dark: matches)</text>\n</svg>\n",
      f);
}

void emb__batch_report_html(FILE *f, const emb__batch_cfg *c,
                            const emb__batch_stats *s) {
  fputs(
      "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
      "<title>embargo batch report</title>\n<style>\n"
      "body{font-family:sans-serif;margin:2em;color:#222;max-width:60em}\n"
      "table{border-collapse:collapse;margin-bottom:1.5em}\n"
      "th,td{border:1px solid #ccc;padding:.25em .6em;text-align:left}\n"
      "td.n{text-align:right}\ncode{word-break:break-all}\n"
      "svg text{font-size:13px;fill:#222}svg .small{font-size:11px}\n"
      ".hit{fill:#9bb7d4}.match{fill:#c0392b}.thr{stroke:#c0392b;"
      "stroke-dasharray:4 3}\n"
      "</style></head><body>\n<h1>embargo batch report</h1>\n",
      f);
  fputs("<p>Input <code>", f);
  esc(f, c->input);
  fputs("</code>, output <code>", f);
  esc(f, c->output);
  fprintf(f, "</code>; %s mode.</p>\n<h2>Summary</h2>\n<table>\n",
          c->check ? "check (transactions)" : "screen (names)");
  row(f, "Rows read", "%lld", s->rows);
  row(f, c->check ? "Transactions checked" : "Rows screened", "%lld",
      s->screened);
  row(f, "Bad rows (see the error file)", "%lld", s->errors);
  row(f, "Rows with hits", "%lld", s->rows_with_hits);
  row(f, "Rows with matches", "%lld", s->rows_with_matches);
  row(f, "Hits reported", "%lld", s->hits);
  row(f, "Matches (score at the threshold or above)", "%lld", s->matches);
  if (c->check) {
    for (int i = 0; i < 4; i++)
      row(f, emb_outcome_name((emb_outcome)i), "%lld", s->outcomes[i]);
  }
  fprintf(f,
          "<tr><th>Threshold</th><td>%.2f</td></tr>\n"
          "<tr><th>Seconds (this run)</th><td>%.2f</td></tr>\n"
          "<tr><th>Rows per second</th><td>%.0f</td></tr>\n"
          "<tr><th>Threads</th><td>%zu</td></tr>\n",
          c->threshold, s->seconds, rate(s), s->threads);
  if (s->resumed_at) row(f, "Resumed after row", "%lld", s->resumed_at);
  fputs("</table>\n<h2>Hits by list</h2>\n", f);
  bars(f, s);
  fputs(
      "<p>Light: hits reported; dark: matches.</p>\n<h2>Score "
      "distribution</h2>\n",
      f);
  histogram(f, c, s);
  fputs(
      "<h2>Data</h2>\n<table>\n<tr><th>File</th><th>Format</th>"
      "<th>Date</th><th>Entities</th><th>SHA-256</th></tr>\n",
      f);
  const emb_listset *ls = emb_index_listset(c->ix);
  for (size_t i = 0; i < emb_listset_source_count(ls); i++) {
    const emb_source_info *src = emb_listset_source(ls, i);
    fputs("<tr><td>", f);
    esc(f, src->path);
    fputs("</td><td>", f);
    esc(f, src->format);
    fputs("</td><td>", f);
    esc(f, src->list_date ? src->list_date : "?");
    fprintf(f, "</td><td class=\"n\">%zu</td><td><code>", src->entities);
    esc(f, src->sha256 ? src->sha256 : "");
    fputs("</code></td></tr>\n", f);
  }
  fputs(
      "</table>\n<p>A score is a similarity of names, not a legal finding: "
      "every match needs a human review of the entry.</p>\n</body></html>\n",
      f);
}
