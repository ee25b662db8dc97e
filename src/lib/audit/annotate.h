/* Internal: the audit log as the CLI and the server use it around a
 * screening: decision marks on hits, the compact result the log stores,
 * and the version ids (with their "lists"/"rules" rows) of the data used.
 */
#ifndef EMB_AUDIT_ANNOTATE_H
#define EMB_AUDIT_ANNOTATE_H

#include <jansson.h>

#include "embargo/audit.h"
#include "embargo/lists.h"
#include "embargo/rules.h"

/* For each hit of screen_json["hits"], looks up the latest decision on
 * (query, hit entity_id, SHA-256 of the entity's source file in ls) and
 * adds "decision": {"decision", "reviewer", "note", "time"}; a hit cleared
 * as a false positive also gets "cleared": true. Returns screen_json (the
 * same reference, still owned by the caller). a, ls and query are
 * borrowed; a NULL a or query leaves the object as it is. One indexed
 * look-up per call, whatever the number of hits. */
json_t *emb__audit_annotate(emb_audit *a, const emb_listset *ls,
                            const char *query, json_t *screen_json);

/* The compact result the log stores for a screening: {"query", "hits":
 * [{"entity_id", "list", "score", "match"}]} (and "error" when the result
 * has one), compact JSON text; caller frees with free(). NULL when out of
 * memory. The explanations are left out: they are reproducible from the
 * list versions the row records. */
char *emb__audit_compact_result(const json_t *screen_json);

/* out = "lists:" + the first 16 hex digits of SHA-256 over the sources'
 * SHA-256 digests in load order (each followed by "\n"). */
void emb__audit_lists_version(const emb_listset *ls, char out[80]);
/* out = "rules:" + the first 16 hex digits of SHA-256 over the rule
 * packs' and then the reference files' digests, each followed by "\n". */
void emb__audit_rules_version(const emb_ruleset *rs, char out[80]);

/* Computes the version id of ls into out and, the first time this handle
 * sees that id (and when the log holds no "lists" row for it yet), queues
 * a row of kind "lists" whose lists column is the id and whose result is
 * the full emb__lists_json of the set. caller is borrowed. */
emb_status emb__audit_note_lists(emb_audit *a, const emb_listset *ls,
                                 const char *caller, char out[80]);
/* The same for a rule set (kind "rules"; result: the packs and the
 * reference files with their digests). */
emb_status emb__audit_note_rules(emb_audit *a, const emb_ruleset *rs,
                                 const char *caller, char out[80]);

/* "cli:" + $USER into out (just "cli" when USER is unset, empty or not a
 * plain login name). */
void emb__audit_cli_caller(char out[80]);

/* Appends one event whose request is the JSON request (borrowed; dumped
 * compactly) and whose result is the text result (borrowed; may be NULL).
 * The other strings are borrowed too. */
emb_status emb__audit_event(emb_audit *a, const char *kind, const char *caller,
                            const json_t *request, const char *result,
                            const char *lists, const char *rules);

/* Checks an ISO 8601 date or time as the export filters take it. */
int emb__audit_valid_time(const char *s);

#endif
