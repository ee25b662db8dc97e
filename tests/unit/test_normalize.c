/* Unit tests: name normalisation (src/lib/text/normalize.c) and the
 * legal-form tables (src/lib/text/legal_forms.c). */
#include <pthread.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unicode/uclean.h>

/* cmocka needs the headers above. */
#include <cmocka.h>

#include "../../src/lib/text/legal_forms.h"
#include "../../src/lib/text/normalize.h"

/* Renders tokens as "text/FLAGS text ..." (L legal, G generic, X
 * expanded), the form the expectations below are written in. */
static void render(const emb__token *t, size_t n, char *out, size_t cap) {
  size_t w = 0;
  out[0] = '\0';
  for (size_t i = 0; i < n; i++) {
    int k = snprintf(out + w, cap - w, "%s%s%s%s%s%s", i ? " " : "", t[i].text,
                     t[i].flags ? "/" : "",
                     (t[i].flags & EMB__TOKF_LEGAL) ? "L" : "",
                     (t[i].flags & EMB__TOKF_GENERIC) ? "G" : "",
                     (t[i].flags & EMB__TOKF_EXPANDED) ? "X" : "");
    if (k < 0 || (size_t)k >= cap - w) return;
    w += (size_t)k;
  }
}

/* Checks that every token is NUL-terminated inside the buffer and that
 * its len matches. */
static void check_tokens(const emb__normname *nn, const emb__token *t,
                         size_t n) {
  for (size_t i = 0; i < n; i++) {
    assert_true(t[i].text >= nn->buf &&
                t[i].text + t[i].len < nn->buf + EMB__NORM_BUF);
    assert_int_equal(strlen(t[i].text), t[i].len);
    assert_true(t[i].len > 0 && t[i].len < EMB__NORM_MAX_TOKEN);
  }
}

typedef struct norm_case {
  const char *in;
  const char *latin;  /* expected Latin form */
  const char *script; /* expected script form; NULL: none */
} norm_case;

static void run_cases(const norm_case *c, size_t n) {
  static emb__normname nn;
  char got[2048];
  for (size_t i = 0; i < n; i++) {
    emb_status st = emb__normalize(c[i].in, strlen(c[i].in), &nn);
    if (st != EMB_OK) fail_msg("[%s]: status %d", c[i].in, st);
    check_tokens(&nn, nn.latin, nn.n_latin);
    check_tokens(&nn, nn.script, nn.n_script);
    render(nn.latin, nn.n_latin, got, sizeof(got));
    if (strcmp(got, c[i].latin) != 0)
      fail_msg("[%s]: latin [%s], want [%s]", c[i].in, got, c[i].latin);
    render(nn.script, nn.n_script, got, sizeof(got));
    const char *want = c[i].script ? c[i].script : "";
    if (strcmp(got, want) != 0)
      fail_msg("[%s]: script [%s], want [%s]", c[i].in, got, want);
  }
}

#define RUN(cases) run_cases(cases, sizeof(cases) / sizeof(cases[0]))

static void test_ascii(void **state) {
  (void)state;
  static const norm_case cases[] = {
      {"Huawei Technologies Co., Ltd.", "huawei technology/G co/L ltd/L", NULL},
      {"HUAWEI TECHNOLOGIES COMPANY LIMITED", "huawei technology/G co/L ltd/L",
       NULL},
      {"Huawei Technologies Co.,Ltd", "huawei technology/G co/L ltd/L", NULL},
      /* "&" is a token; apostrophes join; other punctuation breaks. */
      {"O'Brien & Sons", "obrien and/G sons", NULL},
      {"Procter&Gamble", "procter and/G gamble", NULL},
      {"d`Arcy", "darcy", NULL},
      {"Al-Qaida", "al/G qaida", NULL},
      {"ACME (Pty) - \"Shipping\"/Trading; #1", "acme pty shipping trading/G 1",
       NULL},
      /* Dots between single letters join; others break. */
      {"U.S.A.", "usa", NULL},
      {"U.S.A", "usa", NULL},
      {"U.S.Army", "us army", NULL},
      {"J. P. Morgan", "j p morgan", NULL},
      {"J.P. Morgan", "jp morgan", NULL},
      {"St.Petersburg", "st petersburg", NULL},
      {"1.5 Inc", "1 5 inc/L", NULL},
      /* Empty and punctuation-only names have no tokens. */
      {"", "", NULL},
      {"   ", "", NULL},
      {"...", "", NULL},
      {"&", "", NULL},
      {"- & -", "", NULL},
      {"Tab\tand\nnewline", "tab and/G newline", NULL},
  };
  RUN(cases);
}

