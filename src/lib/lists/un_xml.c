/* The UN Security Council consolidated list, XML (CONSOLIDATED_LIST).
 *
 * DESIGN: the file is parsed into a tree by libxml2 with entity
 * substitution, DTD loading and network access all off, so the document
 * cannot pull in anything from outside or expand into more text than it
 * holds; text is read only from an element's own text and CDATA children,
 * never through entity references. libxml2's messages are caught by a
 * structured error handler on the parser context (the first error is kept
 * for the report), so nothing is printed to stderr. Each INDIVIDUAL and
 * ENTITY becomes one entity; one without a name is a bad row, reported
 * with its line in the XML.
 */
#include <libxml/parser.h>
#include <libxml/tree.h>
#include <libxml/xmlerror.h>
#include <limits.h>
#include <string.h>

#include "source.h"

#define ROOT_NAME "CONSOLIDATED_LIST"

static int is_ws(unsigned char c) {
  return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

/* Skips white space, a UTF-8 byte order mark, the XML declaration and
 * comments; returns 1 if the root element named ROOT_NAME follows. */
static int probe(const char *head, size_t n) {
  size_t i = 0;
  if (n >= 3 && memcmp(head, "\xEF\xBB\xBF", 3) == 0) i = 3;
  for (;;) {
    while (i < n && is_ws((unsigned char)head[i])) i++;
    if (i + 5 <= n && memcmp(head + i, "<?xml", 5) == 0) {
      const char *end = NULL;
      for (size_t j = i + 5; j + 1 < n; j++)
        if (head[j] == '?' && head[j + 1] == '>') {
          end = head + j + 2;
          break;
        }
      if (end == NULL) return 0;
      i = (size_t)(end - head);
    } else if (i + 4 <= n && memcmp(head + i, "<!--", 4) == 0) {
      const char *end = NULL;
      for (size_t j = i + 4; j + 2 < n; j++)
        if (memcmp(head + j, "-->", 3) == 0) {
          end = head + j + 3;
          break;
        }
      if (end == NULL) return 0;
      i = (size_t)(end - head);
    } else {
      break;
    }
  }
  size_t rl = strlen(ROOT_NAME);
  if (i + 1 + rl >= n || head[i] != '<' ||
      memcmp(head + i + 1, ROOT_NAME, rl) != 0)
    return 0;
  char c = head[i + 1 + rl];
  return is_ws((unsigned char)c) || c == '>' || c == '/';
}

/* A growable string bounded by EMB__MAX_FIELD. */
typedef struct strbuf {
  char *p;
  size_t len, cap;
} strbuf;

static emb_status sb_put(strbuf *b, const char *p, size_t n) {
  if (b->len + n > EMB__MAX_FIELD) return EMB_ETOOBIG;
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + n + 1) cap *= 2;
    char *np = realloc(b->p, cap);
    if (np == NULL) return EMB_ENOMEM;
    b->p = np;
    b->cap = cap;
  }
  memcpy(b->p + b->len, p, n);
  b->len += n;
  b->p[b->len] = '\0';
  return EMB_OK;
}

/* Appends text with every run of white space made one space and none at
 * either end; sep goes first when both the buffer and the text are not
 * empty. */
static emb_status sb_words(strbuf *b, const char *sep, const char *p,
                           size_t n) {
  while (n && is_ws((unsigned char)*p)) p++, n--;
  while (n && is_ws((unsigned char)p[n - 1])) n--;
  if (n == 0) return EMB_OK;
  emb_status st = EMB_OK;
  if (b->len && sep) st = sb_put(b, sep, strlen(sep));
  size_t i = 0;
  while (st == EMB_OK && i < n) {
    size_t j = i;
    while (j < n && !is_ws((unsigned char)p[j])) j++;
    st = sb_put(b, p + i, j - i);
    while (j < n && is_ws((unsigned char)p[j])) j++;
    if (st == EMB_OK && j < n) st = sb_put(b, " ", 1);
    i = j;
  }
  return st;
}

static int named(const xmlNode *n, const char *name) {
  return n->type == XML_ELEMENT_NODE &&
         strcmp((const char *)n->name, name) == 0;
}

/* The element's own text (text and CDATA children only: entity references
 * are deliberately not followed), words joined by single spaces, appended
 * to b after sep. */
static emb_status text_of(const xmlNode *el, strbuf *b, const char *sep) {
  strbuf raw = {NULL, 0, 0};
  emb_status st = EMB_OK;
  for (const xmlNode *c = el->children; c && st == EMB_OK; c = c->next)
    if ((c->type == XML_TEXT_NODE || c->type == XML_CDATA_SECTION_NODE) &&
        c->content)
      st = sb_put(&raw, (const char *)c->content,
                  strlen((const char *)c->content));
  if (st == EMB_OK && raw.len) st = sb_words(b, sep, raw.p, raw.len);
  free(raw.p);
  return st;
}

