/* The US Consolidated Screening List (CSL) in its CSV form, and the
 * mapping of a CSL entry onto an entity that the JSON form shares (csl.h).
 *
 * DESIGN: the CSV has had 28 columns (2019) and 29 (with a leading `_id`,
 * since about 2021), so columns are found by header name, never by
 * position. Files found in the wild repeat the header row part-way
 * through and end in a row cut off mid-field; the first is skipped with a
 * warning, the second reported as a bad row, and the rest of the file is
 * kept.
 */
#include <string.h>
#include <strings.h>

#include "csl.h"
#include "table.h"

/* ---- Mapping shared with csl_json.c ---------------------------------- */

static int is_space(char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == '\v' ||
         c == '\f';
}

static void trim(const char **str, size_t *len) {
  const char *p = *str;
  size_t n = *len;
  while (n && is_space(*p)) p++, n--;
  while (n && is_space(p[n - 1])) n--;
  *str = p;
  *len = n;
}

static int is_digit(char c) {
  return c >= '0' && c <= '9';
}

static int is_alpha(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

int emb__csl_is_number(const char *str, size_t len) {
  if (len == 0) return 0;
  for (size_t i = 0; i < len; i++)
    if (!is_digit(str[i])) return 0;
  return 1;
}

emb_status emb__csl_set_source(emb__src *s, emb_entity *e,
                               emb__csl_source_cache *c, const char *src,
                               size_t len) {
  trim(&src, &len);
  if (len == 0) return EMB_OK;
  if (c->source != NULL && c->source_len == len &&
      memcmp(c->source, src, len) == 0) {
    e->source = c->source;
    e->list = c->list;
    return EMB_OK;
  }
  emb_status st = emb__src_set(s, &e->source, src, len);
  if (st != EMB_OK) return st;
  /* The list code is the abbreviation the source gives in parentheses. */
  const char *open = memchr(src, '(', len);
  const char *close =
      open ? memchr(open + 1, ')', len - (size_t)(open + 1 - src)) : NULL;
  const char *code = NULL;
  size_t code_len = 0;
  if (close != NULL) {
    code = open + 1;
    code_len = (size_t)(close - code);
    trim(&code, &code_len);
    static const char suffix[] = " List";
    size_t sl = sizeof(suffix) - 1;
    if (code_len > sl && memcmp(code + code_len - sl, suffix, sl) == 0)
      code_len -= sl;
    trim(&code, &code_len);
  }
  if (code_len == 0) {
    e->list = "CSL"; /* static storage outlives the list set */
  } else {
    st = emb__src_set(s, &e->list, code, code_len);
    if (st != EMB_OK) return st;
  }
  c->source = e->source;
  c->source_len = len;
  c->list = e->list;
  return EMB_OK;
}

emb_entity_type emb__csl_type(const char *str, size_t len) {
  static const struct {
    const char *name;
    emb_entity_type type;
  } tab[] = {{"Entity", EMB_TYPE_ORGANIZATION},
             {"Individual", EMB_TYPE_PERSON},
             {"Vessel", EMB_TYPE_VESSEL},
             {"Aircraft", EMB_TYPE_AIRCRAFT}};
  trim(&str, &len);
  for (size_t i = 0; i < sizeof(tab) / sizeof(tab[0]); i++)
    if (strlen(tab[i].name) == len && strncasecmp(str, tab[i].name, len) == 0)
      return tab[i].type;
  return EMB_TYPE_UNKNOWN;
}

/* Finds the next piece of str[*pos..len) delimited by any byte of seps.
 * Returns 0 when there is none left. */
static int next_piece(const char *str, size_t len, size_t *pos,
                      const char *seps, const char **piece, size_t *plen) {
  if (*pos > len) return 0;
  size_t nseps = strlen(seps), i = *pos;
  while (i < len && memchr(seps, str[i], nseps) == NULL) i++;
  *piece = str + *pos;
  *plen = i - *pos;
  *pos = i + 1;
  return 1;
}

emb_status emb__csl_add_split(emb__src *s, emb_entity *e, emb__field f,
                              const char *str, size_t len, const char *seps) {
  const char *p;
  size_t n, pos = 0;
  while (next_piece(str, len, &pos, seps, &p, &n)) {
    emb_status st = emb__src_add(s, e, f, p, n);
    if (st != EMB_OK) return st;
  }
  return EMB_OK;
}

emb_status emb__csl_add_names(emb__src *s, emb_entity *e, const char *str,
                              size_t len, emb_name_kind kind) {
  const char *p;
  size_t n, pos = 0;
  while (next_piece(str, len, &pos, ";", &p, &n)) {
    emb_status st = emb__src_add_name(s, e, p, n, kind);
    if (st != EMB_OK) return st;
  }
  return EMB_OK;
}

/* Adds a country, ignoring a value that names none. */
static emb_status add_country(emb__src *s, emb_entity *e, const char *str,
                              size_t len) {
  emb_status st = emb__src_add_country(s, e, str, len);
  return st == EMB_ENOTFOUND ? EMB_OK : st;
}

emb_status emb__csl_add_address(emb__src *s, emb_entity *e, const char *str,
                                size_t len) {
  trim(&str, &len);
  if (len == 0) return EMB_OK;
  emb_status st = emb__src_add(s, e, EMB__F_ADDRESS, str, len);
  if (st != EMB_OK) return st;
  size_t i = len;
  while (i > 0 && str[i - 1] != ',') i--;
  return add_country(s, e, str + i, len - i);
}

emb_status emb__csl_add_countries(emb__src *s, emb_entity *e, const char *str,
                                  size_t len) {
  const char *p;
  size_t n, pos = 0;
  while (next_piece(str, len, &pos, ";", &p, &n)) {
    emb_status st = emb__src_add_country(s, e, p, n);
    if (st == EMB_ENOTFOUND) {
      /* Not one country: perhaps several joined by commas. */
      const char *q;
      size_t m, qpos = 0;
      while (next_piece(p, n, &qpos, ",", &q, &m)) {
        st = add_country(s, e, q, m);
        if (st != EMB_OK) return st;
      }
    } else if (st != EMB_OK) {
      return st;
    }
  }
  return EMB_OK;
}

emb_status emb__csl_set_date(emb__src *s, long line, const char *column,
                             const char **field, const char *str, size_t len) {
  trim(&str, &len);
  if (len == 0) return EMB_OK;
  char ymd[11];
  if (emb__date_parse(str, len, ymd) != EMB_OK) {
    emb__src_warn(s, line, "%s: not a date: \"%.*s\"; left empty", column,
                  (int)(len > 40 ? 40 : len), str);
    return EMB_OK;
  }
  return emb__src_set(s, field, ymd, 10);
}

emb_status emb__csl_add_footnotes(emb__src *s, emb_entity *e) {
  const char *t = e->license_requirement;
  if (t == NULL || e->list == NULL || strcmp(e->list, "EL") != 0) return EMB_OK;
  for (size_t i = 1; t[i] != '\0'; i++) {
    if (t[i] < '1' || t[i] > '9') continue;
    if (!is_alpha(t[i - 1]) && t[i - 1] != ')') continue;
    /* A longer number ("3B001", "EAR99") or a decimal ("A1.5") is text;
     * a full stop ending the sentence ("of the EAR)2.") is not. */
    if (is_digit(t[i + 1])) continue;
    if (t[i + 1] == '.' && is_digit(t[i + 2])) continue;
    emb_status st = emb__src_add(s, e, EMB__F_FOOTNOTE, t + i, 1);
    if (st != EMB_OK) return st;
  }
  return EMB_OK;
}

/* ---- The CSV file ---------------------------------------------------- */

typedef enum col {
  C_ID,
  C_SOURCE,
  C_ENTITY_NUMBER,
  C_TYPE,
  C_PROGRAMS,
  C_NAME,
  C_TITLE,
  C_ADDRESSES,
  C_FR_NOTICE,
  C_START_DATE,
  C_END_DATE,
  C_LICENSE_REQUIREMENT,
  C_LICENSE_POLICY,
  C_REMARKS,
  C_SOURCE_LIST_URL,
  C_ALT_NAMES,
  C_CITIZENSHIPS,
  C_NATIONALITIES,
  C_SOURCE_INFORMATION_URL,
  C_IDS,
  C_COUNT
} col;

static const char *const col_names[C_COUNT] = {"_id",
                                               "source",
                                               "entity_number",
                                               "type",
                                               "programs",
                                               "name",
                                               "title",
                                               "addresses",
                                               "federal_register_notice",
                                               "start_date",
                                               "end_date",
                                               "license_requirement",
                                               "license_policy",
                                               "remarks",
                                               "source_list_url",
                                               "alt_names",
                                               "citizenships",
                                               "nationalities",
                                               "source_information_url",
                                               "ids"};

/* The columns whose absence means the file is not the CSL. */
static const int required[] = {C_SOURCE, C_ENTITY_NUMBER, C_NAME, C_ALT_NAMES};
/* The columns every row must fill. */
static const int nonempty[] = {C_NAME, C_SOURCE};

typedef struct csv_ctx {
  emb__src *s;
  emb__csl_source_cache cache;
} csv_ctx;

/* Fills e from a row. On failure *bad_col names the column at fault. */
static emb_status map_row(void *ctx, const emb__table *t, emb_entity *e,
                          long line, const char **bad_col) {
  csv_ctx *x = ctx;
  emb__src *s = x->s;
  const char *p;
  size_t n;
  emb_status st = EMB_OK;
#define TRY(c, expr)                \
  do {                              \
    emb__table_get(t, (c), &p, &n); \
    st = (expr);                    \
    if (st != EMB_OK) {             \
      *bad_col = col_names[(c)];    \
      return st;                    \
    }                               \
  } while (0)
  TRY(C_SOURCE, emb__csl_set_source(s, e, &x->cache, p, n));
  emb__table_get(t, C_TYPE, &p, &n);
  e->type = emb__csl_type(p, n);
  TRY(C_NAME, emb__src_add_name(s, e, p, n, EMB_NAME_PRIMARY));
  TRY(C_ALT_NAMES, emb__csl_add_names(s, e, p, n, EMB_NAME_ALIAS));
  emb__table_get(t, C_ENTITY_NUMBER, &p, &n);
  if (n > 0) {
    TRY(C_ENTITY_NUMBER, emb__src_set(s, &e->source_id, p, n));
  } else {
    /* A numeric _id is the row number, which changes between editions;
     * only the hash form identifies the entry. */
    emb__table_get(t, C_ID, &p, &n);
    if (n > 0 && !emb__csl_is_number(p, n))
      TRY(C_ID, emb__src_set(s, &e->source_id, p, n));
  }
  emb__table_get(t, C_ADDRESSES, &p, &n);
  {
    const char *a;
    size_t an, pos = 0;
    while (next_piece(p, n, &pos, ";", &a, &an)) {
      st = emb__csl_add_address(s, e, a, an);
      if (st != EMB_OK) {
        *bad_col = col_names[C_ADDRESSES];
        return st;
      }
    }
  }
  TRY(C_CITIZENSHIPS, emb__csl_add_countries(s, e, p, n));
  TRY(C_NATIONALITIES, emb__csl_add_countries(s, e, p, n));
  TRY(C_FR_NOTICE, emb__src_set(s, &e->citation, p, n));
  TRY(C_START_DATE,
      emb__csl_set_date(s, line, "start_date", &e->start_date, p, n));
  TRY(C_END_DATE, emb__csl_set_date(s, line, "end_date", &e->end_date, p, n));
  TRY(C_LICENSE_REQUIREMENT, emb__src_set(s, &e->license_requirement, p, n));
  TRY(C_LICENSE_POLICY, emb__src_set(s, &e->license_policy, p, n));
  TRY(C_REMARKS, emb__src_set(s, &e->remarks, p, n));
  TRY(C_TITLE, emb__src_set(s, &e->title, p, n));
  TRY(C_SOURCE_LIST_URL, emb__src_set(s, &e->source_url, p, n));
  if (e->source_url == NULL)
    TRY(C_SOURCE_INFORMATION_URL, emb__src_set(s, &e->source_url, p, n));
  TRY(C_PROGRAMS, emb__csl_add_split(s, e, EMB__F_PROGRAM, p, n, ";"));
  TRY(C_IDS, emb__csl_add_split(s, e, EMB__F_IDENT, p, n, ";"));
#undef TRY
  st = emb__csl_add_footnotes(s, e);
  if (st != EMB_OK) *bad_col = col_names[C_LICENSE_REQUIREMENT];
  return st;
}

static const emb__table_spec spec = {
    .source_name = "US Consolidated Screening List",
    .sep = ',',
    .columns = col_names,
    .n_columns = C_COUNT,
    .required = required,
    .n_required = sizeof(required) / sizeof(required[0]),
    .header_desc = "a CSL header (source, entity_number, name, alt_names)",
    .nonempty = nonempty,
    .n_nonempty = sizeof(nonempty) / sizeof(nonempty[0]),
    .map_row = map_row,
};

static int probe(const char *head, size_t n) {
  return emb__table_probe(&spec, head, n);
}

static emb_status load(emb__src *s, const char *data, size_t len) {
  csv_ctx x = {.s = s};
  return emb__table_load(&spec, s, data, len, &x);
}

const emb__format emb__fmt_csl_csv = {"csl-csv", probe, load};