static void test_legal_forms(void **state) {
  (void)state;
  static const norm_case cases[] = {
      {"Foo Co., Ltd.", "foo co/L ltd/L", NULL},
      {"Foo Company Limited", "foo co/L ltd/L", NULL},
      {"Foo Limited Company", "foo ltd/L co/L", NULL},
      {"Foo Corporation", "foo corp/L", NULL},
      {"Foo Corp.", "foo corp/L", NULL},
      {"Foo Incorporated", "foo inc/L", NULL},
      {"Foo, Inc.", "foo inc/L", NULL},
      {"Foo L.L.C.", "foo llc/L", NULL},
      {"Foo LLC", "foo llc/L", NULL},
      {"Foo Limited Liability Company", "foo llc/L", NULL},
      {"Foo GmbH", "foo llc/L", NULL},
      {"Foo GmbH & Co. KG", "foo llc/L and/G co/L kg/L", NULL},
      {"OOO Foo", "llc/L foo", NULL},
      {"Foo Sp. z o.o.", "foo llc/L", NULL},
      {"Foo Sp. z o. o.", "foo llc/L", NULL},
      {"Foo s.r.o.", "foo llc/L", NULL},
      {"Foo SARL", "foo llc/L", NULL},
      {"Foo S.R.L.", "foo llc/L", NULL},
      {"Obshchestvo s Ogranichennoy Otvetstvennostyu Foo", "llc/L foo", NULL},
      {"Foo PLC", "foo plc/L", NULL},
      {"Foo Public Limited Company", "foo plc/L", NULL},
      {"Joint Stock Company Foo", "jsc/L foo", NULL},
      {"Joint-Stock Company Foo", "jsc/L foo", NULL},
      {"Open Joint Stock Company Foo", "jsc/L foo", NULL},
      {"PJSC Foo", "jsc/L foo", NULL},
      {"OAO Foo", "jsc/L foo", NULL},
      {"AO Foo", "jsc/L foo", NULL},
      {"Foo AO", "foo jsc/L", NULL},
      {"Foo S.A.", "foo sa/L", NULL},
      {"Foo S. A.", "foo sa/L", NULL},
      {"Foo SA de CV", "foo sa/L cv/L", NULL},
      {"Foo Sociedad Anonima", "foo sa/L", NULL},
      {"Foo S.p.A.", "foo spa/L", NULL},
      {"Foo AG", "foo ag/L", NULL},
      {"Foo N.V.", "foo nv/L", NULL},
      {"Foo B.V.", "foo bv/L", NULL},
      {"AB Foo", "ab/L foo", NULL},
      {"Foo A.S.", "foo as/L", NULL},
      {"Foo Oyj", "foo oy/L", NULL},
      {"Foo Kabushiki Kaisha", "foo kk/L", NULL},
      {"Foo Pte. Ltd.", "foo pte/L ltd/L", NULL},
      {"Foo Private Limited", "foo pvt/L ltd/L", NULL},
      {"Foo Pvt Ltd", "foo pvt/L ltd/L", NULL},
      {"Foo Sdn. Bhd.", "foo sdn/L bhd/L", NULL},
      {"Foo LLP", "foo llp/L", NULL},
      {"Foo FZE", "foo fze/L", NULL},
      {"Foo FZCO", "foo fzco/L", NULL},
      {"PT Foo Tbk", "pt/L foo tbk/L", NULL},
      {"Foo Compania Ltda", "foo co/L ltd/L", NULL},
      {"Foo y Cia", "foo y co/L", NULL},
      {"Foo Youxian Gongsi", "foo co/L ltd/L", NULL},
      /* Ambiguous short forms count only at the edges of a name. */
      {"Sa Ding", "sa ding", NULL},
      {"Trade As One", "trade/G as one", NULL},
      {"Foo SA Ltd", "foo sa/L ltd/L", NULL},
      {"Pao Foo", "jsc/L foo", NULL},
      {"Foo Co Bar", "foo co/L bar", NULL},
  };
  RUN(cases);
}