/* The text of the first child element called name, into b (reset). */
static emb_status child_text(const xmlNode *el, const char *name, strbuf *b) {
  b->len = 0;
  for (const xmlNode *c = el->children; c; c = c->next)
    if (named(c, name)) return text_of(c, b, NULL);
  return EMB_OK;
}

/* The state of one INDIVIDUAL or ENTITY being read. */
typedef struct reader {
  emb__src *s;
  emb_entity *e;
  strbuf a, b;       /* scratch */
  strbuf title;      /* TITLE and DESIGNATION values */
  const char *field; /* the field at fault when a setter fails */
} reader;

static emb_status add_alias(reader *r, const xmlNode *el) {
  r->field = "ALIAS_NAME";
  emb_status st = child_text(el, "ALIAS_NAME", &r->a);
  if (st != EMB_OK || r->a.len == 0) return st;
  if ((st = child_text(el, "QUALITY", &r->b)) != EMB_OK) return st;
  emb_name_kind kind = strcmp(r->b.len ? r->b.p : "", "Low") == 0
                           ? EMB_NAME_WEAK_ALIAS
                           : EMB_NAME_ALIAS;
  return emb__src_add_name(r->s, r->e, r->a.p, r->a.len, kind);
}

static emb_status add_address(reader *r, const xmlNode *el) {
  static const char *const parts[] = {"STREET", "CITY", "STATE_PROVINCE",
                                      "ZIP_CODE", "COUNTRY"};
  r->field = "address";
  strbuf *a = &r->a;
  a->len = 0;
  emb_status st = EMB_OK;
  for (size_t i = 0; i < sizeof(parts) / sizeof(parts[0]) && st == EMB_OK; i++)
    for (const xmlNode *c = el->children; c && st == EMB_OK; c = c->next)
      if (named(c, parts[i])) st = text_of(c, a, ", ");
  if (st == EMB_OK && a->len)
    st = emb__src_add(r->s, r->e, EMB__F_ADDRESS, a->p, a->len);
  if (st == EMB_OK) st = child_text(el, "COUNTRY", &r->b);
  if (st == EMB_OK && r->b.len) {
    st = emb__src_add_country(r->s, r->e, r->b.p, r->b.len);
    if (st == EMB_ENOTFOUND) st = EMB_OK;
  }
  return st;
}

/* "TYPE_OF_DOCUMENT NUMBER (ISSUING_COUNTRY)", as idents are written. */
static emb_status add_document(reader *r, const xmlNode *el) {
  r->field = "INDIVIDUAL_DOCUMENT";
  emb_status st = child_text(el, "NUMBER", &r->b);
  if (st != EMB_OK || r->b.len == 0) return st;
  strbuf *a = &r->a;
  if ((st = child_text(el, "TYPE_OF_DOCUMENT", a)) != EMB_OK) return st;
  if (a->len == 0 && (st = child_text(el, "TYPE_OF_DOCUMENT2", a)) != EMB_OK)
    return st;
  if ((st = sb_words(a, " ", r->b.p, r->b.len)) != EMB_OK) return st;
  if ((st = child_text(el, "ISSUING_COUNTRY", &r->b)) != EMB_OK) return st;
  if (r->b.len == 0 &&
      (st = child_text(el, "COUNTRY_OF_ISSUE", &r->b)) != EMB_OK)
    return st;
  if (r->b.len) {
    if ((st = sb_put(a, " (", 2)) != EMB_OK ||
        (st = sb_put(a, r->b.p, r->b.len)) != EMB_OK ||
        (st = sb_put(a, ")", 1)) != EMB_OK)
      return st;
  }
  return emb__src_add(r->s, r->e, EMB__F_IDENT, a->p, a->len);
}

/* Every VALUE child's text, through fn. */
static emb_status each_value(reader *r, const xmlNode *el,
                             emb_status (*fn)(reader *, const char *, size_t)) {
  for (const xmlNode *c = el->children; c; c = c->next) {
    if (!named(c, "VALUE")) continue;
    r->a.len = 0;
    emb_status st = text_of(c, &r->a, NULL);
    if (st == EMB_OK && r->a.len) st = fn(r, r->a.p, r->a.len);
    if (st != EMB_OK) return st;
  }
  return EMB_OK;
}

static emb_status value_country(reader *r, const char *p, size_t n) {
  emb_status st = emb__src_add_country(r->s, r->e, p, n);
  return st == EMB_ENOTFOUND ? EMB_OK : st;
}

static emb_status value_title(reader *r, const char *p, size_t n) {
  return sb_words(&r->title, "; ", p, n);
}

