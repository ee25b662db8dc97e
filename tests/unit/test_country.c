/* Unit tests: country names and codes (src/lib/text/country.c). */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* cmocka needs the headers above. */
#include <cmocka.h>

#include "../../src/lib/text/country.h"

int emb__country_selfcheck(void);

static const char *lookup(const char *s) {
  return emb__country_lookup(s, strlen(s));
}

static void test_lookup(void **state) {
  (void)state;
  static const struct {
    const char *in, *want; /* want NULL: unknown */
  } cases[] = {
      /* Codes, any case. */
      {"US", "US"},
      {"us", "US"},
      {"USA", "US"},
      {"usa", "US"},
      {"GB", "GB"},
      {"GBR", "GB"},
      {"XK", "XK"},
      {"XKX", "XK"},
      {"KP", "KP"},
      {"PRK", "KP"},
      {"cn", "CN"},
      {"CHN", "CN"},
      /* OFAC, BIS, UN and CSL spellings. */
      {"Korea, North", "KP"},
      {"North Korea", "KP"},
      {"Democratic People's Republic of Korea", "KP"},
      {"Korea, Democratic People's Republic of", "KP"},
      {"Korea (North)", "KP"},
      {"DPRK", "KP"},
      {"Korea, South", "KR"},
      {"South Korea", "KR"},
      {"Republic of Korea", "KR"},
      {"Korea, Republic of", "KR"},
      {"Iran", "IR"},
      {"Iran (Islamic Republic of)", "IR"},
      {"Iran, Islamic Republic of", "IR"},
      {"Burma", "MM"},
      {"Myanmar", "MM"},
      {"Russia", "RU"},
      {"Russian Federation", "RU"},
      {"Syria", "SY"},
      {"Syrian Arab Republic", "SY"},
      {"Venezuela", "VE"},
      {"Venezuela (Bolivarian Republic of)", "VE"},
      {"Hong Kong", "HK"},
      {"China, Hong Kong Special Administrative Region", "HK"},
      {"Macau", "MO"},
      {"Macao", "MO"},
      {"Taiwan", "TW"},
      {"Turkey", "TR"},
      {"Türkiye", "TR"},
      {"TURKIYE", "TR"},
      {"Czechia", "CZ"},
      {"Czech Republic", "CZ"},
      {"Congo, Democratic Republic of the", "CD"},
      {"Democratic Republic of the Congo", "CD"},
      {"Congo, Republic of the", "CG"},
      {"Congo", "CG"},
      {"Viet Nam", "VN"},
      {"Vietnam", "VN"},
      {"Lao People's Democratic Republic", "LA"},
      {"Laos", "LA"},
      {"United Kingdom", "GB"},
      {"UK", "GB"},
      {"United Kingdom of Great Britain and Northern Ireland", "GB"},
      {"United States", "US"},
      {"United States of America", "US"},
      {"U.S.A.", "US"},
      {"Palestinian", "PS"},
      {"West Bank", "PS"},
      {"Gaza", "PS"},
      {"State of Palestine", "PS"},
      {"Kosovo", "XK"},
      {"Bahamas, The", "BS"},
      {"The Gambia", "GM"},
      {"Cote d Ivoire", "CI"},
      {"Côte d'Ivoire", "CI"},
      {"Cote d’Ivoire", "CI"},
      {"Ivory Coast", "CI"},
      {"Virgin Islands, British", "VG"},
      {"British Virgin Islands", "VG"},
      {"Saint Kitts and Nevis", "KN"},
      {"St. Kitts and Nevis", "KN"},
      {"St Vincent & the Grenadines", "VC"},
      {"Guinea-Bissau", "GW"},
      {"Guinea Bissau", "GW"},
      {"Bosnia and Herzegovina", "BA"},
      {"Curaçao", "CW"},
      {"Netherlands Antilles", "AN"},
      {"former Soviet Union", "SU"},
      {"Eswatini", "SZ"},
      {"Swaziland", "SZ"},
      {"North Macedonia", "MK"},
      {"Macedonia", "MK"},
      {"Timor-Leste", "TL"},
      {"East Timor", "TL"},
      {"Holy See (Vatican City State)", "VA"},
      /* OFAC regions: the prefix is dropped. */
      {"Region: Crimea", "UA"},
      {"REGION: NORTHERN MALI", "ML"},
      {"Region: Gaza", "PS"},
      {"Region: Kafia Kingi", NULL},
      /* White space, a final full stop, letter case. */
      {"  Germany  ", "DE"},
      {"Germany.", "DE"},
      {" germany . ", "DE"},
      {"\xc2\xa0"
       "France\xc2\xa0",
       "FR"},
      {"GERMANY", "DE"},
      /* Unknown or ambiguous. */
      {"undetermined", NULL},
      {"Korea", NULL},
      {"", NULL},
      {"   ", NULL},
      {".", NULL},
      {"-0-", NULL},
      {"Atlantis", NULL},
      {"ZZ", NULL},
      {"ZZZ", NULL},
      {"Region:", NULL},
      {"EU", NULL},
      {"Germany Germany Germany Germany Germany Germany Germany Germany "
       "Germany Germany Germany Germany Germany Germany",
       NULL},
  };
  for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
    const char *got = lookup(cases[i].in);
    if (cases[i].want == NULL && got != NULL)
      fail_msg("[%s]: %s, want NULL", cases[i].in, got);
    if (cases[i].want != NULL &&
        (got == NULL || strcmp(got, cases[i].want) != 0))
      fail_msg("[%s]: %s, want %s", cases[i].in, got ? got : "NULL",
               cases[i].want);
  }
  assert_null(emb__country_lookup(NULL, 0));
  /* Only len bytes are read. */
  assert_string_equal(emb__country_lookup("USAXYZ", 3), "US");
}