static void test_abbreviations(void **state) {
  (void)state;
  static const norm_case cases[] = {
      {"Foo Int'l", "foo international/GX", NULL},
      {"Foo Intl.", "foo international/GX", NULL},
      {"Foo International", "foo international/G", NULL},
      {"Foo Mfg. Co.", "foo manufacturing/GX co/L", NULL},
      {"Foo Tech", "foo technology/GX", NULL},
      {"Foo Technologies", "foo technology/G", NULL},
      {"Foo Industries", "foo industry/G", NULL},
      {"Foo Holdings", "foo holding/G", NULL},
      {"Foo Hldgs", "foo holding/GX", NULL},
      {"Foo Bros.", "foo brothers/GX", NULL},
      {"Foo Engg", "foo engineering/GX", NULL},
      {"Foo Univ.", "foo university/GX", NULL},
      {"Foo Natl. Inst. of Sci.",
       "foo national/GX institute/GX of/G science/GX", NULL},
      {"Foo Imp. & Exp. Co.", "foo import/GX and/GX export/GX co/L", NULL},
      {"Foo Chem", "foo chemical/X", NULL},
      /* Ambiguous abbreviations are left alone. */
      {"Foo Ind. Elec. Eng. Res.", "foo ind elec eng res", NULL},
      {"The Bank of Foo", "the/G bank of/G foo", NULL},
  };
  RUN(cases);
}

static void test_scripts(void **state) {
  (void)state;
  static const norm_case cases[] = {
      /* Chinese: simplified and traditional give the same tokens. */
      {"华为技术有限公司", "hua wei ji shu co/L ltd/L",
       "华 为 技 术 co/L ltd/L"},
      {"華為技術有限公司", "hua wei ji shu co/L ltd/L",
       "华 为 技 术 co/L ltd/L"},
      {"中芯国际", "zhong xin guo ji", "中 芯 国 际"},
      {"华为投资控股有限公司", "hua wei tou zi kong gu co/L ltd/L",
       "华 为 投 资 控 股 co/L ltd/L"},
      {"中兴通讯股份有限公司", "zhong xing tong xun co/L ltd/L",
       "中 兴 通 讯 co/L ltd/L"},
      {"北京某某有限责任公司", "bei jing mou mou llc/L", "北 京 某 某 llc/L"},
      {"华为集团", "hua wei group/G", "华 为 group/G"},
      {"华为公司", "hua wei co/L", "华 为 co/L"},
      /* Pinyin syllables are never read as legal forms or stop words. */
      {"奥德", "ao de", "奥 德"},
      /* Mixed scripts. */
      {"华为 Technologies Co., Ltd.", "hua wei technology/G co/L ltd/L",
       "华 为 technology/G co/L ltd/L"},
      /* Cyrillic: BGN romanisation; legal forms replaced first. */
      {"ООО \"Космический\"", "llc/L kosmicheskiy", "llc/L космический"},
      {"ОБЩЕСТВО С ОГРАНИЧЕННОЙ ОТВЕТСТВЕННОСТЬЮ «РОМАШКА»", "llc/L romashka",
       "llc/L ромашка"},
      {"Открытое акционерное общество Газпром", "jsc/L gazprom",
       "jsc/L газпром"},
      {"ПАО Сбербанк", "jsc/L sberbank", "jsc/L сбербанк"},
      {"Евгений Пригожин", "yevgeniy prigozhin", "евгений пригожин"},
      {"Объединение", "obyedineniye", "объединение"},
      /* Greek, Arabic, Persian, Korean, Japanese. */
      {"Ελληνική Εταιρεία Α.Ε.", "ellenike etaireia sa/L",
       "ελληνική εταιρεία sa/L"},
      {"شركة النفط", "co/L alnft", "co/L النفط"},
      {"حُسَين", "hsyn", "حسين"},
      {"삼성전자 주식회사", "samseongjeonja co/L ltd/L", "삼성전자 co/L ltd/L"},
      {"トヨタ自動車株式会社", "toyota zi dong che kk/L",
       "ト ヨ タ 自 动 车 kk/L"},
      {"ソニー", "soni", "ソ ニ ー"},
      /* Accented Latin: no script form. */
      {"Société Générale", "societe generale", NULL},
      {"Müller GmbH", "muller llc/L", NULL},
      {"Nguyễn Thị Minh Khai", "nguyen thi minh khai", NULL},
      {"Łódź Straße", "lodz strasse", NULL},
      {"Ørsted A/S", "orsted a s", NULL},
      {"Heydər Əliyev", "heydar aliyev", NULL},
      {"Côte d’Ivoire", "cote divoire", NULL},
      /* Compatibility forms: ligatures, full-width letters. */
      {"ﬁnance", "finance", NULL},
      {"ＡＢＣ　Ｃｏ．，Ｌｔｄ．", "abc co/L ltd/L", NULL},
      /* Soft hyphen and zero-width joiner vanish; no break. */
      {"Ro\xc2\xad"
       "sneft",
       "rosneft", NULL},
  };
  RUN(cases);
}