/* LISTED_ON is an xs:date, which may carry a time zone ("2015-04-07-04:00"
 * or "...Z"); the day is what matters. */
static emb_status set_listed_on(reader *r, const xmlNode *el, long line) {
  r->b.len = 0;
  emb_status st = text_of(el, &r->b, NULL);
  if (st != EMB_OK || r->b.len == 0) return st;
  size_t n = r->b.len;
  if (n > 10 && (r->b.p[10] == 'Z' || r->b.p[10] == '+' || r->b.p[10] == '-'))
    n = 10;
  char d[11];
  if (emb__date_parse(r->b.p, n, d) != EMB_OK) {
    emb__src_warn(r->s, line, "LISTED_ON \"%.40s\" is not a date; ignored",
                  r->b.p);
    return EMB_OK;
  }
  return emb__src_set(r->s, &r->e->start_date, d, 10);
}

/* Fills r->e from the children of an INDIVIDUAL or ENTITY element. */
static emb_status fill(reader *r, const xmlNode *el, const char *alias_el,
                       const char *address_el) {
  static const char *const name_parts[] = {"FIRST_NAME", "SECOND_NAME",
                                           "THIRD_NAME", "FOURTH_NAME"};
  emb__src *s = r->s;
  emb_entity *e = r->e;
  emb_status st = EMB_OK;

  /* The name first, so it becomes names[0]. */
  r->field = "name";
  strbuf *name = &r->b;
  name->len = 0;
  for (size_t i = 0; i < sizeof(name_parts) / sizeof(name_parts[0]); i++)
    for (const xmlNode *c = el->children; c && st == EMB_OK; c = c->next)
      if (named(c, name_parts[i])) st = text_of(c, name, " ");
  if (st != EMB_OK) return st;
  if (name->len == 0) return EMB_EINVAL;
  st = emb__src_add_name(s, e, name->p, name->len, EMB_NAME_PRIMARY);
  if (st != EMB_OK) return st;

  r->title.len = 0;
  for (const xmlNode *c = el->children; c && st == EMB_OK; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    long line = xmlGetLineNo(c);
    if (named(c, "NAME_ORIGINAL_SCRIPT")) {
      r->field = "NAME_ORIGINAL_SCRIPT";
      r->a.len = 0;
      st = text_of(c, &r->a, NULL);
      if (st == EMB_OK && r->a.len)
        st = emb__src_add_name(s, e, r->a.p, r->a.len, EMB_NAME_ALIAS);
    } else if (named(c, alias_el)) {
      st = add_alias(r, c);
    } else if (named(c, address_el)) {
      st = add_address(r, c);
    } else if (named(c, "INDIVIDUAL_DOCUMENT")) {
      st = add_document(r, c);
    } else if (named(c, "NATIONALITY")) {
      r->field = "NATIONALITY";
      st = each_value(r, c, value_country);
    } else if (named(c, "TITLE") || named(c, "DESIGNATION")) {
      r->field = (const char *)c->name;
      st = each_value(r, c, value_title);
    } else if (named(c, "REFERENCE_NUMBER")) {
      r->field = "REFERENCE_NUMBER";
      r->a.len = 0;
      if ((st = text_of(c, &r->a, NULL)) == EMB_OK && r->a.len)
        st = emb__src_set(s, &e->source_id, r->a.p, r->a.len);
    } else if (named(c, "UN_LIST_TYPE")) {
      r->field = "UN_LIST_TYPE";
      r->a.len = 0;
      if ((st = text_of(c, &r->a, NULL)) == EMB_OK && r->a.len)
        st = emb__src_add(s, e, EMB__F_PROGRAM, r->a.p, r->a.len);
    } else if (named(c, "LISTED_ON")) {
      r->field = "LISTED_ON";
      st = set_listed_on(r, c, line);
    } else if (named(c, "COMMENTS1")) {
      r->field = "COMMENTS1";
      r->a.len = 0;
      if ((st = text_of(c, &r->a, NULL)) == EMB_OK && r->a.len)
        st = emb__src_set(s, &e->remarks, r->a.p, r->a.len);
    }
  }
  if (st == EMB_OK && r->title.len) {
    r->field = "TITLE";
    st = emb__src_set(s, &e->title, r->title.p, r->title.len);
  }
  return st;
}

static const char UN_SOURCE[] = "UN Security Council Consolidated List";

