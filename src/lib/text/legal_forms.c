/* Legal-form and abbreviation tables: being written. */
#include "legal_forms.h"