static void test_trad_simp_identical(void **state) {
  (void)state;
  static const char *pairs[][2] = {
      {"華為技術有限公司", "华为技术有限公司"},
      {"中國航天科技集團有限公司", "中国航天科技集团有限公司"},
      {"有限責任公司", "有限责任公司"},
      {"國際", "国际"},
  };
  static emb__normname a, b;
  for (size_t i = 0; i < sizeof(pairs) / sizeof(pairs[0]); i++) {
    assert_int_equal(emb__normalize(pairs[i][0], strlen(pairs[i][0]), &a),
                     EMB_OK);
    assert_int_equal(emb__normalize(pairs[i][1], strlen(pairs[i][1]), &b),
                     EMB_OK);
    char ra[1024], rb[1024];
    render(a.latin, a.n_latin, ra, sizeof(ra));
    render(b.latin, b.n_latin, rb, sizeof(rb));
    assert_string_equal(ra, rb);
    render(a.script, a.n_script, ra, sizeof(ra));
    render(b.script, b.n_script, rb, sizeof(rb));
    assert_string_equal(ra, rb);
    assert_true(a.n_script > 0);
  }
}

static void test_bad_utf8(void **state) {
  (void)state;
  static const struct {
    const char *s;
    size_t len;
  } bad[] = {
      {"\xc0\xaf", 2},         /* overlong "/" */
      {"\xc1\xbf", 2},         /* overlong */
      {"\xe0\x80\xaf", 3},     /* overlong, three bytes */
      {"\xf0\x80\x80\xaf", 4}, /* overlong, four bytes */
      {"\xed\xa0\x80", 3},     /* high surrogate */
      {"\xed\xbf\xbf", 3},     /* low surrogate */
      {"\xf4\x90\x80\x80", 4}, /* past U+10FFFF */
      {"\xf5\x80\x80\x80", 4}, /* invalid lead */
      {"\xff", 1},
      {"abc\xe4\xb8", 5}, /* truncated at the end */
      {"\xe4\xb8x", 3},   /* truncated in the middle */
      {"\x80 abc", 5},    /* stray continuation */
      {"a\xc3", 2},       /* truncated two-byte */
  };
  static emb__normname nn;
  for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
    if (emb__normalize(bad[i].s, bad[i].len, &nn) != EMB_EUTF8)
      fail_msg("case %zu: not rejected", i);
    assert_int_equal(nn.n_latin, 0);
    assert_int_equal(nn.n_script, 0);
    if (emb__normalize_icu(bad[i].s, bad[i].len, &nn) != EMB_EUTF8)
      fail_msg("case %zu: not rejected on the ICU path", i);
  }
  /* Edges that are valid: U+10FFFF, U+E000 after the surrogates, U+0080. */
  static const char *good[] = {"a\xf4\x8f\xbf\xbf", "\xee\x80\x80 x",
                               "\xc2\x80y", "\xef\xbf\xbd"};
  for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
    assert_int_equal(emb__normalize(good[i], strlen(good[i]), &nn), EMB_OK);
}

