/* Internal: legal-form, abbreviation and generic-word tables. */
#ifndef EMB_TEXT_LEGAL_FORMS_H
#define EMB_TEXT_LEGAL_FORMS_H
#endif
