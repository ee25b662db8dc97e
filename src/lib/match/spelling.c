/* Typo correction for the common words of names.
 *
 * DESIGN: a typo in a legal form or a generic word ("COMAPNY", "LIMITD",
 * "LIABIITY") turns a low-weight word into an unknown token that the lists
 * never hold, which then weighs as much as a distinctive name and sinks the
 * score. The screen corrects such a token to the one common word within
 * the typo budget and normalises the query again, so the corrected word
 * takes exactly the path a correct spelling would (legal-form
 * canonicalisation included). Only words of five letters or more are
 * listed: shorter ones are too close to real name tokens.
 */
#include "spelling.h"

#include <string.h>

#include "index_internal.h"
#include "similarity.h"

static const char *const words[] = {
    "aktsionernoe",  "anonima",       "association",
    "bank",          "commercial",    "companhia",
    "compania",      "company",       "corporation",
    "development",   "electronics",   "energy",
    "engineering",   "enterprise",    "enterprises",
    "foundation",    "general",       "global",
    "group",         "holding",       "holdings",
    "import",        "incorporated",  "industrial",
    "industries",    "industry",      "institute",
    "international", "investment",    "joint",
    "limitada",      "limited",       "liability",
    "management",    "manufacturing", "national",
    "obshchestvo",   "ogranichennoy", "otvetstvennostyu",
    "production",    "publichnoe",    "research",
    "scientific",    "services",      "shipping",
    "sirketi",       "sociedad",      "stock",
    "systems",       "technologies",  "technology",
    "ticaret",       "trading",       "zakrytoe",
};

const char *emb__spelling_fix(const char *t, size_t n) {
  if (n < 4 || n > 20) return NULL;
  const char *found = NULL;
  uint32_t mask = emb__letter_mask(t, n);
  for (size_t i = 0; i < sizeof(words) / sizeof(words[0]); i++) {
    size_t wn = strlen(words[i]);
    if ((wn > n ? wn - n : n - wn) > 2) continue;
    /* One edit changes at most two letters of the letter set. */
    if (emb__popcount32(mask ^ emb__letter_mask(words[i], wn)) > 4) continue;
    double sim = emb__token_similarity(t, n, words[i], wn);
    if (sim >= 1.0) return NULL; /* spelt right */
    if (sim <= 0) continue;
    if (found) return NULL; /* ambiguous: leave it */
    found = words[i];
  }
  return found;
}