static void test_limits(void **state) {
  (void)state;
  static emb__normname nn;
  static char big[EMB__NORM_MAX_INPUT + 2];
  memset(big, 'a', sizeof(big));
  /* Input size. */
  assert_int_equal(emb__normalize(big, EMB__NORM_MAX_INPUT + 1, &nn),
                   EMB_ETOOBIG);
  assert_int_equal(emb__normalize_icu(big, EMB__NORM_MAX_INPUT + 1, &nn),
                   EMB_ETOOBIG);
  assert_int_equal(emb__normalize(big, EMB__NORM_MAX_INPUT, &nn), EMB_OK);
  /* One long token is cut to EMB__NORM_MAX_TOKEN - 1 bytes. */
  assert_int_equal(nn.n_latin, 1);
  assert_int_equal(nn.latin[0].len, EMB__NORM_MAX_TOKEN - 1);
  assert_true(nn.truncated);
  /* Too many tokens: the first EMB__NORM_MAX_TOKENS are kept. */
  for (size_t i = 0; i < 200; i++) big[i] = (i % 2) ? ' ' : 'x';
  assert_int_equal(emb__normalize(big, 200, &nn), EMB_OK);
  assert_int_equal(nn.n_latin, EMB__NORM_MAX_TOKENS);
  assert_true(nn.truncated);
  /* A short name is not truncated. */
  assert_int_equal(emb__normalize("a b", 3, &nn), EMB_OK);
  assert_false(nn.truncated);
  /* Multi-byte tokens are cut on a character boundary. */
  char cyr[81];
  for (int i = 0; i < 40; i++) memcpy(cyr + 2 * i, "\xd0\xb6", 2); /* ж */
  assert_int_equal(emb__normalize(cyr, 80, &nn), EMB_OK);
  assert_int_equal(nn.n_script, 1);
  assert_int_equal(nn.script[0].len, 46);
  assert_true(nn.truncated);
  /* Han characters are one token each: 60 of them overflow. */
  char han[180];
  for (int i = 0; i < 60; i++) memcpy(han + 3 * i, "\xe4\xb8\xad", 3); /* 中 */
  assert_int_equal(emb__normalize(han, sizeof(han), &nn), EMB_OK);
  assert_int_equal(nn.n_script, EMB__NORM_MAX_TOKENS);
  assert_int_equal(nn.n_latin, EMB__NORM_MAX_TOKENS);
  assert_true(nn.truncated);
  /* NFKC expansion of the longest kind still fits or is rejected. */
  char lig[1020];
  for (int i = 0; i < 340; i++) memcpy(lig + 3 * i, "\xef\xb7\xba", 3);
  emb_status st = emb__normalize(lig, sizeof(lig), &nn); /* 340 x U+FDFA */
  assert_true(st == EMB_OK || st == EMB_ETOOBIG);
  /* Arguments. */
  assert_int_equal(emb__normalize(NULL, 3, &nn), EMB_EINVAL);
  assert_int_equal(emb__normalize("abc", 3, NULL), EMB_EINVAL);
  assert_int_equal(emb__normalize(NULL, 0, &nn), EMB_OK);
  assert_int_equal(nn.n_latin, 0);
  /* Embedded NUL is a break, not an end. */
  assert_int_equal(emb__normalize("ab\0cd", 5, &nn), EMB_OK);
  assert_int_equal(nn.n_latin, 2);
}

/* ---- The ASCII fast path and the ICU path agree on ASCII input. ---- */

static int same(const emb__normname *a, const emb__normname *b) {
  if (a->n_latin != b->n_latin || a->n_script != b->n_script ||
      a->truncated != b->truncated)
    return 0;
  for (size_t i = 0; i < a->n_latin; i++)
    if (a->latin[i].len != b->latin[i].len ||
        a->latin[i].flags != b->latin[i].flags ||
        strcmp(a->latin[i].text, b->latin[i].text) != 0)
      return 0;
  return 1;
}

static int is_ascii(const char *s) {
  for (; *s; s++)
    if ((unsigned char)*s >= 0x80) return 0;
  return 1;
}

/* Compares both paths on s; returns 1 if it was ASCII and checked. */
static int check_equivalent(const char *s) {
  static emb__normname a, b;
  if (!is_ascii(s)) return 0;
  size_t len = strlen(s);
  emb_status sa = emb__normalize(s, len, &a);
  emb_status sb = emb__normalize_icu(s, len, &b);
  if (sa != sb) fail_msg("[%s]: status %d vs %d", s, sa, sb);
  if (sa == EMB_OK && !same(&a, &b)) {
    char ra[2048], rb[2048];
    render(a.latin, a.n_latin, ra, sizeof(ra));
    render(b.latin, b.n_latin, rb, sizeof(rb));
    fail_msg("[%s]: fast [%s] vs ICU [%s]", s, ra, rb);
  }
  return 1;
}

