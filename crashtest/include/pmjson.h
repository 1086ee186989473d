/* A JSON string writer shared by ctoracle's reports and the tracer's stats. */
#ifndef PMJSON_H
#define PMJSON_H
#include <stdio.h>

/* s as a quoted JSON string (NULL as ""): quotes, backslashes and controls escaped. */
void pm_json_string(FILE *f, const char *s);

#endif