static void test_names(void **state) {
  (void)state;
  assert_string_equal(emb__country_name("DE"), "Germany");
  assert_string_equal(emb__country_name("de"), "Germany");
  assert_string_equal(emb__country_name("XK"), "Kosovo");
  assert_string_equal(emb__country_name("KP"),
                      "Korea, Democratic People's Republic of");
  assert_null(emb__country_name("ZZ"));
  assert_null(emb__country_name("D"));
  assert_null(emb__country_name("DEU"));
  assert_null(emb__country_name(""));
  assert_null(emb__country_name(NULL));
  /* Every code round-trips through its name. */
  int n = 0;
  for (char a = 'A'; a <= 'Z'; a++) {
    for (char b = 'A'; b <= 'Z'; b++) {
      char code[3] = {a, b, '\0'};
      const char *name = emb__country_name(code);
      if (name == NULL) continue;
      n++;
      const char *back = lookup(name);
      if (back == NULL || strcmp(back, code) != 0)
        fail_msg("%s: name [%s] looks up as %s", code, name,
                 back ? back : "NULL");
      const char *self = lookup(code);
      assert_non_null(self);
      assert_string_equal(self, code);
      assert_ptr_equal(self, back); /* static storage, one copy */
    }
  }
  assert_true(n >= 250); /* 249 ISO codes, Kosovo, four withdrawn */
}

static void test_selfcheck(void **state) {
  (void)state;
  assert_int_equal(emb__country_selfcheck(), 0);
}

/* ---- Real list data: nearly every country string resolves. ---- */

typedef struct tally {
  long total, resolved;
  char unresolved[2048];
} tally;

/* Values that are not countries at all. */
static int not_a_country(const char *s) {
  static const char *skip[] = {"", "-0-", "undetermined", "na"};
  while (*s == ' ') s++;
  size_t len = strlen(s);
  while (len > 0 && s[len - 1] == ' ') len--;
  for (size_t i = 0; i < sizeof(skip) / sizeof(skip[0]); i++)
    if (strlen(skip[i]) == len && strncmp(s, skip[i], len) == 0) return 1;
  return 0;
}

static void count(tally *t, const char *s) {
  if (not_a_country(s)) return;
  t->total++;
  if (lookup(s) != NULL) {
    t->resolved++;
  } else {
    size_t w = strlen(t->unresolved);
    snprintf(t->unresolved + w, sizeof(t->unresolved) - w, "[%s] ", s);
  }
}