static void test_equivalence_table(void **state) {
  (void)state;
  static const char *names[] = {
      "",
      " ",
      "&",
      "...",
      "a",
      "A.",
      "A.B",
      "A.B.",
      "A.B.C",
      "a.bc",
      "U.S.A. Army",
      "O'Brien & Co.",
      "int'l",
      "INT`L",
      "Co.,Ltd.",
      "S. A.",
      "S.A. de C.V.",
      "Sp. z o.o.",
      "L.L.C",
      "l.l.c.",
      "AO",
      "Sa Ding",
      "Ding Sa",
      "as",
      "X AS Y",
      "PT",
      "x pt",
      "imp & exp",
      "imp. and exp.",
      "Joint Stock Company",
      "obshchestvo s ogranichennoy otvetstvennostyu x",
      "\t\r\n\v\f",
      "!\"#$%()*+,-/:;<=>?@[\\]^_{|}~",
      "0123456789",
      "a1b2 3c",
      "ABCDEFGHIJKLMNOPQRSTUVWXYZ abcdefghijklmnopqrstuvwxyz",
      ("x y z x y z x y z x y z x y z x y z x y z x y z x y z x y z x y z "
       "x y z x y z x y z x y z x y z x y z x y z"),
      "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
      "\x01\x02\x7f",
      "The Company of the Holy & Blessed Trading Co Ltd",
  };
  for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
    assert_true(check_equivalent(names[i]));
  /* Every printable ASCII character around a letter. */
  char s[4] = "a?b";
  for (int c = 1; c < 0x80; c++) {
    s[1] = (char)c;
    assert_true(check_equivalent(s));
  }
}

/* Reads the CSV field `col` (0-based) of each record of path into f,
 * called for each. Quoted fields may hold commas, doubled quotes and line
 * breaks. Returns the number of records, or -1 if the file is missing. */
static long each_field(const char *path, int col, int (*f)(const char *)) {
  FILE *fp = fopen(path, "rb");
  if (fp == NULL) return -1;
  static char field[8192];
  size_t fl = 0;
  int c, k = 0, quoted = 0, more = 1;
  long recs = 0;
  while ((c = getc(fp)) != EOF && more) {
    if (quoted) {
      if (c == '"') {
        int d = getc(fp);
        if (d == '"') {
          if (fl + 1 < sizeof(field)) field[fl++] = '"';
          continue;
        }
        quoted = 0;
        if (d == EOF) break;
        c = d;
      } else {
        if (fl + 1 < sizeof(field)) field[fl++] = (char)c;
        continue;
      }
    }
    if (c == '"' && fl == 0) {
      quoted = 1;
    } else if (c == ',' || c == '\n') {
      field[fl] = '\0';
      if (k == col && recs > 0) more = f(field);
      fl = 0;
      k++;
      if (c == '\n') {
        k = 0;
        recs++;
      }
    } else if (c != '\r') {
      if (fl + 1 < sizeof(field)) field[fl++] = (char)c;
    }
  }
  fclose(fp);
  return recs;
}

static long g_checked, g_other;

/* ASCII names: both paths agree. Others: they normalise, with a Latin
 * form, and so does each name in a second run (the pinyin cache). */
static int check_one(const char *s) {
  static emb__normname nn;
  if (check_equivalent(s)) {
    g_checked++;
  } else {
    g_other++;
    if (emb__normalize(s, strlen(s), &nn) != EMB_OK || nn.n_latin == 0)
      fail_msg("[%s]: no Latin form", s);
  }
  return g_checked < 5000; /* a few thousand per file is plenty */
}

static void test_equivalence_data(void **state) {
  (void)state;
  const char *dir = getenv("EMBARGO_SHARED_DATA");
  if (dir == NULL) skip();
  static const struct {
    const char *file;
    int col;
  } files[] = {
      {"names/negatives-sample-global.csv", 0},
      {"names/negatives-sample-us.csv", 0},
      {"lists/us-csl/consolidated-2026-07-31-reduced.csv", 5},
  };
  for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
    char path[1024];
    snprintf(path, sizeof(path), "%s/%s", dir, files[i].file);
    g_checked = g_other = 0;
    long n = each_field(path, files[i].col, check_one);
    if (n < 0) fail_msg("cannot read %s", path);
    if (g_checked < 300) fail_msg("%s: only %ld ASCII names", path, g_checked);
  }
}

/* ---- Tables, threads, lifecycle. ---- */