static emb_status load_group(reader *r, const xmlNode *group, const char *item,
                             emb_entity_type type, const char *alias_el,
                             const char *address_el) {
  for (const xmlNode *c = group->children; c; c = c->next) {
    if (c->type != XML_ELEMENT_NODE) continue;
    long line = xmlGetLineNo(c);
    emb__src_row(r->s);
    if (!named(c, item)) {
      emb__src_bad_row(r->s, line, "unexpected element <%s> in <%s>",
                       (const char *)c->name, (const char *)group->name);
      continue;
    }
    r->e = emb__src_entity_new(r->s);
    if (r->e == NULL) return EMB_ENOMEM;
    r->e->list = "UN";
    r->e->source = UN_SOURCE;
    r->e->type = type;
    emb_status st = fill(r, c, alias_el, address_el);
    if (st == EMB_ENOMEM) return st;
    if (st != EMB_OK) {
      emb__src_drop_last(r->s);
      if (st == EMB_EINVAL)
        emb__src_bad_row(r->s, line, "<%s> without a name", item);
      else
        emb__src_bad_row(r->s, line, "<%s>: %s: %s", item, r->field,
                         emb_strerror(st));
    }
  }
  return EMB_OK;
}

/* The first error libxml2 reports, kept instead of printed. */
typedef struct xml_err {
  int have;
  int line;
  char msg[200];
} xml_err;

static void on_xml_error(void *data, xmlErrorPtr err) {
  xmlParserCtxtPtr ctxt = data;
  xml_err *xe = ctxt ? ctxt->_private : NULL;
  if (xe == NULL || err == NULL || xe->have || err->level < XML_ERR_ERROR)
    return;
  xe->have = 1;
  xe->line = err->line;
  const char *m = err->message ? err->message : "malformed XML";
  size_t n = strlen(m);
  while (n && is_ws((unsigned char)m[n - 1])) n--; /* libxml2 ends in \n */
  if (n >= sizeof(xe->msg)) n = sizeof(xe->msg) - 1;
  memcpy(xe->msg, m, n);
  xe->msg[n] = '\0';
}

static emb_status load(emb__src *s, const char *data, size_t len) {
  if (len > INT_MAX) {
    emb__src_fail(s, "XML file larger than %d bytes", INT_MAX);
    return EMB_ETOOBIG;
  }
  xmlParserCtxtPtr ctxt = xmlNewParserCtxt();
  if (ctxt == NULL) return EMB_ENOMEM;
  xml_err xe = {0, 0, ""};
  ctxt->_private = &xe;
  ctxt->sax->serror = on_xml_error;
  /* No entity substitution (XML_PARSE_NOENT) and no DTD loading: a list
   * file has no business pulling in anything else. */
  int opts = XML_PARSE_NONET | XML_PARSE_NOBLANKS | XML_PARSE_NOERROR |
             XML_PARSE_NOWARNING | XML_PARSE_BIG_LINES;
  xmlDocPtr doc =
      xmlCtxtReadMemory(ctxt, data, (int)len, emb__src_path(s), NULL, opts);
  int well_formed = ctxt->wellFormed;
  xmlFreeParserCtxt(ctxt);
  if (doc == NULL || !well_formed) {
    xmlFreeDoc(doc);
    emb__src_fail(s, "malformed XML at line %d: %s", xe.have ? xe.line : 0,
                  xe.have ? xe.msg : "unknown error");
    return EMB_EPARSE;
  }

  emb_status st = EMB_OK;
  xmlNodePtr root = xmlDocGetRootElement(doc);
  if (root == NULL || !named(root, ROOT_NAME)) {
    xmlFreeDoc(doc);
    emb__src_fail(s, "the root element is not <%s>", ROOT_NAME);
    return EMB_EFORMAT;
  }
  xmlChar *generated = xmlGetProp(root, (const xmlChar *)"dateGenerated");
  if (generated) {
    if (emb__src_set_list_date(s, (const char *)generated) == EMB_EDATE)
      emb__src_warn(s, xmlGetLineNo(root),
                    "dateGenerated \"%.40s\" is not a date; ignored",
                    (const char *)generated);
    xmlFree(generated);
  }
  st = emb__src_set_name(s, UN_SOURCE);

  reader r = {.s = s};
  for (xmlNodePtr c = root->children; c && st == EMB_OK; c = c->next) {
    if (named(c, "INDIVIDUALS"))
      st = load_group(&r, c, "INDIVIDUAL", EMB_TYPE_PERSON, "INDIVIDUAL_ALIAS",
                      "INDIVIDUAL_ADDRESS");
    else if (named(c, "ENTITIES"))
      st = load_group(&r, c, "ENTITY", EMB_TYPE_ORGANIZATION, "ENTITY_ALIAS",
                      "ENTITY_ADDRESS");
  }
  free(r.a.p);
  free(r.b.p);
  free(r.title.p);
  xmlFreeDoc(doc);
  if (st != EMB_OK) emb__src_fail(s, "%s", emb_strerror(st));
  return st;
}

const emb__format emb__fmt_un_xml = {"un-xml", probe, load};