/* Column 4 (0-based) of OFAC's add.csv: quoted or bare fields. */
static void scan_ofac(const char *path, tally *t) {
  FILE *fp = fopen(path, "rb");
  if (fp == NULL) fail_msg("cannot read %s", path);
  char line[8192];
  while (fgets(line, sizeof(line), fp) != NULL) {
    char *p = line;
    for (int col = 0; col <= 4 && *p; col++) {
      char field[1024];
      size_t fl = 0;
      int quoted = *p == '"';
      if (quoted) p++;
      while (*p &&
             (quoted ? *p != '"' : (*p != ',' && *p != '\n' && *p != '\r'))) {
        if (fl + 1 < sizeof(field)) field[fl++] = *p;
        p++;
      }
      if (quoted && *p == '"') p++;
      if (*p == ',') p++;
      field[fl] = '\0';
      if (col == 4) count(t, field);
    }
  }
  fclose(fp);
}

/* Text of every <tag> element of the UN XML, and its <VALUE> children. */
static void scan_un(const char *path, const char *tag, tally *t) {
  FILE *fp = fopen(path, "rb");
  if (fp == NULL) fail_msg("cannot read %s", path);
  static char buf[4 << 20];
  size_t n = fread(buf, 1, sizeof(buf) - 1, fp);
  fclose(fp);
  buf[n] = '\0';
  char open[64], close[64];
  snprintf(open, sizeof(open), "<%s>", tag);
  snprintf(close, sizeof(close), "</%s>", tag);
  for (char *p = strstr(buf, open); p != NULL; p = strstr(p, open)) {
    p += strlen(open);
    char *end = strstr(p, close);
    if (end == NULL) break;
    char *v = strstr(p, "<VALUE>");
    if (v == NULL || v > end) {
      size_t len = (size_t)(end - p);
      char field[512];
      if (len >= sizeof(field)) len = sizeof(field) - 1;
      memcpy(field, p, len);
      field[len] = '\0';
      count(t, field);
    } else {
      while (v != NULL && v < end) {
        v += 7;
        char *ve = strstr(v, "</VALUE>");
        if (ve == NULL || ve > end) break;
        char field[512];
        size_t len = (size_t)(ve - v);
        if (len >= sizeof(field)) len = sizeof(field) - 1;
        memcpy(field, v, len);
        field[len] = '\0';
        count(t, field);
        v = strstr(ve, "<VALUE>");
      }
    }
    p = end;
  }
}

static void test_list_data(void **state) {
  (void)state;
  const char *dir = getenv("EMBARGO_SHARED_DATA");
  if (dir == NULL) skip();
  char path[1024];
  static tally t;
  memset(&t, 0, sizeof(t));
  snprintf(path, sizeof(path), "%s/lists/ofac/add.csv", dir);
  scan_ofac(path, &t);
  snprintf(path, sizeof(path), "%s/lists/ofac/cons_add.csv", dir);
  scan_ofac(path, &t);
  snprintf(path, sizeof(path), "%s/lists/un/consolidated.xml", dir);
  scan_un(path, "COUNTRY", &t);
  scan_un(path, "NATIONALITY", &t);
  scan_un(path, "COUNTRY_OF_BIRTH", &t);
  scan_un(path, "ISSUING_COUNTRY", &t);
  assert_true(t.total > 5000);
  /* Only "Region: Kafia Kingi" (disputed) is expected to stay unknown. */
  if (t.total - t.resolved > t.total / 200)
    fail_msg("%ld of %ld unresolved: %s", t.total - t.resolved, t.total,
             t.unresolved);
}

static void *thread_main(void *arg) {
  (void)arg;
  long bad = 0;
  for (int i = 0; i < 2000; i++) {
    bad += lookup("Korea, North") == NULL;
    bad += lookup("Iran (Islamic Republic of)") == NULL;
    bad += lookup("DEU") == NULL;
  }
  return (void *)(intptr_t)bad;
}

/* The first lookups race to build the name index; all must succeed. */
static void test_threads(void **state) {
  (void)state;
  pthread_t th[8];
  for (int i = 0; i < 8; i++)
    assert_int_equal(pthread_create(&th[i], NULL, thread_main, NULL), 0);
  for (int i = 0; i < 8; i++) {
    void *ret;
    assert_int_equal(pthread_join(th[i], &ret), 0);
    assert_int_equal((intptr_t)ret, 0);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_threads), /* first: races the one-time build */
      cmocka_unit_test(test_lookup),    cmocka_unit_test(test_names),
      cmocka_unit_test(test_selfcheck), cmocka_unit_test(test_list_data),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