static void test_tables(void **state) {
  (void)state;
  assert_int_equal(emb__lf_selfcheck(), 0);
  assert_true(emb__lf_count() > 300);
  /* Longest match wins; a prefix alone is not a match. */
  emb__lf_tok t[4] = {{"joint", 5}, {"stock", 5}, {"company", 7}, {"x", 1}};
  emb__lf_result r;
  assert_int_equal(emb__lf_match(t, 4, &r), 1);
  assert_int_equal(r.n_in, 3);
  assert_int_equal(r.n_out, 1);
  assert_memory_equal(r.out[0], "jsc", 3);
  assert_int_equal(r.out_flags[0], EMB__TOKF_LEGAL);
  assert_int_equal(emb__lf_match(t, 1, &r), 0); /* "joint" alone */
  emb__lf_tok u[1] = {{"zzzz", 4}};
  assert_int_equal(emb__lf_match(u, 1, &r), 0);
  assert_int_equal(emb__lf_match(u, 0, &r), 0);
}

static const char *k_thread_names[] = {
    "华为技术有限公司",  "Huawei Technologies Co., Ltd.",
    "ООО Космический",   "Société Générale",
    "삼성전자 주식회사", "トヨタ自動車株式会社",
    "華為技術有限公司",  "حسین موسوی"};
#define N_THREAD_NAMES (sizeof(k_thread_names) / sizeof(k_thread_names[0]))
static char g_expect[N_THREAD_NAMES][2][1024];

static void *thread_main(void *arg) {
  size_t off = (size_t)(uintptr_t)arg;
  emb__normname *nn = malloc(sizeof(*nn));
  long bad = 0;
  for (size_t it = 0; it < 200 && nn != NULL; it++) {
    size_t i = (it + off) % N_THREAD_NAMES;
    char got[1024];
    const char *s = k_thread_names[i];
    if (emb__normalize(s, strlen(s), nn) != EMB_OK) bad++;
    render(nn->latin, nn->n_latin, got, sizeof(got));
    bad += strcmp(got, g_expect[i][0]) != 0;
    render(nn->script, nn->n_script, got, sizeof(got));
    bad += strcmp(got, g_expect[i][1]) != 0;
  }
  free(nn);
  return (void *)(intptr_t)bad;
}

static void test_threads(void **state) {
  (void)state;
  static emb__normname nn;
  for (size_t i = 0; i < N_THREAD_NAMES; i++) {
    const char *s = k_thread_names[i];
    assert_int_equal(emb__normalize(s, strlen(s), &nn), EMB_OK);
    render(nn.latin, nn.n_latin, g_expect[i][0], sizeof(g_expect[i][0]));
    render(nn.script, nn.n_script, g_expect[i][1], sizeof(g_expect[i][1]));
  }
  pthread_t th[6];
  for (size_t i = 0; i < 6; i++)
    assert_int_equal(
        pthread_create(&th[i], NULL, thread_main, (void *)(uintptr_t)i), 0);
  for (size_t i = 0; i < 6; i++) {
    void *ret;
    assert_int_equal(pthread_join(th[i], &ret), 0);
    assert_int_equal((intptr_t)ret, 0);
  }
}

static void test_cleanup_reuse(void **state) {
  (void)state;
  static emb__normname nn;
  const char *s = "ООО Космический";
  emb__normalize_cleanup();
  emb__normalize_cleanup(); /* twice is harmless */
  assert_int_equal(emb__normalize(s, strlen(s), &nn), EMB_OK);
  char got[256];
  render(nn.latin, nn.n_latin, got, sizeof(got));
  assert_string_equal(got, "llc/L kosmicheskiy");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_ascii),
      cmocka_unit_test(test_legal_forms),
      cmocka_unit_test(test_abbreviations),
      cmocka_unit_test(test_scripts),
      cmocka_unit_test(test_trad_simp_identical),
      cmocka_unit_test(test_bad_utf8),
      cmocka_unit_test(test_limits),
      cmocka_unit_test(test_equivalence_table),
      cmocka_unit_test(test_equivalence_data),
      cmocka_unit_test(test_tables),
      cmocka_unit_test(test_threads),
      cmocka_unit_test(test_cleanup_reuse),
  };
  int rc = cmocka_run_group_tests(tests, NULL, NULL);
  emb__normalize_cleanup();
  u_cleanup();
  return rc;
}
